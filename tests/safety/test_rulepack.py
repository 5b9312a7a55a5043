"""Rule packs: the format is checked at load time, with the file and rule named."""

from __future__ import annotations

from pathlib import Path

import pytest

from papote.safety.engine import RULES_DIR, ModerationEngine
from papote.safety.text.rulepack import RulePackError
from papote.safety.verdict import Action, Category


def _pack(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_every_category_has_a_shipped_pack() -> None:
    shipped = {p.stem for p in RULES_DIR.glob("*.yaml")}
    assert {c.value for c in Category} - {"other"} <= shipped


def test_a_pack_with_terms_patterns_exceptions_and_contexts(tmp_path: Path) -> None:
    folder = _pack(
        tmp_path,
        """
category: drugs
concepts:
  drug: [beuh, "champi*"]
  g_age_question: [quel age]
patterns:
  price: '\\b\\d+ ?e\\b'
rules:
  - id: t.sale
    when: [drug, price]
    unless: [{terms: ["legale"]}]
    action: block
    severity: 0.9
  - id: t.room_only
    terms: [zut alors]
    when: ["@room"]
    action: warn
""",
    )
    # the grooming stages are required by the engine: bring the real packs too
    for path in RULES_DIR.glob("*.yaml"):
        if path.stem in {"grooming", "sexual_content", "scam"}:
            (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    engine = ModerationEngine.load(folder, with_model=False)  # the packs alone
    from tests.safety.test_engine import judge

    assert judge(engine, "beuh 10e").rule == "t.sale"
    assert judge(engine, "champignons 10e").rule == "t.sale"  # prefix term
    assert judge(engine, "beuh legale 10e").action is Action.ALLOW  # exception
    assert judge(engine, "zut alors").action is Action.WARN
    assert judge(engine, "zut alors", "dm").action is Action.ALLOW


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: []", "category"),
        ("category: hate\nrules:\n  - id: x\n    when: [nowhere]\n", "unknown name"),
        ("category: hate\nrules:\n  - id: x\n    terms: [a]\n", "too short"),
        (
            "category: hate\nrules:\n  - id: x\n    terms: [abc]\n    action: zap\n",
            "unknown action",
        ),
        ("category: hate\nrules:\n  - id: x\n    when: ['@room']\n", "needs a concept"),
        ("category: hate\npatterns:\n  p: '('\n", "pattern"),
        (
            "category: hate\nrules:\n  - id: x\n    terms: [abc]\n    confirm: yes please\n",
            "true or false",
        ),
    ],
)
def test_bad_packs_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RulePackError, match=message):
        ModerationEngine.load(_pack(tmp_path, text))


def test_the_shipped_rules_the_model_must_confirm() -> None:
    """``confirm: true`` is read from the packs; exact evidence is never marked."""
    rules = {r.id: r for r in ModerationEngine.load(with_model=False)._base.rules}
    marked = {rule_id for rule_id, rule in rules.items() if rule.confirm}
    assert {"personal_data.in_room", "sexual_content.room_explicit", "harassment.insult"} <= marked
    # exact evidence, and the words evasion hides from the model (a slur spelt n3gr3, a
    # plain threat): the rules' own strength
    exact = ("child_safety.abuse_material", "child_safety.pedo_seeking", "drugs.sale",
             "sexual_violence.drugging", "ncii.sextortion", "hate.slur", "violence.threat",
             "violence.threat_you")  # fmt: skip
    assert not marked & set(exact)
    assert not any(rule_id.startswith("grooming.") for rule_id in marked)
