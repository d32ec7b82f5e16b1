"""Loader for the generated place files in `data/` (see `scripts/build_places.py`)."""
from __future__ import annotations

import gc
import gzip
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from domain.regions import ISO_BY_INSEE

DATA_DIR = Path(__file__).with_name("data")


@dataclass(slots=True)  # not frozen: 35,000 of them are built at load time, frozen is 4x slower
class Commune:
    name: str
    dept: str
    region: str          # ISO 3166-2:FR code
    population: int
    common_word: bool    # the name is also an ordinary French word ("Tours", "Orange")
    common_bare: bool    # so is the name without its article ("L'Hôpital", "Le Port")


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str
    region: str          # ISO 3166-2:FR code
    common_word: bool


@dataclass(frozen=True)
class PlaceData:
    communes: tuple[Commune, ...]
    departements: dict[str, Departement]


def _rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def read_departements(path: Path = DATA_DIR / "departements.tsv") -> dict[str, Departement]:
    rows = _rows(path.read_text(encoding="utf-8"))
    return {code: Departement(code, name, ISO_BY_INSEE[insee], flag != "0")
            for code, name, insee, flag in rows}


def read_communes(departements: dict[str, Departement],
                  path: Path = DATA_DIR / "communes.tsv.gz") -> tuple[Commune, ...]:
    region = {code: d.region for code, d in departements.items()}
    rows = _rows(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return tuple([Commune(name, dept, region[dept], int(pop), flag == "1", flag != "0")
                  for name, dept, pop, flag in rows])


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while building many small acyclic objects:
    it would otherwise rescan them again and again (half of the load time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@lru_cache(maxsize=1)
def load_places() -> PlaceData:
    """Read the place files once; later calls return the same object."""
    with paused_gc():
        departements = read_departements()
        return PlaceData(read_communes(departements), departements)
