"""Nudity detection: NudeNet's 320n detector (ONNX, shipped inside the ``nudenet``
wheel), run by onnxruntime on the CPU. Nothing is downloaded: the model file is read
from the installed package, and its name, package version and file digest are recorded
with every image it judged.

An image is *explicit* when the detector finds exposed genitals, anus, breasts or
buttocks with at least ``threshold`` confidence.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

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
_INPUT_SIDE = 640  # the detector works at 320 px; a larger input only costs time


@dataclass(frozen=True, slots=True)
class Classification:
    explicit: bool
    score: float  # highest confidence among the explicit classes (0 when none)
    labels: tuple[str, ...]  # explicit classes found at or above the threshold
    model: str  # e.g. "nudenet-320n 3.4.2 sha256:1a2b3c4d"


class NudityDetector:
    """Loaded once per process (a worker of the upload pool); ~20-40 ms an image."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        import nudenet  # heavy (onnxruntime, OpenCV): imported only where it runs

        self.threshold = threshold
        model_path = Path(nudenet.__file__).parent / "320n.onnx"
        digest = hashlib.sha256(model_path.read_bytes()).hexdigest()[:12]
        self.model = f"nudenet-320n {version('nudenet')} sha256:{digest}"
        self._detector: Any = nudenet.NudeDetector()

    def classify(self, image: Image.Image) -> Classification:
        small = image.convert("RGB")
        if max(small.size) > _INPUT_SIDE:
            small = small.copy()
            small.thumbnail((_INPUT_SIDE, _INPUT_SIDE), Image.Resampling.BILINEAR)
        bgr = np.ascontiguousarray(np.asarray(small)[:, :, ::-1])
        detections: list[dict[str, Any]] = self._detector.detect(bgr)
        explicit = [d for d in detections if d["class"] in EXPLICIT_CLASSES]
        score = max((float(d["score"]) for d in explicit), default=0.0)
        labels = tuple(sorted({str(d["class"]) for d in explicit if d["score"] >= self.threshold}))
        return Classification(bool(labels), round(score, 3), labels, self.model)
