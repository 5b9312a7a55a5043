"""Nudity detection: NudeNet's 320n detector (ONNX, shipped inside the ``nudenet``
wheel), run by onnxruntime on the CPU. Nothing is downloaded: the model file is read
from the installed package, and its name, package version and file digest are recorded
with every image it judged.

An image is *explicit* when the detector finds one of the explicit classes (by default
exposed genitals, anus, breasts or buttocks; ``PAPOTE_MEDIA_EXPLICIT_CLASSES``) with at
least ``threshold`` confidence.

The detector's own preprocessing (``nudenet._read_image``) is used as it is, on an image
already reduced to the 320 px the model works at; its session is made single-threaded
without spinning (a worker that busy-waits on the second core takes it from chat) and
its post-processing is done with numpy (the package loops over 2,100 candidate boxes in
Python). The detections are the package's own, box for box (tested).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

# NudeNet 3.4's classes, in the order of the model's outputs.
DETECTOR_CLASSES = (
    "FEMALE_GENITALIA_COVERED",
    "FACE_FEMALE",
    "BUTTOCKS_EXPOSED",
    "FEMALE_BREAST_EXPOSED",
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_BREAST_EXPOSED",
    "ANUS_EXPOSED",
    "FEET_EXPOSED",
    "BELLY_COVERED",
    "FEET_COVERED",
    "ARMPITS_COVERED",
    "ARMPITS_EXPOSED",
    "FACE_MALE",
    "BELLY_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "ANUS_COVERED",
    "FEMALE_BREAST_COVERED",
    "BUTTOCKS_COVERED",
)
EXPLICIT_CLASSES = frozenset(
    {
        "FEMALE_GENITALIA_EXPOSED",
        "MALE_GENITALIA_EXPOSED",
        "ANUS_EXPOSED",
        "FEMALE_BREAST_EXPOSED",
        "BUTTOCKS_EXPOSED",
    }
)
DEFAULT_THRESHOLD = 0.5
INPUT_SIDE = 320  # the model's input; a larger image would only be resized again
_CANDIDATE_MIN = 0.2  # NudeNet's own cut before non-maximum suppression
_NMS_SCORE, _NMS_IOU = 0.25, 0.45


@dataclass(frozen=True, slots=True)
class Classification:
    explicit: bool
    score: float  # highest confidence among the explicit classes (0 when none)
    labels: tuple[str, ...]  # explicit classes found at or above the threshold
    model: str  # e.g. "nudenet-320n 3.4.2 sha256:1a2b3c4d"


def explicit_classes(names: str | Iterable[str]) -> frozenset[str]:
    """Parse a comma-separated list of detector classes; unknown names are refused."""
    if isinstance(names, str):
        names = names.split(",")
    chosen = frozenset(n.strip().upper() for n in names if n.strip())
    unknown = chosen - set(DETECTOR_CLASSES)
    if unknown or not chosen:
        raise ValueError(f"unknown nudity classes: {', '.join(sorted(unknown)) or '(none)'}")
    return chosen


def detections(output: np.ndarray, width: int, height: int) -> list[dict[str, Any]]:
    """NudeNet's post-processing, vectorised: boxes in the coordinates of a ``width`` x
    ``height`` image (padded to a square at the right and bottom, as the package does),
    candidates at 0.2 or more, then the package's class-agnostic suppression."""
    import cv2

    side = max(width, height)
    rows = np.squeeze(output).T  # (candidates, 4 + classes)
    scores = rows[:, 4:]
    best = scores.max(axis=1)
    keep = best >= _CANDIDATE_MIN
    if not keep.any():
        return []
    rows, best, classes = rows[keep], best[keep], scores[keep].argmax(axis=1)
    scale = side / INPUT_SIDE
    cx, cy, w, h = (rows[:, i] * scale for i in range(4))
    x = np.clip(cx - w / 2, 0, width)
    y = np.clip(cy - h / 2, 0, height)
    w = np.minimum(w, width - x)
    h = np.minimum(h, height - y)
    boxes = np.stack([x, y, w, h], axis=1)
    kept = cv2.dnn.NMSBoxes(boxes.tolist(), best.tolist(), _NMS_SCORE, _NMS_IOU)
    return [
        {
            "class": DETECTOR_CLASSES[int(classes[i])],
            "score": float(best[i]),
            "box": [int(v) for v in boxes[i]],
        }
        for i in np.asarray(kept, dtype=int).reshape(-1)
    ]


class NudityDetector:
    """Loaded once per process (a worker of the upload pool)."""

    def __init__(
        self, threshold: float = DEFAULT_THRESHOLD, explicit: Iterable[str] = EXPLICIT_CLASSES
    ) -> None:
        import nudenet  # heavy (onnxruntime, OpenCV): imported only where it runs
        import onnxruntime

        self.threshold = threshold
        self.explicit = explicit_classes(explicit)
        model_path = Path(nudenet.__file__).parent / "320n.onnx"
        digest = hashlib.sha256(model_path.read_bytes()).hexdigest()[:12]
        self.model = f"nudenet-320n {version('nudenet')} sha256:{digest}"
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._input = self._session.get_inputs()[0].name

    def detect(self, image: Image.Image) -> list[dict[str, Any]]:
        """Every detection of the model, each class with its score and box."""
        from nudenet.nudenet import _read_image

        small = image if image.mode == "RGB" else image.convert("RGB")
        if max(small.size) > INPUT_SIDE:
            small = small.copy()
            small.thumbnail((INPUT_SIDE, INPUT_SIDE), Image.Resampling.BILINEAR)
        bgr = np.ascontiguousarray(np.asarray(small)[:, :, ::-1])
        blob = _read_image(bgr, INPUT_SIDE)[0]
        output = self._session.run(None, {self._input: blob})[0]
        return detections(output, small.width, small.height)

    def classify(self, image: Image.Image) -> Classification:
        explicit = [d for d in self.detect(image) if d["class"] in self.explicit]
        score = max((float(d["score"]) for d in explicit), default=0.0)
        labels = tuple(sorted({str(d["class"]) for d in explicit if d["score"] >= self.threshold}))
        return Classification(bool(labels), round(score, 3), labels, self.model)
