"""The first look put in front of urlextract's TLD regex changes no match."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
from urlextract import URLExtract

from papote.safety.text.detectors.links import _extractors, find_urls, link_features
from papote.safety.text.normalise import fold

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SAMPLES = [
    "www.papote.fr",
    "viens sur bit.ly/abc ou discord.gg/xkz9",
    "http://192.168.0.1/login et paypal.com.verif-compte.ru",
    "LOCALHOST:8080 et localhost/x",
    "mon site c'est ma-boutique.co.uk ou xn--80ak6aa92e.com",
    "ok. a plus... et toi ?",
    "EXEMPLE.FR et exemple.Com.",
]


def _texts() -> list[str]:
    texts = list(SAMPLES)
    for path in sorted(CORPUS.glob("*.jsonl")):
        for raw in path.read_bytes().splitlines():
            line = orjson.loads(raw)
            texts.extend(fold(m["text"]) for m in line.get("messages", [line]))
    rng = random.Random(7)
    alphabet = [*"abcdefghijklmnopqrstuvwxyz.LK0123456789/:-_@ ", ".com", ".fr", ".co.uk"]
    texts += ["".join(rng.choice(alphabet) for _ in range(40)) for _ in range(2000)]
    return texts


def test_the_tld_regex_has_its_first_look() -> None:
    urls, _ = _extractors()
    assert urls._tlds_re.pattern.startswith("(?=\\.|l)")


def test_same_tlds_and_urls_as_urlextract_alone() -> None:
    plain = URLExtract(extract_email=False, cache_dns=False)
    quick, _ = _extractors()
    for text in _texts():
        assert quick._tlds_re.findall(text) == plain._tlds_re.findall(text), text
        assert quick.find_urls(text, only_unique=True) == plain.find_urls(text, only_unique=True)


def test_link_features_still_found() -> None:
    assert find_urls("viens sur bit.ly/abc") == ["bit.ly/abc"]
    assert {"$link", "$shortener"} <= link_features("viens sur bit.ly/abc")
    assert "$suspicious_link" in link_features("http://papote-securite.com/login")
