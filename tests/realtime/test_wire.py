"""Frames built once per fan-out: what a WebSocket client parses out of them."""

from __future__ import annotations

import pytest
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from papote.realtime.wire import text_frame


def parse(data: bytes) -> list[Frame]:
    """Every frame in ``data``, parsed as a client does (server frames are unmasked)."""
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    frames = []
    while reader.buffer:
        parser = Frame.parse(reader.read_exact, mask=False, max_size=None)
        try:
            while True:
                next(parser)
        except StopIteration as done:
            frames.append(done.value)
    return frames


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 200_000])
def test_a_text_frame_of_any_length_parses_back(size: int) -> None:
    text = ("é" * size)[: max(0, size // 2)] + "x" * (size - size // 2)
    (frame,) = parse(text_frame(text))
    assert frame.opcode == Opcode.TEXT and frame.fin
    assert frame.data.decode() == text


def test_frames_joined_in_one_write_parse_as_many() -> None:
    texts = [f'{{"type":"message","n":{i}}}' for i in range(50)] + ["é" * 70_000]
    frames = parse(b"".join(text_frame(t) for t in texts))
    assert [f.data.decode() for f in frames] == texts
