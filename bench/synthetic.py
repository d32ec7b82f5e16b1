"""Deterministic French-looking news for the benchmarks: RSS 2.0 bodies and stored articles.

Everything comes from a seeded `random.Random`, so two runs with the same seed and the
same `now` produce the same bytes. Sentences are drawn from a pre-built pool to keep the
generation of 50,000 articles fast.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import random
from dataclasses import dataclass
from xml.sax.saxutils import escape

from domain.article import Article
from scrapers.urls import article_id

SUBJECTS = (
    "L'ARS Normandie", "Le centre hospitalier de Caen", "La mairie de Rouen", "Le département de la Manche",
    "Les infirmiers libéraux", "Un Ehpad de Lisieux", "La clinique Saint-Joseph", "Le CHU de Reims",
    "L'agence régionale de santé Grand Est", "Le conseil départemental de l'Orne", "La maison de santé d'Alençon",
    "Les aides-soignantes", "Le service d'aide à domicile", "La préfecture du Calvados", "L'hôpital du Mans",
    "Une association d'aidants", "Le groupement hospitalier du Cotentin", "La caisse primaire d'assurance maladie",
)
VERBS = (
    "lance", "recrute", "annonce", "ouvre", "renforce", "inaugure", "prépare", "réorganise", "présente",
    "suspend", "étend", "finance", "accueille", "dévoile", "reporte",
)
OBJECTS = (
    "un appel à projets pour l'aide à domicile", "une campagne de vaccination contre la grippe",
    "un nouveau service de gériatrie", "des postes d'aides-soignants", "un forum des métiers du soin",
    "une unité de soins palliatifs", "le plan blanc face à la bronchiolite", "un centre de santé sexuelle",
    "des consultations avancées en zone rurale", "un dispositif d'hébergement temporaire",
    "la formation des auxiliaires de vie", "une équipe mobile de psychiatrie", "un bus de prévention",
    "des primes pour les soignants de nuit", "la fermeture estivale des urgences",
)
COMPLEMENTS = (
    "dès lundi", "à partir du 1er décembre", "pour l'hiver", "malgré la pénurie de personnel",
    "avec le soutien de la région", "après six mois de travaux", "dans le sud du département",
    "en lien avec les syndicats", "pour trois ans", "sans attendre la rentrée", "à titre expérimental",
)
DETAILS = (
    "Selon la direction, {n} personnes sont concernées.", "Le budget atteint {n} 000 euros.",
    "Les candidatures sont ouvertes jusqu'au {d} du mois prochain.", "Une réunion publique aura lieu le {d}.",
    "Les représentants du personnel demandent {n} recrutements supplémentaires.",
    "Le projet doit être évalué au bout de {n} mois.",
    "« Nous avons besoin de bras », résume une cadre de santé.",
    "Les familles peuvent s'informer au standard de l'établissement.",
)
OUTLETS = ("ouest-actu.fr", "echo-cotentin.fr", "journal-de-l-orne.fr", "sante-grand-est.fr",
           "le-fil-medico-social.fr", "maine-libre-info.fr", "courrier-du-bocage.fr", "reims-quotidien.fr")
SECTIONS = ("sante", "social", "emploi", "region", "societe")
CATEGORIES = ("Santé", "Social", "Emploi", "Société", "Territoires")
AUTHORS = ("Claire Lemoine", "Hugo Bernard", "Inès Marchand", "Paul Lefèvre", "Sophie Garnier")
POOL_SIZE = 600


@dataclass(frozen=True)
class SyntheticFeed:
    index: int
    host: str           # loopback address that serves it
    path: str
    body: bytes
    entries: int


class FrenchText:
    """Titles and paragraphs of plausible French news text, from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pool = [self._sentence() for _ in range(POOL_SIZE)]

    def title(self) -> str:
        r = self.rng
        title = f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)}"
        return title + (f" {r.choice(COMPLEMENTS)}" if r.random() < 0.6 else "")

    def _sentence(self) -> str:
        r = self.rng
        detail = r.choice(DETAILS).format(n=r.randint(2, 90), d=r.randint(1, 28))
        return f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(COMPLEMENTS)}. {detail}"

    def paragraph(self, min_chars: int) -> str:
        sentences: list[str] = []
        size = 0
        while size < min_chars:
            sentence = self.rng.choice(self.pool)
            sentences.append(sentence)
            size += len(sentence) + 1
        return " ".join(sentences)


def entry_url(rng: random.Random, feed: int, entry: int) -> str:
    outlet = OUTLETS[feed % len(OUTLETS)]
    return (f"https://www.{outlet}/{rng.choice(SECTIONS)}/article-{feed:04d}-{entry:05d}.html"
            f"?utm_source=rss&utm_medium=flux")


def _description(text: FrenchText, url: str) -> str:
    lead, more = text.paragraph(180), text.paragraph(120)
    words = lead.split(" ")
    cut = len(words) // 3
    lead = " ".join(words[:cut]) + " <strong>" + " ".join(words[cut:cut + 4]) + "</strong> " + " ".join(words[cut + 4:])
    return f'<p>{lead}</p><p>{more} <a href="{url}">Lire la suite</a></p>'


def rss_item(text: FrenchText, feed: int, entry: int, published: dt.datetime) -> str:
    rng = text.rng
    url = entry_url(rng, feed, entry)
    description = _description(text, url)
    body = f"<![CDATA[{description}]]>" if entry % 2 else escape(description)
    return (
        "<item>\n"
        f"<title>{escape(text.title())}</title>\n"
        f"<link>{escape(url)}</link>\n"
        f'<guid isPermaLink="false">{OUTLETS[feed % len(OUTLETS)]}-{feed}-{entry}</guid>\n'
        f"<pubDate>{email.utils.format_datetime(published)}</pubDate>\n"
        f"<category>{rng.choice(CATEGORIES)}</category>\n"
        f"<dc:creator>{rng.choice(AUTHORS)}</dc:creator>\n"
        f"<description>{body}</description>\n"
        "</item>\n"
    )


def rss_feed(text: FrenchText, feed: int, entries: int, now: dt.datetime) -> bytes:
    rng = text.rng
    outlet = OUTLETS[feed % len(OUTLETS)]
    paris = dt.timezone(dt.timedelta(hours=1))
    items = []
    for entry in range(entries):
        published = (now - dt.timedelta(minutes=rng.randint(5, 30 * 24 * 60))).astimezone(paris)
        items.append(rss_item(text, feed, entry, published.replace(microsecond=0)))
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"<title>{escape(outlet)} — fil santé et social n°{feed}</title>\n"
        f"<link>https://www.{outlet}/</link>\n"
        "<description>Toute l'actualité de la santé et du médico-social en région</description>\n"
        "<language>fr-fr</language>\n"
        f"<lastBuildDate>{email.utils.format_datetime(now.replace(microsecond=0))}</lastBuildDate>\n"
    )
    return (head + "".join(items) + "</channel>\n</rss>\n").encode("utf-8")


def build_feeds(count: int, entries: int, hosts: list[str], seed: int, now: dt.datetime) -> list[SyntheticFeed]:
    """`count` RSS feeds of `entries` items each, spread round-robin over `hosts`."""
    text = FrenchText(random.Random(seed))
    return [SyntheticFeed(index=n, host=hosts[n % len(hosts)], path=f"/flux/{n:04d}.xml",
                          body=rss_feed(text, n, entries, now), entries=entries)
            for n in range(count)]


def build_article(text: FrenchText, number: int, fetched_at: dt.datetime, tag: str = "hist") -> Article:
    """One stored-looking article: ~300-char summary, ~1,500-char text, unique URL."""
    rng = text.rng
    outlet = OUTLETS[number % len(OUTLETS)]
    url = f"https://www.{outlet}/{rng.choice(SECTIONS)}/{tag}-{number:06d}.html"
    published = fetched_at - dt.timedelta(minutes=rng.randint(1, 48 * 60))
    return Article(id=article_id(url), url=url, feed=f"flux-{number % 200:03d}", title=text.title(),
                   summary=text.paragraph(300)[:320], text=text.paragraph(1500),
                   published=published.isoformat(), fetched_at=fetched_at.isoformat(),
                   source=outlet, guid=f"{tag}-{number}", region_hint="FR-NOR")


def history_by_week(total: int, weeks: int, seed: int, now: dt.datetime) -> list[list[Article]]:
    """`total` articles first seen at a steady rate over the last `weeks` weeks up to
    `now` (as a live store fills), as one list per ISO week, oldest first."""
    text = FrenchText(random.Random(seed))
    span = dt.timedelta(weeks=weeks).total_seconds()
    start = now - dt.timedelta(weeks=weeks)
    times = sorted(start + dt.timedelta(seconds=text.rng.uniform(0, span)) for _ in range(total))
    batches: dict[tuple[int, int], list[Article]] = {}
    for number, when in enumerate(times):
        year, week, _ = when.isocalendar()
        batches.setdefault((year, week), []).append(build_article(text, number, when))
    return [batches[key] for key in sorted(batches)]
