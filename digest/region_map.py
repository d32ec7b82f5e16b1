"""A schematic tile map of France's 18 regions as inline SVG, coloured by count.

Not geography: no regions geometry file can be had offline here, so each region is one
square placed roughly where it lies (overseas regions in a row of insets), labelled
with its abbreviation and count, each linking to its section of the page. Text and
titles are escaped; the SVG carries a title and a description for screen readers.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from domain.regions import REGION_CODES, REGIONS

TILE = 64
GAP = 4
# (column, row) of each region on the schematic grid; overseas insets on the last row
LAYOUT: dict[str, tuple[int, int]] = {
    "FR-NOR": (2, 0), "FR-HDF": (3, 0),
    "FR-BRE": (0, 1), "FR-PDL": (1, 1), "FR-IDF": (3, 1), "FR-GES": (4, 1),
    "FR-CVL": (2, 2), "FR-NAQ": (1, 2), "FR-BFC": (4, 2),
    "FR-OCC": (2, 3), "FR-ARA": (3, 3), "FR-PAC": (4, 3),
    "FR-COR": (5, 4),
    "FR-971": (0, 5.3), "FR-972": (1, 5.3), "FR-973": (2, 5.3), "FR-974": (3, 5.3), "FR-976": (4, 5.3),
}
SHORT = {"FR-ARA": "ARA", "FR-BFC": "BFC", "FR-BRE": "BRE", "FR-CVL": "CVL", "FR-COR": "COR", "FR-GES": "GES",
         "FR-HDF": "HDF", "FR-IDF": "IDF", "FR-NOR": "NOR", "FR-NAQ": "NAQ", "FR-OCC": "OCC", "FR-PDL": "PDL",
         "FR-PAC": "PAC", "FR-971": "GP", "FR-972": "MQ", "FR-973": "GF", "FR-974": "RE", "FR-976": "YT"}
SHADES = ("#f3f4f6", "#dbeafe", "#93c5fd", "#3b82f6", "#1e3a8a")   # 0, then four classes


def shade(count: int, top: int) -> str:
    if count <= 0 or top <= 0:
        return SHADES[0]
    return SHADES[min(4, 1 + (count - 1) * 4 // top)]


def region_map(counts: dict[str, int], link: str = "#region-{code}", links: dict[str, str] | None = None) -> Markup:
    """The SVG; each square links to `links[code]` when given, else to `link` formatted."""
    top = max(counts.values(), default=0)
    width, height = 6 * (TILE + GAP), int(6.3 * (TILE + GAP)) + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="carte-titre carte-desc"><title id="carte-titre">Initiatives par région</title>'
             f'<desc id="carte-desc">Carte schématique : une case par région, plus foncée quand la région '
             f'compte plus d\'initiatives. Outre-mer sur la dernière ligne.</desc>']
    parts.append(f'<text x="0" y="{int(5.3 * (TILE + GAP)) - 6}" font-size="12" fill="#6b7280">Outre-mer</text>')
    for code, (col, row) in LAYOUT.items():
        count = counts.get(code, 0)
        x, y = int(col * (TILE + GAP)), int(row * (TILE + GAP))
        fill = shade(count, top)
        ink = "#ffffff" if fill in SHADES[3:] else "#1f2937"
        name = REGIONS[code][1]
        label = f"{name} : {count} initiative{'s' if count > 1 else ''}"
        href = (links or {}).get(code) or (link.format(code=code) if not links else "")
        opening = f'<a href="{escape(href)}">' if href else "<g>"
        closing = "</a>" if href else "</g>"
        parts.append(f'{opening}<title>{escape(label)}</title>'
                     f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="6" fill="{fill}" stroke="#0f3d5e"/>'
                     f'<text x="{x + TILE // 2}" y="{y + 26}" text-anchor="middle" font-size="14" fill="{ink}">'
                     f'{escape(SHORT[code])}</text><text x="{x + TILE // 2}" y="{y + 48}" text-anchor="middle" '
                     f'font-size="16" font-weight="bold" fill="{ink}">{count}</text>{closing}')
    parts.append("</svg>")
    return Markup("".join(parts))


def week_map(sections) -> Markup:
    """The map of a week's page: (theme, groups) sections of `DigestView`, each region's
    square linking to its first group on the page (`#<theme>-<region code>`)."""
    code_of = {name: code for code, (_, name) in REGIONS.items()}
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for section in sections:
        for group in section.groups:
            code = code_of.get(group.label)
            if code in REGION_CODES:
                counts[code] = counts.get(code, 0) + len(group.stories)
                first.setdefault(code, f"#{section.theme}-{code}")
    return region_map(counts, link="{code}", links=first)
