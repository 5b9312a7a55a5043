"""The e-mails to a notice's author read as French for a person, in "tu", with the real
duration, and never show an internal code."""

from __future__ import annotations

import re

import pytest

from papote.moderation.notice_mail import (
    NoticeFacts,
    acknowledgement_fr,
    decision_fr,
    decision_mail_fr,
)

NOW = 1_764_565_200_000  # 2025-12-01 05:00 UTC
CODES = re.compile(r"\b(child_safety|harassment|scam|dismiss|[a-z]+_[a-z_]+)\b")
VOUS = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)
FACTS = NoticeFacts("nAbc123", "https://papote.example/#m=01ABC", "harassment", NOW)


@pytest.mark.parametrize("action", ["dismiss", "warn", "delete", "mute", "kick", "ban", "suspend"])
def test_every_decision_is_plain_french(action: str) -> None:
    decision = decision_fr(action, "harassment", duration_ms=7_200_000, until=NOW + 7_200_000)
    subject, body = decision_mail_fr(FACTS, decided_at=NOW + 60_000, decision=decision)
    for text in (subject, body):
        assert not CODES.search(text) and not VOUS.search(text), text
    assert "Bonjour," in body and "tu peux" in body and "nAbc123" in subject
    if action in ("mute", "kick", "ban"):
        assert "pendant 2 heures (jusqu'au 1/12/2025 à 08:00)" in body, body
    if action != "dismiss":
        assert "le respect (harcèlement), article 4 des règles de Papote" in body


def test_a_permanent_ban_says_so_and_the_receipt_names_the_notice() -> None:
    assert "sans limite de durée" in decision_fr("ban", "hate")
    subject, body = acknowledgement_fr(NoticeFacts("n1", "Marin_75", "child_safety", NOW, "Léa"))
    assert body.startswith("Bonjour Léa,") and "« Marin_75 »" in body and "n1" in subject
    assert "la protection des mineurs" in body and not CODES.search(body)
