"""A message about to be sent: built before judging, stored only if allowed."""

from __future__ import annotations

from dataclasses import dataclass

from papote.safety.context import MessageContext
from papote.store.models import Message


@dataclass(frozen=True, slots=True)
class Draft:
    message: Message
    ctx: MessageContext
    confirm: object = None  # the confirmation token of a re-sent warned message
