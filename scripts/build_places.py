#!/usr/bin/env python3
"""Regenerate the place data of `triage/places/data/` from open data.

    python scripts/build_places.py [--communes TGZ] [--words TGZ] [--out DIR]

Sources, both fetched with `npm pack` into a temporary folder unless given as tarballs:
- `@etalab/decoupage-administratif`: French communes, departments and regions
  (INSEE Code officiel géographique and légal populations, Licence Ouverte / Etalab).
- `an-array-of-french-words` (MIT): French word list, used only here to flag commune
  names that are also common words ("Tours", "Orange", "Bar"); the list is not shipped.

Writes `communes.tsv.gz` (name, department code, population, common-word flag; current
communes only) and `departements.tsv` (code, name, INSEE region code, common-word flag).
The flag is 1 when the name is a French word, 2 when it is one only without its article.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "triage" / "places" / "data"
COMMUNES_PACKAGE = "@etalab/decoupage-administratif"
WORDS_PACKAGE = "an-array-of-french-words"
# Overseas collectivities outside the 18 regions are left out.
KEPT_ZONES = {"metro", "drom"}


def npm_pack(package: str, workdir: Path) -> Path:
    """Download the npm tarball of `package` into `workdir` and return its path."""
    out = subprocess.run(["npm", "pack", package, "--silent"], cwd=workdir, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()
    return workdir / out[-1]


def read_json_member(tgz: Path, suffix: str):
    with tarfile.open(tgz, "r:gz") as tar:
        for member in tar.getmembers():
            if member.name.endswith(suffix):
                return json.load(tar.extractfile(member))
    sys.exit(f"{tgz}: no member ending with {suffix}")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def common_words(words: list[str]) -> set[str]:
    """Accent-free lower-case forms of the French words (commune names are compared folded)."""
    return {strip_accents(w) for w in words}


def common_flag(name: str, vocabulary: set[str]) -> int:
    """1: the name is a French word ("Tours"); 2: only without its article ("L'Hôpital"); 0: neither."""
    folded = strip_accents(name).replace("’", "'")
    if folded in vocabulary:
        return 1
    for article in ("le ", "la ", "les ", "l'"):
        if folded.startswith(article) and folded[len(article):] in vocabulary:
            return 2
    return 0


def build(communes_tgz: Path, words_tgz: Path, out: Path) -> None:
    communes = read_json_member(communes_tgz, "data/communes.json")
    departements = read_json_member(communes_tgz, "data/departements.json")
    vocabulary = common_words(read_json_member(words_tgz, "index.json"))

    rows = []
    for c in communes:
        if c.get("type") != "commune-actuelle" or c.get("zone") not in KEPT_ZONES:
            continue
        name = c["nom"]
        common = common_flag(name, vocabulary)
        rows.append((c["departement"], name, int(c.get("population") or 0), common))
    rows.sort()

    buf = io.StringIO()
    buf.write("# name\tdepartement\tpopulation\tcommon_word\n")
    for dep, name, pop, common in rows:
        buf.write(f"{name}\t{dep}\t{pop}\t{common}\n")
    out.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the archive byte-identical across rebuilds of the same data.
    with open(out / "communes.tsv.gz", "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue().encode("utf-8"))

    with open(out / "departements.tsv", "w", encoding="utf-8") as fh:
        fh.write("# code\tname\tregion_insee\tcommon_word\n")
        for d in departements:
            if d.get("zone") in KEPT_ZONES:
                common = common_flag(d["nom"], vocabulary)
                fh.write(f"{d['code']}\t{d['nom']}\t{d['region']}\t{common}\n")
    print(f"{len(rows)} communes, {sum(r[3] > 0 for r in rows)} flagged as common words -> {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--communes", type=Path, help=f"tarball of {COMMUNES_PACKAGE} (default: npm pack)")
    ap.add_argument("--words", type=Path, help=f"tarball of {WORDS_PACKAGE} (default: npm pack)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        communes_tgz = args.communes or npm_pack(COMMUNES_PACKAGE, Path(tmp))
        words_tgz = args.words or npm_pack(WORDS_PACKAGE, Path(tmp))
        build(communes_tgz, words_tgz, args.out)


if __name__ == "__main__":
    main()
