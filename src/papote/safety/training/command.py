"""``papote moderation train``: train, choose thresholds, measure and export the text model.

Reproducible: the data is read in sorted order, the splits come from a stable hash of
each line's place, the augmentation and the solver use ``--seed``. Needs the ``train``
extra (scikit-learn): ``uv sync --extra train``. See docs/moderation.md.

    papote moderation train          # the served text-v5.*, conv-v2.json again
    papote moderation train --sources all --version text-v6 --out /tmp/v6  # every folder
    papote moderation train --sample 300 --out /tmp/m   # a quick run (tests)
    papote moderation compare                    # candidates on validation and cross-source
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import multiprocessing
import os
import random
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from papote.safety.learned import DEFAULT_VERSION, FORMAT, MODELS_DIR
from papote.safety.text.features import CHAR_SIZES
from papote.safety.training.conversation_fit import summary, train_conversation_model
from papote.safety.training.data import LABELS, Example, load_sources
from papote.safety.training.fit import (
    Fitted,
    choose_thresholds,
    docs_of,
    export_arrays,
    fit,
    harmful_or_benign,
    sized_features,
    targets,
)
from papote.safety.training.metrics import figures, table

REPO = Path(__file__).resolve().parents[4]
DATA_DIR = REPO / "data" / "moderation"
MIN_CROSS_SOURCE = 150  # a source smaller than this is not tested on its own


def _split(examples: Sequence[Example], name: str) -> list[Example]:
    return [e for e in examples if e.split == name]


def _digest(examples: Sequence[Example]) -> str:
    h = hashlib.sha256()
    for e in examples:
        h.update(f"{e.group}\t{e.label}\t{e.text}\n".encode())
    return h.hexdigest()[:16]


def write_split_files(examples: Sequence[Example], root: Path, out: Path) -> None:
    """The validation and test lines as JSON Lines files, one per source and split, for
    ``papote moderate --evaluate`` (the whole engine: rules and model)."""
    wanted: dict[str, set[str]] = {"validation": set(), "test": set()}
    for e in examples:
        if e.split in wanted:
            wanted[e.split].add(e.group)
    for split, groups in wanted.items():
        by_source: dict[str, list[bytes]] = {}
        for group in sorted(groups, key=lambda g: (g.rsplit(":", 1)[0], int(g.rsplit(":", 1)[1]))):
            path, number = group.rsplit(":", 1)
            source, name = path.split("/", 1)
            lines = (root / source / name).read_bytes().splitlines()
            by_source.setdefault(source, []).append(lines[int(number) - 1])
        (out / split).mkdir(parents=True, exist_ok=True)
        for source, lines in by_source.items():
            (out / split / f"{source}.jsonl").write_bytes(b"\n".join(lines) + b"\n")


# the examples the out-of-source workers read (inherited by fork, not pickled per task)
_EXAMPLES: list[Example] = []


def _fit(examples: Sequence[Example], args: argparse.Namespace, copies: int) -> Fitted:
    """The text model fitted on ``examples`` with the command's settings."""
    return fit(
        examples,
        c=args.c,
        context=args.context,
        copies=copies,
        seed=args.seed,
        analyzer=sized_features(args.char_sizes),
    )


def _scored_without(source: str, args: argparse.Namespace) -> npt.NDArray[np.float64]:
    """The scores of ``source``'s examples by a model fitted without its author."""
    rest = [e for e in _EXAMPLES if e.source != source and e.split != "test"]
    held = [e for e in _EXAMPLES if e.source == source]
    return _fit(rest, args, args.fold_copies).predict(docs_of(held, args.context))


def out_of_source(
    examples: Sequence[Example], args: argparse.Namespace
) -> dict[str, tuple[list[Example], npt.NDArray[np.float64]]]:
    """Per sizeable source: its examples and their scores by a model fitted on the other
    sources' train and validation lines only, as if its author were a stranger. The fits
    are independent: ``--jobs`` runs them in parallel (same results)."""
    out: dict[str, tuple[list[Example], npt.NDArray[np.float64]]] = {}
    sources = Counter(e.source for e in examples)
    wanted = [s for s, n in sorted(sources.items()) if n >= MIN_CROSS_SOURCE]
    if len(wanted) < 2:
        return out
    _EXAMPLES[:] = examples
    try:
        with (
            ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("fork"))
            if args.jobs > 1
            else contextlib.nullcontext() as pool
        ):
            run = pool.map if pool is not None else map
            for source, p in zip(
                wanted, run(_scored_without, wanted, itertools.repeat(args)), strict=True
            ):
                out[source] = ([e for e in examples if e.source == source], p)
                print(f"  out of source: {source} ({len(p)} examples) scored", flush=True)
    finally:
        _EXAMPLES.clear()
    return out


def pooled(
    scored: dict[str, tuple[list[Example], npt.NDArray[np.float64]]],
) -> tuple[list[Example], npt.NDArray[np.float64]]:
    """The non-test examples of every held-out source and their out-of-source scores:
    where the thresholds are chosen (the test lines stay unused)."""
    chosen: list[Example] = []
    rows: list[npt.NDArray[np.float64]] = []
    for held, p in scored.values():
        keep = np.array([e.split != "test" for e in held])
        chosen.extend(e for e, k in zip(held, keep, strict=True) if k)
        rows.append(p[keep])
    return chosen, np.vstack(rows)


def served_sources() -> list[str]:
    """The sources the shipped text model was trained on: data/moderation/ may hold newer
    ones that a candidate was trained on and that were not served (docs/moderation.md)."""
    meta = orjson.loads((MODELS_DIR / f"{DEFAULT_VERSION}.json").read_bytes())
    return sorted(meta["training"]["sources"])


def chosen_sources(args: argparse.Namespace) -> list[str] | None:
    """``--sources all``: every folder; none given: the served model's, from its own data."""
    if args.sources == ["all"]:
        return None
    if args.sources is None and args.data == DATA_DIR:
        return served_sources()
    named: list[str] | None = args.sources
    return named


def train(args: argparse.Namespace) -> int:
    started = time.monotonic()
    examples = harmful_or_benign(load_sources(args.data, chosen_sources(args)))
    if args.sample:
        examples = random.Random(args.seed).sample(examples, min(args.sample, len(examples)))
        examples.sort(key=lambda e: e.group)
    train_set, validation, test = (_split(examples, s) for s in ("train", "validation", "test"))
    counts = Counter(e.label for e in examples)
    print(
        f"{len(examples)} examples from {sorted({e.source for e in examples})}: "
        f"train {len(train_set)}, validation {len(validation)}, test {len(test)}"
    )
    print("labels: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))

    fitted = _fit(train_set, args, args.copies)
    p_val = fitted.predict(docs_of(validation, args.context))
    # Thresholds are chosen on out-of-source scores: each source's lines scored by a
    # model that never saw its author (the in-source validation split flatters the
    # model: a writer's lines resemble each other). With one source, on validation.
    scored = {} if args.in_source_thresholds else out_of_source(examples, args)
    if scored:
        chosen_on, p_chosen = pooled(scored)
        where = f"out-of-source lines of {len(scored)} sources"
    else:
        chosen_on, p_chosen = validation, p_val
        where = "validation"
    thresholds = choose_thresholds(p_chosen, targets(chosen_on))
    report: dict[str, Any] = {
        "thresholds_chosen_on": where,
        "validation": figures(validation, p_val, thresholds),
        "test": figures(test, fitted.predict(docs_of(test, args.context)), thresholds),
    }
    print(
        table(
            f"validation (in-source{', thresholds chosen here' if not scored else ''})",
            report["validation"],
        )
    )
    print(table("test (never used to choose anything)", report["test"]))
    if scored:
        report["out_of_source"] = figures(chosen_on, p_chosen, thresholds)
        print(
            table(
                f"out of source, pooled (thresholds chosen here: {where})", report["out_of_source"]
            )
        )
        report["cross_source"] = {}
        for source, (held, p) in scored.items():
            report["cross_source"][source] = figures(held, p, thresholds)
            print(
                table(
                    f"cross-source: trained without {source}, tested on all of it",
                    report["cross_source"][source],
                )
            )

    features, arrays = export_arrays(fitted)
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": FORMAT,
        "version": args.version,
        "labels": list(LABELS),
        "context": args.context,
        "char_sizes": list(args.char_sizes),
        "thresholds": thresholds,
        "training": {
            "command": "papote moderation " + " ".join(args.argv),
            "sources": dict(sorted(Counter(e.source for e in examples).items())),
            "labels": dict(sorted(counts.items())),
            "data_sha256": _digest(examples),
            "seed": args.seed,
            "c": args.c,
            "augmented_copies": args.copies,
            "features": len(features),
        },
        "evaluation": report,
        "features": features,
    }
    (args.out / f"{args.version}.json").write_bytes(orjson.dumps(meta))
    np.savez_compressed(
        args.out / f"{args.version}.npz",
        weights=arrays["weights"],
        idf2=arrays["idf2"],
        bias=arrays["bias"],
    )
    if scored:  # the conversation model reads the text model's out-of-source scores
        conversation = train_conversation_model(scored, thresholds, args.version)
        if conversation is not None:
            (args.out / f"{conversation['version']}.json").write_bytes(
                orjson.dumps(conversation, option=orjson.OPT_INDENT_2)
            )
            print(summary(conversation))
    if args.splits:
        write_split_files(examples, args.data, args.splits)
    size = sum((args.out / f"{args.version}{s}").stat().st_size for s in (".json", ".npz"))
    print(
        f"wrote {args.out / args.version}.json/.npz: {len(features)} features, "
        f"{size / 1e6:.1f} MB, in {time.monotonic() - started:.0f} s"
    )
    return 0


def main(argv: Sequence[str]) -> int:
    if argv and argv[0] == "compare":
        from papote.safety.training import compare

        return compare.main(
            [*argv[1:]] if "--data" in argv else [*argv[1:], "--data", str(DATA_DIR)]
        )
    parser = argparse.ArgumentParser(prog="papote moderation", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train and export the text model")
    t.add_argument("--data", type=Path, default=DATA_DIR, help="folder of sources")
    t.add_argument(
        "--sources",
        nargs="*",
        help="only these sources (folder names); 'all' for every folder; default: the sources "
        "of the served model when --data is data/moderation, else every folder",
    )
    t.add_argument("--out", type=Path, default=MODELS_DIR, help="where the artefact goes")
    t.add_argument("--version", default=DEFAULT_VERSION)
    t.add_argument("--seed", type=int, default=7)
    t.add_argument("--c", type=float, default=32.0, help="inverse L2 strength")
    t.add_argument("--copies", type=int, default=2, help="evasive rewrites per example")
    t.add_argument(
        "--fold-copies",
        type=int,
        default=0,
        help="evasive rewrites per example in the out-of-source fits (they only score)",
    )
    t.add_argument(
        "--char-sizes",
        type=lambda v: tuple(int(x) for x in v.split(",")),
        default=CHAR_SIZES,
        help="character n-gram sizes, e.g. 3,4,5",
    )
    t.add_argument("--context", action="store_true", help="add the previous message's words")
    t.add_argument(
        "--in-source-thresholds",
        action="store_true",
        help="choose thresholds on the validation split, not on out-of-source scores (quick)",
    )
    t.add_argument("--sample", type=int, default=0, help="use only N examples (quick runs)")
    t.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="out-of-source fits run in parallel (same results; memory: ~2 GB each)",
    )
    t.add_argument("--splits", type=Path, help="write validation/test lines here (JSONL)")
    args = parser.parse_args(list(argv))
    args.argv = list(argv)
    return train(args)
