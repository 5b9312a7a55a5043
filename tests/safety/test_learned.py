"""The learned text model: trained end to end on a sample, served by numpy exactly as trained,
shipped as plain arrays, and joined to the rule verdicts with its version as evidence."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from papote.safety.context import MessageContext, Participant
from papote.safety.engine import ModerationEngine
from papote.safety.learned import DEFAULT_VERSION, MODELS_DIR, TextModel
from papote.safety.text.normalise import normalise
from papote.safety.training.data import LABELS, load_sources, split_of
from papote.safety.training.fit import docs_of, export_arrays, fit

DATA = Path(__file__).resolve().parents[2] / "data" / "moderation"


@pytest.fixture(scope="module")
def sample_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The team_v1 source alone: small enough to train in seconds."""
    root = tmp_path_factory.mktemp("data")
    shutil.copytree(DATA / "team_v1", root / "team_v1")
    return root


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two writers: enough for thresholds chosen out of source."""
    root = tmp_path_factory.mktemp("data2")
    for source in ("team_v1", "writer_d"):
        shutil.copytree(DATA / source, root / source)
    return root


def test_thresholds_are_chosen_on_lines_of_writers_the_model_never_saw(
    two_sources: Path, tmp_path: Path
) -> None:
    reports = []
    for jobs in ("2", "1"):  # the out-of-source fits in parallel or one by one: same model
        out = tmp_path / f"jobs{jobs}"
        proc = subprocess.run(
            [sys.executable, "-m", "papote.cli", "moderation", "train", "--data",
             str(two_sources), "--out", str(out), "--version", "text-test", "--copies", "0",
             "--jobs", jobs],
            capture_output=True, text=True, timeout=300, check=True,
        )  # fmt: skip
        assert "out of source: team_v1" in proc.stdout and "out of source: writer_d" in proc.stdout
        assert "out of source, pooled (thresholds chosen here" in proc.stdout
        meta = json.loads((out / "text-test.json").read_text())
        reports.append((meta["thresholds"], meta["evaluation"]))
    report = reports[0][1]
    assert report["thresholds_chosen_on"] == "out-of-source lines of 2 sources"
    assert set(report["cross_source"]) == {"team_v1", "writer_d"}
    assert reports[0] == reports[1]


def test_train_command_end_to_end_on_a_sample(sample_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    splits = tmp_path / "splits"
    proc = subprocess.run(
        [sys.executable, "-m", "papote.cli", "moderation", "train", "--data", str(sample_data),
         "--out", str(out), "--version", "text-test", "--sample", "400", "--copies", "1",
         "--splits", str(splits)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    assert "validation (in-source, thresholds chosen here)" in proc.stdout  # one source
    assert "test (never used to choose anything)" in proc.stdout
    meta = json.loads((out / "text-test.json").read_text())
    assert meta["version"] == "text-test" and meta["labels"] == list(LABELS)
    for label in LABELS:
        policy = meta["thresholds"][label]
        assert policy["review_at"] <= policy["act_at"], (label, policy)
        assert policy["review"] in {"warn", "hold"}
    assert meta["training"]["seed"] == 7 and meta["training"]["sources"] == {"team_v1": 400}
    # plain arrays, loadable without pickle, and the served model reads them
    with np.load(out / "text-test.npz", allow_pickle=False) as arrays:
        assert arrays["weights"].shape == (len(meta["features"]), len(LABELS))
    model = TextModel.load(out / "text-test.json")
    assert model.version == "text-test"
    # the validation and test lines were written for `papote moderate --evaluate`
    assert (splits / "test" / "team_v1.jsonl").read_text().strip()
    # the same command twice gives the same model (seeded augmentation and solver)
    again = tmp_path / "again"
    subprocess.run(
        [sys.executable, "-m", "papote.cli", "moderation", "train", "--data", str(sample_data),
         "--out", str(again), "--version", "text-test", "--sample", "400", "--copies", "1"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    first, second = (json.loads((d / "text-test.json").read_text()) for d in (out, again))
    for meta_ in (first, second):
        del meta_["training"]["command"]  # names the output folder
    assert first == second
    with (
        np.load(out / "text-test.npz", allow_pickle=False) as a,
        np.load(again / "text-test.npz", allow_pickle=False) as b,
    ):
        assert all(np.array_equal(a[k], b[k]) for k in ("weights", "idf2", "bias"))


def test_served_scores_equal_the_trained_model(sample_data: Path, tmp_path: Path) -> None:
    examples = load_sources(sample_data)
    train = [e for e in examples if split_of(e.group) != "test"]
    test = [e for e in examples if split_of(e.group) == "test"]
    fitted = fit(train, copies=1)
    features, arrays = export_arrays(fitted)
    policies = {
        label: {"review_at": 0.5, "review": "hold", "act_at": 0.9, "act": "block"}
        for label in LABELS
    }
    (tmp_path / "m.json").write_text(
        json.dumps({"format": "papote-text-model/1", "version": "m", "labels": list(LABELS),
                    "thresholds": policies, "features": features})
    )  # fmt: skip
    np.savez_compressed(tmp_path / "m.npz", **arrays)
    model = TextModel.load(tmp_path / "m.json")
    expected = fitted.predict(docs_of(test, False))
    for example, row in zip(test, expected, strict=True):
        served = model.scores(normalise(example.text))
        got = np.array([served[label] for label in LABELS])
        assert np.allclose(got, row, atol=0.01), example.text  # float16 weights


def test_the_shipped_model_loads_offline_and_is_small() -> None:
    meta_path = MODELS_DIR / f"{DEFAULT_VERSION}.json"
    size = meta_path.stat().st_size + meta_path.with_suffix(".npz").stat().st_size
    assert size < 50_000_000
    model = TextModel.load()
    assert model.version == DEFAULT_VERSION
    meta = json.loads(meta_path.read_text())
    assert meta["training"]["command"].startswith("papote moderation train")
    assert set(meta["thresholds"]) == set(LABELS)


def _room(text: str) -> MessageContext:
    return MessageContext(text=text, channel="room", sender=Participant(id="a", age=30))


def test_model_verdicts_name_the_model_version_beside_the_rules() -> None:
    engine = ModerationEngine.load(with_model=True)
    rules_only = ModerationEngine.load(with_model=False)
    assert engine.model is not None and rules_only.model is None
    rows = [
        json.loads(line) for line in (DATA / "team_v1" / "train.jsonl").read_text().splitlines()
    ]
    texts = [r["text"] for r in rows if "text" in r and r["label"] != "benign"]
    model_tag = f"model:{DEFAULT_VERSION}:"
    confirm = {rule.id for rule in rules_only._base.rules if rule.confirm}
    helped = 0
    for text in texts:
        with_model = engine.judge(_room(text))
        alone = rules_only.judge(_room(text))
        # the model only adds, but for the rules it must confirm (confirm: true): never a
        # softer verdict than the rules alone otherwise
        if with_model.action < alone.action:
            assert set(alone.evidence) <= confirm, text
            continue
        # every rule is still named: as evidence, or as a rule the model did not confirm
        unconfirmed = f"model:{DEFAULT_VERSION}:unconfirmed:"
        for rule in alone.evidence:
            assert {rule, unconfirmed + rule} & set(with_model.evidence), (text, rule)
        if any(e.startswith(model_tag) for e in with_model.evidence):
            helped += 1
            assert with_model.rule is not None
    assert helped > len(texts) // 2  # the model sees most of what it was trained on


def test_sexual_content_is_left_to_consenting_adults() -> None:
    engine = ModerationEngine.load(with_model=True)
    assert engine.model is not None
    ctx = MessageContext(
        text="j'ai trop envie de te sucer la queue", channel="room", sender=Participant("a", 30),
        room_adult=True,
    )  # fmt: skip
    verdict = engine.judge(ctx)
    assert not any(e.startswith("model:") and "sexual_content" in e for e in verdict.evidence)


def test_the_default_training_sources_are_the_served_models() -> None:
    """data/moderation/ holds sources a candidate was trained on and that were not served
    (writers ad and ae: text-v6, docs/moderation.md): by default the command trains on the
    served model's sources again; `--sources all` takes every folder."""
    from argparse import Namespace

    from papote.safety.training.command import DATA_DIR, chosen_sources

    meta = json.loads((MODELS_DIR / f"{DEFAULT_VERSION}.json").read_text())
    served = chosen_sources(Namespace(sources=None, data=DATA_DIR))
    assert served == sorted(meta["training"]["sources"])
    folders = sorted(p.name for p in DATA_DIR.iterdir() if p.is_dir())
    assert set(served) < set(folders)  # newer folders exist and are left out by default
    assert chosen_sources(Namespace(sources=["all"], data=DATA_DIR)) is None
    assert chosen_sources(Namespace(sources=["writer_d"], data=DATA_DIR)) == ["writer_d"]
    assert chosen_sources(Namespace(sources=None, data=Path("/elsewhere"))) is None
