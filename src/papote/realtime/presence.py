"""Presence sent to those who look at it, as one diff per batch.

A person's arrival or departure used to go to every connected user: O(N) frames per
change, O(N²) per evening. Now each local user looks at one list of people (a ``Watch``:
the filters of their last ``who``; by default their own region) and hears of the
changes of the people that list shows, and of their private-message peers. Changes are
gathered for ``presence_batch_s`` (1 s by default) and sent together: someone who comes
and goes within a batch is announced once, in their last state. See docs/protocol.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from papote.realtime.events import PresenceEvent, PublicUser
from papote.realtime.wire import text_frame

Status = Literal["online", "offline"]
# (local user id, the frames of one batch for them, their bytes joined)
Send = Callable[[str, list[str], bytes], None]


@dataclass(frozen=True, slots=True)
class Watch:
    """The list of people one user looks at: a ``who`` frame's filters, the region
    already resolved to its name (as ``PublicUser.region``); None means any."""

    region: str | None = None
    gender: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    room: str | None = None

    def shows(self, user: PublicUser, in_room: bool) -> bool:
        return (
            (self.region is None or user.region == self.region)
            and (self.gender is None or user.gender == self.gender)
            and (self.age_min is None or user.age >= self.age_min)
            and (self.age_max is None or user.age <= self.age_max)
            and (self.room is None or in_room)
        )


class PresenceBatch:
    """The node's pending presence changes and who, among its local users, looks at whom."""

    def __init__(
        self,
        send: Send,
        local: Callable[[], Iterable[str]],
        region_of: Callable[[str], str | None],
        in_room: Callable[[str, str], bool],
        interval_s: float = 0.0,
    ) -> None:
        self._send = send
        self._local = local
        self._region_of = region_of
        self._in_room = in_room
        self.interval_s = interval_s  # 0: each change is sent at once
        self._chosen: dict[str, Watch] = {}  # local user -> the list of their last who
        self._watch: dict[str, Watch] = {}  # local user -> the list indexed below
        self._by_region: dict[str | None, set[str]] = {}
        self._peers: dict[str, set[str]] = {}  # person -> local users talking privately to them
        self._pending: dict[str, tuple[PublicUser, Status]] = {}
        self._timer: asyncio.TimerHandle | None = None

    # -- who looks at whom ---------------------------------------------------------
    def look_at(self, user_id: str, watch: Watch) -> None:
        """``user_id`` now looks at the list ``watch`` (their last ``who``)."""
        self._chosen[user_id] = watch
        self._index(user_id, watch)

    def add_peer(self, watcher: str, person: str) -> None:
        """``watcher`` (local) talks privately with ``person``: they hear of them."""
        if watcher != person:
            self._peers.setdefault(person, set()).add(watcher)

    def forget(self, user_id: str) -> None:
        """A user has no connection on this node any more: they watch nobody (those who
        watch them hear of their departure, then forget them: ``flush``)."""
        self._chosen.pop(user_id, None)
        self._unindex(user_id)
        for watchers in self._peers.values():
            watchers.discard(user_id)

    def _index(self, user_id: str, watch: Watch) -> None:
        self._unindex(user_id)
        self._watch[user_id] = watch
        self._by_region.setdefault(watch.region, set()).add(user_id)

    def _unindex(self, user_id: str) -> None:
        old = self._watch.pop(user_id, None)
        if old is not None:
            group = self._by_region.get(old.region)
            if group is not None:
                group.discard(user_id)
                if not group:
                    del self._by_region[old.region]

    def _sync(self) -> None:
        """Local users who never sent a ``who`` look at their own region."""
        local = set(self._local())
        for user_id in [u for u in self._watch if u not in local]:
            self.forget(user_id)
        for user_id in local:
            if user_id not in self._watch:
                region = self._region_of(user_id)
                if region is not None:
                    self._index(user_id, self._chosen.get(user_id) or Watch(region=region))

    # -- changes -------------------------------------------------------------------
    def changed(self, user: PublicUser, status: Status) -> None:
        self._pending[user.id] = (user, status)  # the last state within a batch wins
        if self.interval_s <= 0:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.interval_s, self.flush)

    def flush(self) -> int:
        """Send the pending changes to those who look at them; returns frames queued.

        Each change is encoded once and judged once per distinct list (most people
        watch their region's default list), and each watcher gets the batch's frames
        for them in one push: in a reconnect storm a batch holds hundreds of arrivals
        for thousands of watchers (docs/benchmarks.md)."""
        self._timer = None
        pending, self._pending = self._pending, {}
        if not pending:
            return 0
        self._sync()
        changes = list(pending.values())
        frames = [PresenceEvent(user, status).encode() for user, status in changes]
        wires = [text_frame(frame) for frame in frames]
        by_watch = self._by_watch()
        heard: dict[Watch, list[int]] = {}
        extra: dict[str, list[int]] = {}  # private peers, and watchers who changed
        for i, (user, status) in enumerate(changes):
            for key in (user.region, None):
                for watch in by_watch.get(key, {}):
                    in_room = watch.room is None or (
                        status == "offline" or self._in_room(watch.room, user.id)
                    )
                    if watch.shows(user, in_room):
                        heard.setdefault(watch, []).append(i)
            for peer in self._peers.get(user.id, ()):
                extra.setdefault(peer, []).append(i)
        for user, _ in changes:  # nobody hears of themself: judged one by one below
            if user.id in self._watch:
                extra.setdefault(user.id, [])
        sent = 0
        for watch, shown in heard.items():
            joined = b"".join(wires[i] for i in shown)
            batch = [frames[i] for i in shown]
            for target in by_watch[watch.region][watch]:
                if target not in extra:
                    self._send(target, batch, joined)
                    sent += len(shown)
        for target, more in extra.items():
            own = set(more)
            looks_at = self._watch.get(target)
            if looks_at is not None:
                own.update(heard.get(looks_at, ()))
            own -= {i for i, (user, _) in enumerate(changes) if user.id == target}
            if own:
                shown = sorted(own)
                self._send(target, [frames[i] for i in shown], b"".join(wires[i] for i in shown))
                sent += len(shown)
        for user, status in changes:
            if status == "offline":
                self._peers.pop(user.id, None)
        return sent

    def _by_watch(self) -> dict[str | None, dict[Watch, list[str]]]:
        """Local watchers grouped by their list, under the list's region."""
        groups: dict[str | None, dict[Watch, list[str]]] = {}
        for region, watchers in self._by_region.items():
            lists = groups[region] = {}
            for watcher in watchers:
                lists.setdefault(self._watch[watcher], []).append(watcher)
        return groups

    def watchers_of(self, user: PublicUser, status: Status) -> set[str]:
        """The local users who hear of ``user``'s change: their list shows them, or
        they talk privately. A departure is told to room lists whatever the room
        (the person has already left it)."""
        targets = set(self._peers.get(user.id, ()))
        for key in (user.region, None):
            for watcher in self._by_region.get(key, ()):
                watch = self._watch[watcher]
                in_room = watch.room is None or (
                    status == "offline" or self._in_room(watch.room, user.id)
                )
                if watch.shows(user, in_room):
                    targets.add(watcher)
        targets.discard(user.id)
        return targets
