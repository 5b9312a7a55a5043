"""``papote moderation compare``: candidate models on the validation and cross-source splits.

Each candidate is fitted on the train split, its thresholds chosen on the validation
split, and it is measured on validation (macro average precision, threshold-free, and
macro F1) and on every source held out in turn (trained on the others). The test split
is not read. The figures go to docs/moderation.md ("Choosing the model").
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from sklearn.feature_extraction.text import CountVectorizer

from papote.safety.text.normalise import normalise
from papote.safety.training.data import LABELS, Example, load_sources
from papote.safety.training.fit import (
    Doc,
    augmented,
    choose_thresholds,
    docs_of,
    fit,
    harmful_or_benign,
    papote_features,
    sized_features,
    targets,
)
from papote.safety.training.metrics import figures

Predict = Callable[[Sequence[Example]], npt.NDArray[np.float64]]
Trainer = Callable[[Sequence[Example]], Predict]

_RAW_CHARS = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()


def raw_char_ngrams(doc: Doc) -> list[str]:
    """sklearn's char_wb 3-5-grams of the lower-cased text, without Papote's normaliser."""
    return list(_RAW_CHARS(doc[0].lower()))


def word_ngrams(doc: Doc) -> list[str]:
    """Normalised words and word pairs only (no character n-grams)."""
    words = normalise(doc[0]).words.split()
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def _linear(c: float, context: bool, copies: int, analyzer: Any = papote_features) -> Trainer:
    def train(examples: Sequence[Example]) -> Predict:
        fitted = fit(examples, c=c, context=context, copies=copies, analyzer=analyzer)
        return lambda xs: fitted.predict(docs_of(xs, context))

    return train


def _fasttext(examples: Sequence[Example]) -> Predict:
    import fasttext  # the train extra only

    rows = []
    for e in augmented(examples, 2, 7):
        rows.append(f"__label__{e.label} {normalise(e.text).words.strip()}")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(rows) + "\n")
    try:
        model = fasttext.train_supervised(
            f.name, epoch=40, lr=0.5, wordNgrams=2, minn=3, maxn=5, dim=50, loss="ova",
            seed=7, thread=1, verbose=0,
        )  # fmt: skip
    finally:
        os.unlink(f.name)

    def predict(xs: Sequence[Example]) -> npt.NDArray[np.float64]:
        out = np.zeros((len(xs), len(LABELS)))
        index = {f"__label__{label}": j for j, label in enumerate(LABELS)}
        for i, e in enumerate(xs):
            labels, probs = model.predict(normalise(e.text).words.strip(), k=-1, threshold=0.0)
            for label, prob in zip(labels, probs, strict=True):
                if label in index:
                    out[i, index[label]] = prob
        return out

    return predict


def candidates() -> dict[str, Trainer]:
    out: dict[str, Trainer] = {
        "lr papote features, char 4-grams C=8 (shipped)": _linear(8.0, False, 2),
        "lr papote features, char 3-5-grams C=8": _linear(8.0, False, 2, sized_features((3, 4, 5))),
        "lr papote features, char 3+5-grams C=8": _linear(8.0, False, 2, sized_features((3, 5))),
        "lr papote features C=2": _linear(2.0, False, 2),
        "lr papote features C=32": _linear(32.0, False, 2),
        "lr papote features C=8, no augmentation": _linear(8.0, False, 0),
        "lr papote features C=8 + previous message": _linear(8.0, True, 2),
        "lr words and word pairs only C=8": _linear(8.0, False, 2, word_ngrams),
        "lr raw char_wb 3-5 (no normaliser) C=8": _linear(8.0, False, 2, raw_char_ngrams),
    }
    try:
        import fasttext  # noqa: F401

        out["fastText ova, subwords 3-5, word pairs"] = _fasttext
    except ImportError:
        pass
    return out


def _measure(
    name: str, trainer: Trainer, examples: Sequence[Example], cross_source: bool
) -> dict[str, Any]:
    train = [e for e in examples if e.split == "train"]
    validation = [e for e in examples if e.split == "validation"]
    predict = trainer(train)
    p_val = predict(validation)
    thresholds = choose_thresholds(p_val, targets(validation))
    result: dict[str, Any] = {"validation": figures(validation, p_val, thresholds)}
    sources = Counter(e.source for e in examples)
    for source in sorted(sources) if cross_source else ():
        if len(sources) < 2 or sources[source] < 150:
            continue
        rest = [e for e in examples if e.source != source and e.split != "test"]
        held = [e for e in examples if e.source == source]
        result[f"without {source}"] = figures(held, trainer(rest)(held), thresholds)
    print(f"{name}: " + "; ".join(
        f"{split} AP {r['macro_ap']:.3f} F1 {r['macro_f1']:.3f} "
        f"flagged {r['harmful_flagged']:.2f} benign {r['benign_flagged']:.1%}"
        for split, r in result.items()
    ), flush=True)  # fmt: skip
    return result


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="papote moderation compare")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--only", nargs="*", help="candidates whose name contains one of these")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--cross-source", action="store_true", help="also train without each")
    args = parser.parse_args(list(argv))
    examples = harmful_or_benign(load_sources(args.data))
    results = {}
    for name, trainer in candidates().items():
        if args.only and not any(o in name for o in args.only):
            continue
        results[name] = _measure(name, trainer, examples, args.cross_source)
    if args.json:
        args.json.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    return 0
