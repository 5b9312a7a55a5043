"""The nudity detector as the upload workers run it (single-threaded session, numpy
post-processing, input reduced to 320 px) finds exactly what the NudeNet package itself
finds on the same pixels, offline; its explicit classes are configurable and checked.

(The other tests of ``safety/media`` are in tests/safety/media/.)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from papote.safety.media.content import shrink
from papote.safety.media.nudity import INPUT_SIDE, NudityDetector, explicit_classes
from tests.images import photo

PORTRAIT = Path(__file__).parent.parent / "data" / "portrait.jpg"


@pytest.fixture(scope="module")
def detector() -> NudityDetector:
    return NudityDetector(explicit={"FACE_FEMALE"})


def _at_model_size(image: Image.Image) -> Image.Image:
    small = image.convert("RGB")
    small.thumbnail((INPUT_SIDE, INPUT_SIDE), Image.Resampling.BILINEAR)
    return small


def test_the_detections_are_the_packages_own(detector):
    import nudenet

    reference = nudenet.NudeDetector()
    portrait = Image.open(PORTRAIT)
    images = [
        portrait,
        portrait.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        portrait.resize((1200, 1400)),
        photo(seed=5, size=(1600, 1200)),
    ]
    found = []
    for image in images:
        small = _at_model_size(image)
        bgr = np.ascontiguousarray(np.asarray(small)[:, :, ::-1])
        ours = detector.detect(image)
        assert ours == reference.detect(bgr)
        found.append({d["class"] for d in ours})
    assert found[:3] == [{"FACE_FEMALE"}] * 3 and found[3] == set()


def test_explicit_is_what_the_configured_classes_say(detector):
    portrait = Image.open(PORTRAIT)
    judged = detector.classify(portrait)
    assert judged.explicit and judged.labels == ("FACE_FEMALE",) and judged.score >= 0.5
    default = NudityDetector()  # exposed bodies only: a face is not explicit
    assert default.classify(portrait).explicit is False
    assert default.classify(portrait).model == judged.model


def test_unknown_classes_are_refused():
    assert explicit_classes("face_female, FEET_EXPOSED") == {"FACE_FEMALE", "FEET_EXPOSED"}
    for bad in ("", "FACE", "FACE_FEMALE,NUDE"):
        with pytest.raises(ValueError):
            explicit_classes(bad)


def test_shrink_averages_down_by_an_integer_factor():
    image = photo(seed=3, size=(2000, 1500))
    small = shrink(image, 1024)
    assert small.size == (1000, 750)
    assert shrink(small, 1024) is small
    assert shrink(photo(seed=3, size=(2100, 300)), 1024).size == (700, 100)
