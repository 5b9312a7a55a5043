"""French postal codes -> commune, department and region, from official data.

The data is the official "découpage administratif" published by Etalab
(npm package ``@etalab/decoupage-administratif``, installed by the README's run
command into ``node_modules``). It is read once at start into a dict; a lookup is
a dict access. Overseas departments (DROM) and collectivities (COM) are included.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import orjson

_PACKAGE = Path("node_modules") / "@etalab" / "decoupage-administratif" / "data"
_POSTAL_RE = re.compile(r"^\d{5}$")


@dataclass(frozen=True, slots=True)
class Place:
    postal_code: str
    city: str  # the most populous commune with that postal code
    department: str  # department code: "75", "2A", "974"
    region: str  # region name: "Île-de-France", "La Réunion"
    region_code: str
    communes: tuple[str, ...]  # every commune sharing the postal code


class PlacesUnavailable(RuntimeError):
    pass


def _default_data_dir() -> Path:
    env = os.environ.get("PAPOTE_PLACES_DIR")
    if env:
        return Path(env)
    candidates = [Path.cwd() / _PACKAGE, Path(__file__).resolve().parents[3] / _PACKAGE]
    for candidate in candidates:
        if (candidate / "communes.json").exists():
            return candidate
    raise PlacesUnavailable(
        "official commune data not found: run `npm ci` in the repository "
        "(package @etalab/decoupage-administratif) or set PAPOTE_PLACES_DIR"
    )


class Places:
    def __init__(self, by_code: dict[str, Place], regions: dict[str, str]) -> None:
        self._by_code = by_code
        self.regions = regions  # code -> name

    def __len__(self) -> int:
        return len(self._by_code)

    def lookup(self, postal_code: str) -> Place | None:
        if not _POSTAL_RE.match(postal_code):
            return None
        return self._by_code.get(postal_code)

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Places:
        folder = data_dir or _default_data_dir()
        communes = orjson.loads((folder / "communes.json").read_bytes())
        regions = {
            r["code"]: r["nom"] for r in orjson.loads((folder / "regions.json").read_bytes())
        }
        grouped: dict[str, list[dict[str, object]]] = {}
        for commune in communes:
            if commune.get("type") != "commune-actuelle":
                continue
            for code in commune.get("codesPostaux") or ():
                grouped.setdefault(code, []).append(commune)
        by_code: dict[str, Place] = {}
        for code, group in grouped.items():
            group.sort(key=lambda c: -int(c.get("population") or 0))  # type: ignore[call-overload]
            main = group[0]
            region_code = str(main.get("region") or main["departement"])
            by_code[code] = Place(
                postal_code=code,
                city=str(main["nom"]),
                department=str(main["departement"]),
                region=regions.get(region_code, region_code),
                region_code=region_code,
                communes=tuple(str(c["nom"]) for c in group),
            )
        return cls(by_code, regions)
