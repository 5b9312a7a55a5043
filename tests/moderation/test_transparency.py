"""The transparency report counts what happened in a scenario, and nothing else."""

from __future__ import annotations

from papote.moderation.transparency import AppealRecord, DecisionRecord, report, to_html


def test_counts_match_a_scenario() -> None:
    data = report(
        since="2026-11-01",
        until="2026-12-01",
        notices=[("hate", False), ("hate", True), ("child_safety", False)],
        user_reports=["harassment", "harassment", "spam"],
        decisions=[
            DecisionRecord("ban", "hate", False, 60_000, False),
            DecisionRecord("suspend", "child_safety", True, 1_000, False),
            DecisionRecord("dismiss", "spam", False, 120_000, False),
            DecisionRecord("mute", "harassment", False, 180_000, True),
        ],
        appeals=[AppealRecord("overturned", 3_600_000), AppealRecord("open", None)],
    )
    assert data["notices"] == {
        "total": 3,
        "by_category": {"child_safety": 1, "hate": 2},
        "trusted_flaggers": 1,
    }
    assert data["user_reports"]["by_category"] == {"harassment": 2, "spam": 1}
    actions = data["actions"]
    assert actions["by_type"] == {"ban": 1, "dismiss": 1, "mute": 1, "suspend": 1}
    assert actions["automated"] == 1 and actions["human"] == 3 and actions["undone"] == 1
    assert actions["median_time_to_action_s"] == 90.0
    assert actions["by_category_and_type"]["hate"] == {"ban": 1}
    assert data["appeals"]["by_outcome"] == {"open": 1, "overturned": 1}
    page = to_html(data)
    assert "bannissement" in page and "Rapport de transparence" in page and "<script" not in page
