"""French regions as ISO 3166-2:FR codes, with their INSEE codes and French names.

`FR` stands for a nationwide item. This is the only list of regions in the code base:
config validation, triage and the digest all read it from here.
"""
from __future__ import annotations

NATIONWIDE = "FR"

# ISO 3166-2:FR code -> (INSEE region code, French name)
REGIONS: dict[str, tuple[str, str]] = {
    "FR-ARA": ("84", "Auvergne-Rhône-Alpes"),
    "FR-BFC": ("27", "Bourgogne-Franche-Comté"),
    "FR-BRE": ("53", "Bretagne"),
    "FR-CVL": ("24", "Centre-Val de Loire"),
    "FR-COR": ("94", "Corse"),
    "FR-GES": ("44", "Grand Est"),
    "FR-HDF": ("32", "Hauts-de-France"),
    "FR-IDF": ("11", "Île-de-France"),
    "FR-NOR": ("28", "Normandie"),
    "FR-NAQ": ("75", "Nouvelle-Aquitaine"),
    "FR-OCC": ("76", "Occitanie"),
    "FR-PDL": ("52", "Pays de la Loire"),
    "FR-PAC": ("93", "Provence-Alpes-Côte d'Azur"),
    "FR-971": ("01", "Guadeloupe"),
    "FR-972": ("02", "Martinique"),
    "FR-973": ("03", "Guyane"),
    "FR-974": ("04", "La Réunion"),
    "FR-976": ("06", "Mayotte"),
}

REGION_CODES: tuple[str, ...] = tuple(REGIONS)
VALID_CODES: frozenset[str] = frozenset(REGION_CODES) | {NATIONWIDE}
ISO_BY_INSEE: dict[str, str] = {insee: iso for iso, (insee, _) in REGIONS.items()}


def region_label(code: str) -> str:
    """French display name of a region code (`FR` -> 'France entière')."""
    if code == NATIONWIDE:
        return "France entière"
    return REGIONS[code][1]


def is_valid(code: str) -> bool:
    return code in VALID_CODES
