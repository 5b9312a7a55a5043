"""Rule gaps of issue 8 as people meet them, real server, real WebSockets: group hate,
evasive spellings, attacks on places and doxxing are refused and reach no one, while
their look-alikes (a group named kindly, counter-speech, news, history, games, things
one "allume" or "plante") reach the room. Nothing here is child safety, so nobody is
suspended and the session's shared SQLite server is used.
"""

from __future__ import annotations

from tests.safety.test_live_moderation import (
    _assert_delivered,
    _assert_nobody_got,
    _assert_rejected,
    _room_with,
    _say,
)
from tests.safety.test_minors_scenarios import _got


async def _refused_and_unseen(
    server: object, room: str, refused: list[tuple[str, str]], allowed: list[str]
) -> None:
    sender, member = await _room_with(server, room, 2)
    await _assert_delivered(sender, room, member, allowed)
    for text, category in refused:
        _assert_rejected(await _say(sender, room, text), "moderation", category)
    await _assert_nobody_got(sender, room, [member], refused[-1][0])
    for text, _ in refused:
        assert not _got(member, text), text


async def test_group_hate_is_refused_and_its_look_alikes_delivered(sqlite_server):
    await _refused_and_unseen(
        sqlite_server,
        "general",
        [
            ("les arabes jpeux pas les voir", "hate"),
            ("les migrants c'est des parasites", "hate"),
            ("les noirs c pas des humains", "hate"),
            ("c'est pas raciste de dire que les juifs contrôlent tout", "hate"),
        ],
        [
            "les arabes de ma rue font le meilleur couscous",
            "dire que les migrants sont des parasites c'est raciste",
            "j'ai des cafards dans la cuisine, c'est la galère",
        ],
    )


async def test_misspelt_slurs_and_drugs_are_refused(sqlite_server):
    await _refused_and_unseen(
        sqlite_server,
        "general",
        [
            ("sale nerge", "hate"),
            ("salarabe", "hate"),
            ("dispo cocane livraison ce soir", "drugs"),
        ],
        [
            "35 degrés à l'ombre, je fonds",
            "youpi c'est vendredi",
        ],
    )


async def test_attacks_and_doxxing_are_refused_news_and_games_delivered(sqlite_server):
    await _refused_and_unseen(
        sqlite_server,
        "general",
        [
            ("je ramène la kalash au bahut demain", "violence"),
            ("on va cramer la mosquée cette nuit", "violence"),
            ("hitler avait raison", "hate"),
            ("elle habite 4 rue Victor Hugo à Nantes, allez la harceler", "harassment"),
        ],
        [
            "il y a eu une fusillade dans un lycée aux États-Unis, c'est horrible",
            "on a étudié le génocide des Tutsis en cours d'histoire",
            "je vais t'allumer la télé, le match commence",
            "je vais te planter un arbre dans le jardin",
            "je vais te tuer à Mario Kart ce soir",
        ],
    )
