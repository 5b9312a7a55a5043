"""HTTP routes of images: upload, fetch, protect one's own photos. See docs/images.md."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from papote.actions.errors import ActionError
from papote.actions.media import do_protect, do_upload
from papote.actions.media_access import ServedImage, do_fetch, do_fetch_evidence
from papote.api.http import bearer_user_id, error_response, services
from papote.api.net import client_ip_hash
from papote.api.staff import NO_STORE, current_staff
from papote.api.upload import read_upload

# An image is served as data, never as a document that could run anything.
IMAGE_HEADERS = {
    "cache-control": "private, max-age=3600",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "content-disposition": "inline",
    "cross-origin-resource-policy": "same-origin",
}


async def upload(request: Request) -> Response:
    """``POST /api/v1/media``: multipart field ``file`` -> 201 {"media": {...}}."""
    svc = services(request)
    try:
        user_id = await bearer_user_id(request)
        data = await read_upload(request, svc.settings.media_max_bytes)
        media = await do_upload(svc, user_id, data, ip_hash=client_ip_hash(svc, request))
    except ActionError as exc:
        return error_response(exc)
    return JSONResponse({"media": media}, status_code=201)


async def fetch(request: Request) -> Response:
    """``GET /api/v1/media/{id}``: the blurred variant, or ``?view=full`` when allowed."""
    svc = services(request)
    try:
        user_id = await bearer_user_id(request)
        full = request.query_params.get("view") == "full"
        image = await do_fetch(svc, user_id, request.path_params["media_id"], full=full)
    except ActionError as exc:
        return error_response(exc)
    return _image(image)


async def staff_fetch(request: Request) -> Response:
    """``GET /api/v1/staff/media/{id}``: a reported image for a moderator, blurred, or
    ``?view=full`` (audited)."""
    svc = services(request)
    try:
        staff = await current_staff(request)
        full = request.query_params.get("view") == "full"
        image = await do_fetch_evidence(svc, staff, request.path_params["media_id"], full=full)
    except ActionError as exc:
        return error_response(exc, headers=NO_STORE)
    return _image(image, NO_STORE)


def _image(image: ServedImage, extra: dict[str, str] | None = None) -> Response:
    headers = dict(IMAGE_HEADERS) | (extra or {}) | {"x-papote-variant": image.variant}
    return Response(image.data, media_type=image.media_type, headers=headers)


async def protect(request: Request) -> Response:
    """``POST /api/v1/media/protect``: keep only the hashes of one's own photo."""
    svc = services(request)
    try:
        user_id = await bearer_user_id(request)
        data = await read_upload(request, svc.settings.media_max_bytes)
        protected = await do_protect(svc, user_id, data)
    except ActionError as exc:
        return error_response(exc)
    return JSONResponse({"protected": protected}, status_code=201)
