"""The server speaks to people in "tu", with French typography: every French string in
the server's code and data (errors, notices, statements, e-mails, room topics, public
pages) is scanned. Excepted: the detectors' patterns, which must recognise what people
type ("et vous ?"), and the benchmarks' sample chat lines; no legal text is quoted."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

SRC = Path(__file__).resolve().parents[1] / "src" / "papote"
PATTERNS = ("safety/text/", "safety/rules/", "bench/")  # what people type, not what we say
SAID = ("safety/text/nudges.py",)  # ... except the notices written there
FRENCH = re.compile(r"[éèàêçùâîôûœ«»’]|\b(le|la|les|tu|ton|ta|un|une|des|est|pas|ce)\b", re.I)
VOUS = re.compile(r"\b(vous|votre|vos)\b", re.I)
PLURAL_IMPERATIVE = re.compile(r"\b\w+ez\b", re.I)  # "Patientez", "Indiquez"
NOT_IMPERATIVE = {"chez", "assez", "nez"}
SPACE_BEFORE = re.compile(r" [!?:;]")  # wants a no-break space (U+00A0, or U+202F)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _python_strings() -> list[tuple[str, str]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(PATTERNS) and rel not in SAID:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            said = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if said and id(node) not in docs and FRENCH.search(node.value):
                out.append((f"{rel}:{node.lineno}", node.value))
    return out


def _data_strings() -> list[tuple[str, str]]:
    out = []
    rooms = yaml.safe_load((SRC / "reference" / "rooms.yaml").read_text(encoding="utf-8"))
    for room in rooms if isinstance(rooms, list) else rooms["rooms"]:
        out.append((f"rooms.yaml:{room['id']}", f"{room['name']} {room.get('topic', '')}"))
    for page in sorted((SRC / "web" / "static").glob("**/*.html")):
        if "staff" not in page.parts:
            text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
            out.append((page.relative_to(SRC).as_posix(), text))
    return out


def _voice_faults(text: str) -> list[str]:
    text = re.sub(r"rendez-vous", "rencontre", text, flags=re.I)  # a noun, not "vous"
    faults = VOUS.findall(text)
    faults += [w for w in PLURAL_IMPERATIVE.findall(text) if w.lower() not in NOT_IMPERATIVE]
    return faults


def test_the_scan_sees_the_server_strings():
    strings = dict(_python_strings())
    assert len(strings) > 200
    assert any(s == "Ce salon n'existe pas." for s in strings.values())
    assert _voice_faults("Reconnectez-vous, puis indiquez votre code.") == [
        "vous",
        "votre",
        "Reconnectez",
        "indiquez",
    ]
    assert _voice_faults("Un rendez-vous chez toi ? Assez !") == []


def test_the_server_says_tu():
    faults = [
        (where, _voice_faults(text))
        for where, text in _python_strings() + _data_strings()
        if _voice_faults(text)
    ]
    assert faults == []


def test_no_break_before_french_punctuation():
    faults = [
        (where, text[max(0, m.start() - 20) : m.end() + 5])
        for where, text in _python_strings()
        for m in SPACE_BEFORE.finditer(text)
    ]
    assert faults == []
