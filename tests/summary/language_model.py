"""A summary export model with content in Arabic, Hebrew, Persian and English, built without a
database, for rendering every format in every language (tests/summary/test_languages.py)."""

from __future__ import annotations

from datetime import date

from app.summary.present import (
    BROAD,
    Block,
    ItemOut,
    MethodOut,
    ProposalOut,
    RuleOut,
    SessionOut,
    SummaryExport,
)

PERCENT = "وافق المشاركون على المبدأ بنسبة 75٪."
PARENTHESIS = "יש לשתף את המידע על המים (ראו סעיף 2)."
MIXED = "يجب أن تشارك Water Authority في اللجنة الفنية منذ البداية."
ENGLISH = "A joint technical committee on water meets monthly."


def model(status: str = "Draft, not yet released") -> SummaryExport:
    proposals = (
        ProposalOut(MIXED, BROAD, 12, "broad", "المياه", None),
        ProposalOut(PARENTHESIS, "", 9, "divided", None, None),
        ProposalOut(ENGLISH, "", 2, None, None, None),
    )
    item = ItemOut(
        title="الموارد المائية المشتركة",
        level="chatham",
        level_label="Chatham House",
        kind_label="Contribution round",
        off_record=False,
        description="نقاش حول إدارة المياه",
        synthesis=(Block("h", "خلاصة"), Block("p", PERCENT), Block("li", "لجنة مشتركة")),
        themes=("المياه", "الحدود"),
        proposals=proposals,
    )
    hidden = ItemOut(
        title="جلسة مغلقة",
        level="off_record",
        level_label="Off the record",
        kind_label="Plenary discussion",
        off_record=True,
        description="",
        synthesis=(),
        themes=(),
        proposals=(),
    )
    return SummaryExport(
        title="حوار المياه الإقليمي",
        start_date=date(2026, 12, 1),
        end_date=date(2026, 12, 3),
        purpose="گفت‌وگو دربارهٔ آب و همکاری منطقه‌ای",
        track="Track 2",
        status=status,
        rules=(RuleOut("قاعدة تشاتام هاوس", "لا يُذكر اسم أحد."),),
        general=(Block("p", PERCENT),),
        sessions=(SessionOut("اليوم الأول", date(2026, 12, 1), "Chatham House", (item, hidden)),),
        method=MethodOut(
            format="Track 2 problem-solving workshop",
            sessions=1,
            participants=14,
            readmissions=1,
            k=3,
            support_note="",
        ),
    )
