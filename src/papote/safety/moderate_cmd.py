"""``papote moderate``: judge JSON Lines from standard input with the live engine.

One output line per input line, in order (PROTOCOL.md, "Offline moderation
command"). ``--explain`` adds the rule that fired, the flags and the notices;
``--evaluate FILE`` prints precision, recall and F1 per category on a labelled corpus
instead (tests/corpus/README.md; ``.jsonl.gz`` read as well), with the share of the
most serious categories stopped, a confusion table and the errors by kind. The texts
of a sealed set (gzipped, or under a ``sealed`` folder) are never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import orjson

from papote.safety.engine import ModerationEngine
from papote.safety.evaluation import evaluate, is_sealed, read_lines, report
from papote.safety.offline import BadInput, judge_line, verdict_json


def _error(message: str) -> bytes:
    return orjson.dumps({"error": {"code": "bad_input", "message": message}})


def _moderate(engine: ModerationEngine, explain: bool) -> int:
    out = sys.stdout.buffer
    for number, raw in enumerate(sys.stdin.buffer, 1):
        if not raw.strip():
            continue
        try:
            line = orjson.loads(raw)
            verdicts = judge_line(engine, line, number)
        except orjson.JSONDecodeError:
            result = _error("Cette ligne n'est pas du JSON valide.")
        except BadInput as exc:
            result = _error(str(exc))
        else:
            result = orjson.dumps({"verdicts": [verdict_json(v, explain) for v in verdicts]})
        out.write(result + b"\n")
        out.flush()
    return 0


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote moderate", description=__doc__.splitlines()[0])
    parser.add_argument("--explain", action="store_true", help="add the rule that fired")
    parser.add_argument(
        "--evaluate",
        type=Path,
        action="append",
        metavar="FILE",
        help="print precision/recall/F1 on a labelled corpus, .jsonl or .jsonl.gz (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="with --evaluate: print JSON")
    parser.add_argument("--rules", type=Path, help="rule packs folder (default: the shipped packs)")
    parser.add_argument("--model", type=Path, help="text model .json (default: the shipped one)")
    parser.add_argument(
        "--no-model",
        action="store_true",
        help="rules only (as the server with PAPOTE_TEXT_MODEL=false)",
    )
    parser.add_argument(
        "--with-model",
        action="store_true",
        help="the learned text model beside the rules (the default unless PAPOTE_TEXT_MODEL=false)",
    )
    args = parser.parse_args(list(argv))
    wanted = args.with_model or args.model is not None or _env_model()
    engine = ModerationEngine.load(args.rules, args.model, with_model=wanted and not args.no_model)
    if not args.evaluate:
        return _moderate(engine, args.explain)
    for path in args.evaluate:
        sealed = is_sealed(path)  # aggregates and kinds only: its texts are never printed
        scores = evaluate(engine, read_lines(path), keep_texts=not sealed)
        if args.json:
            data = scores.to_json()
            if sealed:
                del data["missed_by_kind"]
            print(orjson.dumps({"file": str(path), **data}).decode())
        else:
            print(report(scores, str(path), misses_by_kind=not sealed))
            if args.explain and not sealed:
                for label, got, text in scores.missed:
                    print(f"  missed  {label:<15} got {got:<16} {text}")
                for got, text in scores.false_alarms:
                    print(f"  false   {got:<34} {text}")
            print()
    return 0


def _env_model() -> bool:
    """The same switch as the server's ``PAPOTE_TEXT_MODEL`` (on unless set to a false
    value): the very same engine."""
    value = os.environ.get("PAPOTE_TEXT_MODEL", "true").strip().lower()
    return value not in ("0", "false", "no", "off")
