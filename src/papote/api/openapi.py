"""The OpenAPI document of the HTTP API (``openapi.yaml`` beside this module)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

SPEC_FILE = Path(__file__).with_name("openapi.yaml")


@lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    return loaded


async def document(request: Request) -> Response:
    return JSONResponse(spec(), headers={"cache-control": "public, max-age=3600"})
