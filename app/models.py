"""Every table, imported in one place for Alembic and for tests."""

from sqlmodel import SQLModel

from app.accounts.models import ApiToken, AuthSession, RateLimit, User
from app.agenda.models import AgendaItem, Meeting
from app.audit.models import AuditEntry
from app.evaluation.models import (
    Survey,
    SurveyChangeTally,
    SurveyItem,
    SurveyResponse,
    SurveyResults,
    SurveyTally,
    SurveyText,
    TransferEntry,
)
from app.notes.models import Note
from app.ntext.models import (
    MarkTally,
    ParagraphText,
    TextCritique,
    TextMark,
    TextParagraph,
    TextSignoff,
    TextSignoffTally,
    TextVersion,
)
from app.replay.models import FormReplay
from app.room.models import (
    Proposal,
    ProposalTombstone,
    Reaction,
    ReactionTally,
    SpeakingRequest,
    Theme,
)
from app.roster.models import Participant, RulesAcceptance
from app.rules.models import GroundRule
from app.summary.models import (
    SummaryComment,
    SummaryDecision,
    SummaryReview,
    SummarySignoff,
    SummarySignoffTally,
    SummaryTerm,
)
from app.summary.released import ReleasedSummary
from app.translations.models import ContentTranslation, TextTranslation
from app.two_step.models import StaffRecoveryCode, StaffTotp
from app.workshops.models import Membership, Party, RoundContext, Workshop, WorkshopKey

metadata = SQLModel.metadata

__all__ = [
    "AgendaItem",
    "ApiToken",
    "AuditEntry",
    "AuthSession",
    "ContentTranslation",
    "FormReplay",
    "GroundRule",
    "MarkTally",
    "Meeting",
    "Membership",
    "Note",
    "ParagraphText",
    "Participant",
    "Party",
    "Proposal",
    "ProposalTombstone",
    "RateLimit",
    "Reaction",
    "ReactionTally",
    "ReleasedSummary",
    "RoundContext",
    "RulesAcceptance",
    "SpeakingRequest",
    "StaffRecoveryCode",
    "StaffTotp",
    "SummaryComment",
    "SummaryDecision",
    "SummaryReview",
    "SummarySignoff",
    "SummarySignoffTally",
    "SummaryTerm",
    "Survey",
    "SurveyChangeTally",
    "SurveyItem",
    "SurveyResponse",
    "SurveyResults",
    "SurveyTally",
    "SurveyText",
    "TextCritique",
    "TextMark",
    "TextParagraph",
    "TextSignoff",
    "TextSignoffTally",
    "TextTranslation",
    "TextVersion",
    "Theme",
    "TransferEntry",
    "User",
    "Workshop",
    "WorkshopKey",
    "metadata",
]
