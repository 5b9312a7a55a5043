"""Rule-side gaps of issue 8, through the engine: hate aimed at a group (contempt,
dehumanisation, negated humanity, threats, "just an opinion" and questions), evasive
spellings of the high-severity terms (text/fuzzy.py), attacks on schools and places
of worship, praise of a genocide or an attack, doxxing with a call to harass, and
ordinary sentences that look like threats. Every harmful line has benign look-alikes
that must stay allowed. All sentences were written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from papote.safety.context import MessageContext, Participant
from papote.safety.engine import ModerationEngine
from papote.safety.text.fuzzy import glued_forms, within_one_edit
from papote.safety.text.rulepack import CustomTerm, RulePackError, load_rules
from papote.safety.verdict import Action, Category, Verdict

_SENDER = Participant(id="s", age=34)

# fails today; strict: the suite says so when the model gets it right
KNOWN_MODEL_FALSE_POSITIVE = pytest.mark.xfail(
    strict=True, reason="text-v5 holds it (known false positive of the model, docs/moderation.md)"
)


@pytest.fixture(scope="module")
def engine() -> ModerationEngine:
    return ModerationEngine.load()


def _judge(engine: ModerationEngine, text: str) -> Verdict:
    ctx = MessageContext(
        text=text,
        channel="room",
        sender=_SENDER,
        recipient=None,
        room="general",
        conversation="gaps",
        ts=1_000,
    )
    return engine.judge(ctx)


def _assert_caught(engine: ModerationEngine, text: str, category: str, rule: str) -> None:
    verdict = _judge(engine, text)
    assert verdict.action in (Action.BLOCK, Action.ESCALATE), (text, verdict)
    assert category in [c.value for c in verdict.categories], (text, verdict)
    assert verdict.rule == rule, (text, verdict.rule)


def _assert_allowed(engine: ModerationEngine, text: str) -> None:
    verdict = _judge(engine, text)
    assert verdict.action is Action.ALLOW, (text, verdict.rule)


# 1. Hate aimed at a group ------------------------------------------------------------

GROUP_HATE = [
    "les arabes je peux pas les voir",
    "les rebeus jpeux pas les blairer",
    "les turcs jpeux pas les voir",
    "les rebeus c tous d voleurs",
    "lé arabes jpeu pa les voir",
    "je supporte pas les noirs",
    "Les Juifs, je les hais.",
    "les roumains et les gitans c'est tous des voleurs",
    "les migrants c'est une maladie pour le pays",
    "les africains c'est des macaques",
    "les musulmans sont des sangsues",
    "les chinois ne sont pas des humains",
    "les noirs n'ont rien de civilisé",
    "les femmes sont moins intelligentes que nous",
    "c'est pas raciste de dire que les arabes sont tous pareils",
    "je suis pas raciste mais les noirs faut les renvoyer chez eux",
    "pourquoi les juifs sont tous aussi radins ?",
    "perso je pense que les juifs contrôlent les médias",
    "on va s'occuper des migrants un par un",
    "on va tous les cramer ces gitans",
    "les homos faut les chasser du quartier",
]

GROUP_OK = [
    "les arabes de mon quartier sont trop sympas",
    "je peux pas voir le match ce soir, je bosse",
    "il m'a dit que les noirs c'est tous des voleurs, j'ai porté plainte",
    "dire que les migrants sont une maladie c'est raciste et c'est faux",
    "le journal raconte que des militants ont traité les roms de cafards",
    "moi je suis arabe et fier de l'être",
    "les juifs ont été persécutés pendant la guerre",
    pytest.param(
        "pourquoi les chinois mangent avec des baguettes ?", marks=KNOWN_MODEL_FALSE_POSITIVE
    ),
    "j'ai des cafards dans ma cuisine, au secours",
    "les musulmans font le ramadan en ce moment",
    "les femmes sont aussi fortes que les hommes",
    "c'est pas raciste de dire que j'aime la cuisine marocaine",
    "les enfants passent un par un au tableau",
    "je supporte pas les gens qui parlent fort au cinéma",
    # a group, then much later contempt for something else: outside the 8-word window
    "les arabes de mon quartier sont sympas, par contre les moustiques c'est une plaie",
    pytest.param(
        "j'ai des amis juifs et musulmans, les pigeons de la place par contre c'est des parasites",
        marks=KNOWN_MODEL_FALSE_POSITIVE,
    ),
    pytest.param(
        "ce virus c'est une vraie maladie, reste chez toi", marks=KNOWN_MODEL_FALSE_POSITIVE
    ),
]


@pytest.mark.parametrize("text", GROUP_HATE)
def test_hate_aimed_at_a_group_is_blocked(engine: ModerationEngine, text: str) -> None:
    verdict = _judge(engine, text)
    assert verdict.action is Action.BLOCK, (text, verdict.rule)
    assert [c.value for c in verdict.categories] == ["hate"], text


@pytest.mark.parametrize("text", GROUP_OK)
def test_groups_named_without_hate_stay_allowed(engine: ModerationEngine, text: str) -> None:
    _assert_allowed(engine, text)


# 2. Evasive spellings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("negre", "nerge", True),  # swap
        ("negre", "negr", True),  # dropped
        ("negre", "negrre", True),  # doubled (before squeezing)
        ("negre", "nigre", True),  # replaced
        ("negre", "degres", False),
        ("negre", "ngeer", False),
        ("cocaine", "cocaine", True),
    ],
)
def test_one_edit(a: str, b: str, close: bool) -> None:
    assert within_one_edit(a, b) is close
    assert within_one_edit(b, a) is close


def test_glued_forms() -> None:
    assert glued_forms("sale arabe") == {"salearabe", "salarabe"}
    assert {"salenegre", "salnegre", "negre"} <= glued_forms("negre")


EVASIONS = [
    ("sale nerge", "hate", "hate.slur"),
    ("salarabe va", "hate", "hate.slur"),
    ("t'es qu'un neegre", "hate", "hate.slur"),
    ("n e g r e", "hate", "hate.slur"),
    ("nigre de merde", "hate", "hate.slur"),
    ("bougnole de merde", "hate", "hate.slur"),
    ("SALEJUIF", "hate", "hate.slur"),
    ("qui a du pedoprn en mp", "child_safety", "child_safety.abuse_material"),
    ("dispo cocane et ketamnie livraison", "drugs", "drugs.sale"),
]

EVASION_LOOKALIKES = [
    "35 degrés à l'ombre, je fonds",
    "youpi on part en vacances",
    "la pègre marseillaise dans ce film",
    "en extase devant le coucher de soleil",
    "attention à la poutre en entrant",
    "un negroni en terrasse ?",
    "la salle arabe du musée du Louvre est magnifique",
    "le cannabis devrait être dépénalisé à mon avis",
]


@pytest.mark.parametrize(("text", "category", "rule"), EVASIONS)
def test_misspelt_terms_are_caught(
    engine: ModerationEngine, text: str, category: str, rule: str
) -> None:
    _assert_caught(engine, text, category, rule)


@pytest.mark.parametrize("text", EVASION_LOOKALIKES)
def test_words_one_edit_away_stay_allowed(engine: ModerationEngine, text: str) -> None:
    _assert_allowed(engine, text)


def test_within_is_a_number_of_words(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        'category: hate\nconcepts:\n  a: ["abcdef"]\n'
        "rules:\n  - id: x.a\n    when: [a]\n    within: loin\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError, match="within"):
        load_rules([tmp_path / "x.yaml"])


def test_fuzzy_names_a_known_concept(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        'category: hate\nconcepts:\n  a: ["abcdef"]\nfuzzy:\n  b: ["abcdef"]\n'
        "rules:\n  - id: x.a\n    when: [a]\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError, match="fuzzy"):
        load_rules([tmp_path / "x.yaml"])


# 3. Attacks on places, praise of atrocities, doxxing ---------------------------------

VIOLENCE = [
    ("je vais tirer dans le lycée demain", "violence", "violence.attack_place"),
    ("jvais tiré dans mon lycée demain", "violence", "violence.attack_place"),
    ("jramene la kalash au bahut lundi", "violence", "violence.attack_place"),
    (
        "demain je débarque au collège avec le fusil de mon père",
        "violence",
        "violence.attack_place",
    ),
    ("je vais mettre le feu à la mosquée", "violence", "violence.attack_place"),
    ("on va cramer la synagogue cette nuit", "violence", "violence.attack_place"),
    ("faut brûler l'église du quartier", "violence", "violence.attack_place"),
    ("vive le génocide des tutsis", "hate", "hate.terrorism_apology"),
    ("hitler avait raison", "hate", "hate.terrorism_apology"),
    ("breivik c'est un héros", "hate", "hate.terrorism_apology"),
    (
        "il habite 12 rue des Lilas à Lyon, allez le harceler",
        "harassment",
        "harassment.doxxing_call",
    ),
    (
        "voilà son numéro 06 12 34 56 78 faites-lui vivre l'enfer",
        "harassment",
        "harassment.doxxing_call",
    ),
    (
        "elle bosse au carrefour de rennes, allez tous la harceler",
        "harassment",
        "harassment.doxxing_call",
    ),
]

VIOLENCE_OK = [
    "il y a eu une fusillade dans un lycée aux États-Unis, c'est horrible",
    "on a étudié le génocide des tutsis en cours d'histoire",
    "le documentaire sur Auschwitz m'a bouleversé, plus jamais ça",
    "je vais au lycée demain",
    "il a tiré dans le mille au lycée, 20/20 au contrôle",
    "je vais tirer les cartes ce soir",
    "on va faire un exercice incendie au lycée demain",
    "je vais brûler un cierge à l'église pour ma grand-mère",
    pytest.param("l'église a brûlé pendant la révolution", marks=KNOWN_MODEL_FALSE_POSITIVE),
    "je vais mettre le feu au dancefloor ce soir",
    pytest.param(
        "il habite à Lyon, allez le voir il est trop sympa", marks=KNOWN_MODEL_FALSE_POSITIVE
    ),
    "elle travaille à la boulangerie, passe lui dire bonjour",
]


@pytest.mark.parametrize(("text", "category", "rule"), VIOLENCE)
def test_attacks_praise_and_doxxing_are_escalated(
    engine: ModerationEngine, text: str, category: str, rule: str
) -> None:
    _assert_caught(engine, text, category, rule)
    assert _judge(engine, text).action is Action.ESCALATE, text


@pytest.mark.parametrize("text", VIOLENCE_OK)
def test_news_history_and_ordinary_plans_stay_allowed(engine: ModerationEngine, text: str) -> None:
    _assert_allowed(engine, text)


# 4. Not threats --------------------------------------------------------------------

NOT_THREATS = [
    "je vais t'allumer la télé",
    "je vais t'allumer le chauffage, il fait froid",
    "je vais te planter un arbre dans le jardin",
    "je vais te planter des tomates au potager",
    "je vais te tuer à Mario Kart",
    "jvais te défoncer à smash",
    "je vais te faire la peau à la belote",
    "je vais t'éclater au ping pong",
    "je vais t'allumer une bougie, ça sent bon",
    "je vais te planter une tente au fond du jardin",
    "je vais te frapper un cocktail maison",
]


@pytest.mark.parametrize("text", NOT_THREATS)
def test_things_and_games_are_not_threats(engine: ModerationEngine, text: str) -> None:
    _assert_allowed(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "je vais t'allumer",
        "je vais te planter",
        "je vais te faire la peau",
        "je vais te planter un couteau",
        "je vais te planter des coups de couteau",
        "je vais t'allumer la gueule",
        "je vais te frapper une baffe",
    ],
)
def test_the_bare_threats_stay_blocked(engine: ModerationEngine, text: str) -> None:
    _assert_caught(engine, text, "violence", "violence.threat")


def test_fuzzy_pass_survives_run_time_terms() -> None:
    engine = ModerationEngine.load()
    engine.set_custom_terms([CustomTerm(id="t1", term="mot interdit", category=Category.SPAM)])
    _assert_caught(engine, "sale nerge", "hate", "hate.slur")
    _assert_caught(engine, "un mot interdit ici", "spam", "custom.t1")
