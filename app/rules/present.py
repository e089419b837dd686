"""View models for ground rules."""

from __future__ import annotations

from dataclasses import dataclass

from app import policy
from app.policy import Viewer
from app.rules.models import GroundRule


@dataclass(frozen=True)
class RuleView:
    id: str
    title: str
    body: str
    position: int


@policy.presenter("GroundRule")
def rule_view(rule: GroundRule, _viewer: Viewer) -> RuleView:
    return RuleView(id=rule.id, title=rule.title, body=rule.body, position=rule.position)
