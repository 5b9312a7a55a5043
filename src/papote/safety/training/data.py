"""Training examples from the labelled JSON Lines of data/moderation/ (and their splits).

Every folder of ``data/moderation/`` is a *source* (who wrote it: team_v1, writer_a...);
every ``*.jsonl`` file in it holds single messages or conversations in the format of
tests/corpus/README.md. A conversation gives one example per message, each with the
text of the message before it (any sender) as context.

Splits are by line (a conversation never straddles two splits) and deterministic:
a stable hash of ``source/file/line number`` puts one line in ten in ``test``, one in
ten in ``validation`` and the rest in ``train``. ``test`` is never used to choose
anything; ``validation`` chooses the candidate and the thresholds.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from papote.safety.verdict import Category

BENIGN = "benign"
LABELS: tuple[str, ...] = tuple(c.value for c in Category if c is not Category.OTHER)
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    previous: str | None  # the message before it in the conversation
    label: str  # a category or "benign"
    source: str
    kind: str
    group: str  # source/file:line: one line, one split
    channel: str = "room"
    # in a conversation: who sent it, the age they declared, its place (0 = first message)
    sender: str = ""
    age: int | None = None
    turn: int = -1

    @property
    def split(self) -> str:
        return split_of(self.group)


def split_of(group: str) -> str:
    bucket = int.from_bytes(hashlib.blake2b(group.encode(), digest_size=4).digest(), "big") % 10
    return "test" if bucket == 0 else "validation" if bucket == 1 else "train"


def _read(path: Path) -> Iterator[bytes]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    yield from data.splitlines()


def examples_of(path: Path, source: str) -> Iterator[Example]:
    """The examples of one file; lines with an unknown label are skipped, not guessed."""
    known = {*LABELS, BENIGN, Category.OTHER.value}
    for number, raw in enumerate(_read(path), 1):
        if not raw.strip():
            continue
        line = orjson.loads(raw)
        group = f"{source}/{path.name}:{number}"
        kind = str(line.get("kind") or "-")
        channel = str(line.get("channel") or "room")
        if "messages" in line:
            previous = None
            for turn, message in enumerate(line["messages"]):
                text = str(message.get("text") or "")
                label = message.get("label")
                if label in known and text:
                    age = message.get("age")
                    yield Example(
                        text,
                        previous,
                        label,
                        source,
                        kind,
                        group,
                        channel,
                        str(message.get("sender") or ""),
                        int(age) if isinstance(age, int) and not isinstance(age, bool) else None,
                        turn,
                    )
                previous = text
        elif line.get("label") in known and line.get("text"):
            yield Example(str(line["text"]), None, line["label"], source, kind, group, channel)


def load_sources(root: Path, only: Iterable[str] | None = None) -> list[Example]:
    """Every example under ``root/<source>/*.jsonl`` (sorted, so runs are reproducible)."""
    wanted = set(only) if only else None
    out: list[Example] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if wanted is not None and folder.name not in wanted:
            continue
        for path in sorted(folder.glob("*.jsonl")):
            out.extend(examples_of(path, folder.name))
    return out
