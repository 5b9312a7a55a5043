"""NudeNet's bundled model loads offline and runs on the CPU."""

from __future__ import annotations

import socket

import pytest
from tests.images import photo

from papote.safety.media.nudity import NudityDetector


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test (the model must be local)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the nudity model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_the_bundled_model_runs_offline_on_a_generated_image(no_network):
    detector = NudityDetector(threshold=0.5)
    assert detector.model.startswith("nudenet-320n 3.4.")
    assert "sha256:" in detector.model
    result = detector.classify(photo(seed=5, size=(1600, 1200)))
    assert result.model == detector.model
    assert result.explicit is False and result.labels == ()
    assert 0.0 <= result.score < 0.5
