"""Statements of reasons read as French for a person; EU fields identify nobody."""

from __future__ import annotations

import re

import pytest

from papote.moderation.severity import ReporterRecord, queue_severity, severity_of
from papote.moderation.statements import (
    CATEGORY_FR,
    Decision,
    outcome_for_reporter_fr,
    sor_fields,
    statement_fr,
)

NOW = 1_764_565_200_000  # 2025-12-01 05:00 UTC
CODES = re.compile(
    r"\b(child_safety|harassment|personal_data|sexual_violence|ncii|[a-z]+_[a-z_]+)\b"
)


@pytest.mark.parametrize("category", sorted(CATEGORY_FR))
@pytest.mark.parametrize("action", ["warn", "delete", "mute", "kick", "ban", "suspend"])
def test_no_internal_code_ever(action: str, category: str) -> None:
    until = NOW + 7_200_000 if action in ("mute", "kick", "ban", "suspend") else None
    text = statement_fr(
        Decision(action, category, NOW, until, "message « bonjour ».", False, "Général")
    )
    assert not CODES.search(text), text
    assert "Recours" in text and "six mois" in text and "modérateur" in text


VOUS = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)


@pytest.mark.parametrize("action", ["warn", "delete", "mute", "kick", "ban", "suspend"])
def test_the_person_is_told_tu_as_on_the_page(action: str) -> None:
    text = statement_fr(Decision(action, "hate", NOW, NOW + 3_600_000, "ton message « x ».", False))
    assert not VOUS.search(text), text
    assert re.search(r"\b(tu|ton|ta|t')", text.split("\n")[0], re.IGNORECASE), text
    for outcome in ("dismiss", action):
        told = outcome_for_reporter_fr(outcome, "hate")
        assert not VOUS.search(told) and not CODES.search(told), told
    assert "de le " not in outcome_for_reporter_fr("ban", "harassment")


def test_a_suspension_says_how_long_at_most() -> None:
    text = statement_fr(Decision("suspend", "grooming", NOW, NOW + 30 * 86_400_000, "", True))
    assert "pendant 30 jours au plus (jusqu'au 31/12/2025 à 06:00)" in text, text
    assert "Papote de Papote" not in statement_fr(Decision("warn", "other", NOW))


def test_real_duration_and_end() -> None:
    text = statement_fr(Decision("mute", "harassment", NOW, NOW + 7_200_000, "x"))
    assert "pendant 2 heures" in text and "jusqu'au 1/12/2025 à 08:00" in text
    assert "sans limite de durée" in statement_fr(Decision("ban", "hate", NOW, None, "x"))
    auto = statement_fr(Decision("suspend", "child_safety", NOW, NOW + 86_400_000, "", True))
    assert "automatiquement" in auto and "conservatoire" in auto


def test_sor_fields() -> None:
    ban = sor_fields(Decision("ban", "grooming", NOW, None, "x", True), puid="s1")
    assert ban["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert ban["category"] == "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
    assert ban["category_specification"] == ["KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS"]
    assert ban["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    assert ban["automated_decision"] == "AUTOMATED_DECISION_FULLY"
    mute = sor_fields(Decision("mute", "spam", NOW, NOW + 86_400_000 * 2, "x"), puid="s2")
    assert mute["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert mute["end_date_visibility_restriction"] == "2025-12-03"
    assert "x" not in mute.values()  # the facts (the person's words) stay out


def test_severity_and_weights() -> None:
    assert severity_of("child_safety") < severity_of("violence") < severity_of("hate")
    assert severity_of("spam", escalated=True) == 1
    assert ReporterRecord().weight == 1.0
    assert ReporterRecord(upheld=8).weight > 1.5
    assert ReporterRecord(dismissed=9).weight < 0.5
    assert queue_severity("hate", 0.2, automated=False, escalated=False) > severity_of("spam")
