"""The hot paths' database work, counted: a room message is one INSERT, a private
message in an open conversation a handful of indexed reads and one INSERT."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from papote.app import create_app
from papote.settings import Settings

ENTRY = {"age": 30, "gender": "femme", "postal_code": "75011"}


@pytest.fixture
def client(tmp_path) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path, presence_linger_s=0))
    with TestClient(app) as test_client:
        yield test_client


def _enter(client: TestClient, pseudo: str) -> dict:
    response = client.post("/api/v1/session", json={"pseudo": pseudo, **ENTRY})
    assert response.status_code == 201, response.text
    return response.json()


def _until(ws, kind: str) -> dict:
    while True:
        frame = ws.receive_json()
        if frame["type"] == kind:
            return frame


def test_statements_per_message(client: TestClient):
    statements: list[str] = []
    engine = client.app.state.services.db.engine.sync_engine

    @event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split()[0].upper())

    a, b = _enter(client, "Compteuse"), _enter(client, "Compteur")
    with client.websocket_connect("/api/v1/ws") as wa, client.websocket_connect("/api/v1/ws") as wb:
        wa.send_json({"type": "hello", "token": a["token"]})
        wb.send_json({"type": "hello", "token": b["token"]})
        _until(wa, "welcome")
        _until(wb, "welcome")
        wa.send_json({"type": "join", "room": "general"})
        _until(wa, "joined")
        wa.send_json({"type": "dm", "to": b["user"]["id"], "text": "premier message"})
        _until(wa, "ack")

        statements.clear()
        wa.send_json({"type": "say", "room": "general", "text": "bonjour à tous"})
        assert _until(wa, "ack")["message"]["text"] == "bonjour à tous"
        assert statements == ["INSERT"], statements

        statements.clear()
        wa.send_json({"type": "dm", "to": b["user"]["id"], "text": "et de deux"})
        _until(wa, "ack")
        assert statements.count("INSERT") == 1
        assert len(statements) <= 4, statements  # recipient, blocks, contact, insert
