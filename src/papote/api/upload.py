"""Reading an uploaded file from a request, in memory, with a hard size limit.

A body announced larger than the limit is refused before a byte is read; a body that
grows past it while streaming is refused at that point. The file never touches the
disk (Starlette's form parser would spool large parts to a temporary file): it lives
in memory until the worker has re-encoded it, then it is dropped.

Accepted: ``multipart/form-data`` with a part named ``file`` (what browsers send), or
a raw body of type ``image/*`` or ``application/octet-stream`` (for bots).
"""

from __future__ import annotations

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from papote.actions.errors import ActionError

FORM_OVERHEAD = 64 * 1024  # boundaries and part headers around the file


class _FilePart:
    """Callbacks of the multipart parser that keep the bytes of the ``file`` part."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.data = bytearray()
        self.found = False
        self._field = bytearray()
        self._value = bytearray()
        self._current_is_file = False

    def on_part_begin(self) -> None:
        self._current_is_file = False

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        if bytes(self._field).lower() == b"content-disposition":
            _, params = parse_options_header(bytes(self._value))
            if params.get(b"name") == b"file" and not self.found:
                self._current_is_file = True
                self.found = True
        self._field.clear()
        self._value.clear()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_is_file:
            self.data += data[start:end]
            if len(self.data) > self.max_bytes:
                raise ActionError("too_large", status=413)


async def read_upload(request: Request, max_bytes: int) -> bytes:
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    multipart = content_type == b"multipart/form-data"
    if not multipart and not (
        content_type.startswith(b"image/") or content_type == b"application/octet-stream"
    ):
        raise ActionError("unsupported_media", status=415)
    limit = max_bytes + (FORM_OVERHEAD if multipart else 0)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ActionError("too_large", status=413)  # refused before reading it
    if not multipart:
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_bytes:
                raise ActionError("too_large", status=413)
        return bytes(body)
    boundary = params.get(b"boundary")
    if not boundary:
        raise ActionError("bad_request", "Formulaire sans délimiteur (boundary).")
    part = _FilePart(max_bytes)
    callbacks = {
        "on_part_begin": part.on_part_begin,
        "on_header_field": part.on_header_field,
        "on_header_value": part.on_header_value,
        "on_header_end": part.on_header_end,
        "on_part_data": part.on_part_data,
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise ActionError("too_large", status=413)
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise ActionError("bad_request", "Formulaire multipart illisible.") from None
    if not part.found:
        raise ActionError("bad_request", "Le fichier doit être envoyé dans le champ « file ».")
    return bytes(part.data)
