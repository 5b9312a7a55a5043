"""The end of a temporary sanction is told to the person.

A mute, a ban or a suspension with a duration simply runs out: the stores compare
``until`` with the time. This sweep, on every node, finds the ones that ran out and
were not told yet; one node claims each (``sanctions.ended_at``), sets a session that
was banned or suspended active again, and tells the person with a ``notice`` (key
``ended:<sanction id>``): live if connected, else kept in the outbox for their next
connection, which a later session of the same browser inherits at entry
(actions/outbox.py). Nothing is told while another sanction of the same kind still runs.
"""

from __future__ import annotations

from papote.actions.maintenance import repeat
from papote.actions.outbox import earlier_sessions, tell_person
from papote.actions.services import Services
from papote.realtime.events import NoticeEvent
from papote.store import notices as notice_store
from papote.store import sanctions as sanction_store
from papote.store.models import Sanction

ENDED_FR = {
    "mute": "Ta mise en sourdine est terminée\u00a0: tu peux de nouveau écrire.",
    "ban": "Ton bannissement est terminé\u00a0: tu peux de nouveau utiliser Papote. "
    "Merci de respecter les règles de Papote.",
    "suspend": "Ta suspension est terminée\u00a0: tu peux de nouveau utiliser Papote. "
    "Merci de respecter les règles de Papote.",
}
KIND = {"mute": ("mute",), "ban": ("ban", "suspend"), "suspend": ("ban", "suspend")}


def ended_frame(sanction: Sanction) -> str:
    return NoticeEvent(ENDED_FR[sanction.action], level="info", key=f"ended:{sanction.id}").encode()


async def _end(svc: Services, sanction: Sanction, now: int) -> bool:
    user_id = sanction.user_id
    if user_id is None:
        return await sanction_store.claim_end(svc.db, sanction, now, reactivate=False)
    still = [
        s
        for s in await sanction_store.active_of_user(svc.db, user_id, now)
        if s.action in KIND[sanction.action] and s.id != sanction.id
    ]
    ban = sanction.action in ("ban", "suspend")
    claimed = await sanction_store.claim_end(svc.db, sanction, now, reactivate=ban and not still)
    if claimed and not still:
        # a banned person's sockets are closed: kept for their next session in any case
        await tell_person(svc, user_id, ended_frame(sanction), keep=ban)
    return claimed


async def end_due_once(svc: Services, user_ids: list[str] | None = None) -> int:
    """Tell the ends that are due (of these sessions only, if given); how many this
    node told."""
    now = svc.clock()
    told = 0
    for sanction in await sanction_store.ended_due(svc.db, now, user_ids=user_ids):
        told += await _end(svc, sanction, now)
    return told


async def carry_to_new_session(svc: Services, user_id: str, browser_key: str) -> None:
    """At entry: what was kept for this browser's earlier sessions (a ban's end, a
    decision lifted after the old session had run out) goes to the new one, so that the
    person is told once, wherever they come back. Ends due but not swept yet are told
    first: entering a second after a ban ran out still hears of it."""
    earlier = await earlier_sessions(svc, user_id, browser_key)
    if earlier:
        await end_due_once(svc, earlier)
        await notice_store.move_outbox(svc.db, earlier, user_id)


async def run_sanction_ends(svc: Services) -> None:
    await repeat(
        lambda: end_due_once(svc),
        svc.settings.sanction_end_check_s,
        "telling the ends of sanctions",
    )
