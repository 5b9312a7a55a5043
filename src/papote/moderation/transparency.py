"""The transparency report (DSA Article 15): counts for a period, as JSON and as HTML.

Input: plain records of the period (notices, reports, decisions, appeals); output: the
figures the regulation asks for — notices by category, actions by category and type,
automated versus human, median time to action, appeals and their outcomes — and a
readable French page. Nothing here identifies a person.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median
from typing import Any

from papote.moderation.statements import CATEGORY_FR

ACTION_FR = {
    "dismiss": "classement sans suite",
    "warn": "avertissement",
    "delete": "suppression de contenu",
    "mute": "mise en sourdine",
    "kick": "exclusion d'un salon",
    "ban": "bannissement",
    "suspend": "suspension conservatoire",
    "room_close": "fermeture d'un salon",
    "room_lock": "verrouillage d'un salon",
    "room_slow": "mode lent d'un salon",
}


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    action: str
    category: str
    automated: bool
    delay_ms: int | None  # from the case's opening to the decision
    revoked: bool


@dataclass(frozen=True, slots=True)
class AppealRecord:
    state: str  # open | upheld | overturned
    delay_ms: int | None


def _median_s(values: Iterable[int | None]) -> float | None:
    found = [v for v in values if v is not None]
    return round(median(found) / 1000, 1) if found else None


def _nested(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for outer, inner in pairs:
        out.setdefault(outer, {})
        out[outer][inner] = out[outer].get(inner, 0) + 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def report(
    *,
    since: str,
    until: str,
    notices: list[tuple[str, bool]],  # (category, from a trusted flagger)
    user_reports: list[str],  # categories
    decisions: list[DecisionRecord],
    appeals: list[AppealRecord],
) -> dict[str, Any]:
    acted = [d for d in decisions if d.action != "dismiss"]
    return {
        "period": {"since": since, "until": until},
        "notices": {
            "total": len(notices),
            "by_category": dict(sorted(Counter(c for c, _ in notices).items())),
            "trusted_flaggers": sum(1 for _, trusted in notices if trusted),
        },
        "user_reports": {
            "total": len(user_reports),
            "by_category": dict(sorted(Counter(user_reports).items())),
        },
        "actions": {
            "total": len(decisions),
            "by_type": dict(sorted(Counter(d.action for d in decisions).items())),
            "by_category_and_type": _nested((d.category, d.action) for d in decisions),
            "automated": sum(1 for d in acted if d.automated),
            "human": sum(1 for d in decisions if not d.automated),
            "undone": sum(1 for d in decisions if d.revoked),
            "median_time_to_action_s": _median_s(d.delay_ms for d in decisions),
        },
        "appeals": {
            "total": len(appeals),
            "by_outcome": dict(sorted(Counter(a.state for a in appeals).items())),
            "median_time_to_decision_s": _median_s(a.delay_ms for a in appeals),
        },
    }


def _table(title: str, rows: dict[str, int], labels: dict[str, str]) -> str:
    if not rows:
        return f"<h2>{html.escape(title)}</h2><p>Aucun.</p>"
    body = "".join(
        f"<tr><th scope='row'>{html.escape(labels.get(k, k))}</th><td>{v}</td></tr>"
        for k, v in rows.items()
    )
    return f"<h2>{html.escape(title)}</h2><table><tbody>{body}</tbody></table>"


def to_html(data: dict[str, Any]) -> str:
    period = data["period"]
    actions = data["actions"]
    delay = actions["median_time_to_action_s"]
    parts = [
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>",
        "<title>Papote — rapport de transparence</title></head><body><main>",
        f"<h1>Rapport de transparence du {html.escape(period['since'])} "
        f"au {html.escape(period['until'])}</h1>",
        f"<p>Notifications reçues (article 16)\u00a0: {data['notices']['total']}, dont "
        f"{data['notices']['trusted_flaggers']} de signaleurs de confiance. "
        f"Signalements d'utilisateurs : {data['user_reports']['total']}.</p>",
        _table("Notifications par catégorie", data["notices"]["by_category"], CATEGORY_FR),
        _table("Décisions par type", actions["by_type"], ACTION_FR),
        f"<p>Décisions automatisées\u00a0: {actions['automated']}\u202f; décisions humaines\u00a0: "
        f"{actions['human']}\u202f; annulées depuis\u00a0: {actions['undone']}.</p>",
        f"<p>Délai médian entre l'ouverture d'un dossier et la décision\u00a0: "
        f"{'—' if delay is None else f'{delay} s'}.</p>",
        _table(
            "Recours par issue",
            data["appeals"]["by_outcome"],
            {"open": "en cours", "upheld": "décision maintenue", "overturned": "décision annulée"},
        ),
        "</main></body></html>",
    ]
    return "\n".join(parts)


SOR_BATCH = 100  # statements per submission to the EU transparency database's API
_DECISIONS = ("decision_visibility", "decision_account", "decision_monetary", "decision_provision")


def sor_batches(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored statements of reasons as the EU transparency database's batch bodies
    (``{"statements": [...]}``, 100 at most each). Only restrictions are statements under
    Article 17 (a warning restricts nothing); the fields identify no person."""
    kept = [f for f in fields if any(f.get(k) for k in _DECISIONS)]
    return [{"statements": kept[i : i + SOR_BATCH]} for i in range(0, len(kept), SOR_BATCH)]
