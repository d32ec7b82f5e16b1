"""feedparser's own hostile test feeds through Vigie's real ingestion pipeline.

    .venv/bin/python bench/robustness.py [--corpus PATH] [--batch-size 100] [--limit N]

Every document of the corpus (default: `../shared/robustness/feedparser-tests` beside the
repository; read in place, never copied) is served over HTTP from 127.0.0.1, with the
headers its test comment asks for (`Header: Content-type: ...`), and fetched as a
`[[feeds]]` entry by `pipeline.fetch.run_fetch`, 100 feeds per call, into a temporary
data dir. The run checks that:

- no exception escapes `run_fetch` (a crash);
- no feed fails with "unexpected error ..." (a bug in Vigie's code, not in the feed);
- every rejected feed has a recorded reason;
- no article title, summary or text carries active HTML (`<script`, `javascript:`,
  `onerror=`, `onload=`, `<iframe`), neither among the candidates the scrapers produced
  (seen through `on_done`) nor among the articles stored;
- every article URL is http or https.

Most test documents have entries without title or link, which Vigie rightly skips, so
their hostile markup never reaches an article. A second check therefore runs Vigie's
sanitizer (`scrapers.sanitize.html_to_text`) on every title, summary and content value
feedparser reads from each document, unsanitized (`sanitize_html=False`), and looks for
the same active HTML in the result.

It prints a summary and exits 1 if any of these checks fails.
"""
from __future__ import annotations

import argparse
import io
import json
import mimetypes
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import feedparser  # noqa: E402

from bench.server import Page, StaticServer  # noqa: E402
from config import load_config  # noqa: E402
from domain.article import Article  # noqa: E402
from pipeline.fetch import FeedReport, run_fetch  # noqa: E402
from scrapers.collect import SourceResult  # noqa: E402
from scrapers.sanitize import html_to_text  # noqa: E402
from store import open_store  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "robustness" / "feedparser-tests"
ACTIVE_HTML = re.compile(r"<script|javascript:|onerror\s*=|onload\s*=|<iframe", re.IGNORECASE)
TEXT_FIELDS = ("title", "summary", "text")
HEADER_LINE = re.compile(rb"^Header:\s+([^:\r\n]+):[ \t]*([^\r\n]*?)\s*$", re.MULTILINE)
HEADER_ZONE = 4096   # the test comment sits at the top of each document
UNEXPECTED = "unexpected error"


@dataclass(frozen=True)
class Document:
    name: str            # path inside the corpus, also the feed's name
    page: Page


@dataclass(frozen=True)
class Finding:
    name: str
    where: str           # "candidate" (scraper output) or "stored"
    field: str
    excerpt: str


@dataclass
class Tally:
    reports: list[FeedReport] = field(default_factory=list)
    not_reported: list[str] = field(default_factory=list)
    crashes: list[tuple[str, str]] = field(default_factory=list)   # (feeds involved, traceback)
    html: list[Finding] = field(default_factory=list)
    urls: list[Finding] = field(default_factory=list)
    stored: int = 0


@dataclass
class SanitizerCheck:
    values: int = 0            # entry values passed through html_to_text
    hostile: int = 0           # of which carried active HTML before sanitizing
    leaks: list[Finding] = field(default_factory=list)


# Corpus -----------------------------------------------------------------------------

def requested_headers(body: bytes) -> list[tuple[str, str]]:
    """Headers a feedparser test document asks its server to send (`Header: Name: value`)."""
    return [(name.decode("latin-1").strip(), value.decode("latin-1"))
            for name, value in HEADER_LINE.findall(body[:HEADER_ZONE])]


def load_corpus(root: Path, limit: int | None) -> list[Document]:
    documents = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".xml", ".rdf", ".atom", ".rss")):
        body = path.read_bytes()
        headers = requested_headers(body)
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        content_type = content_type or mimetypes.guess_type(path.name)[0] or "application/xml"
        extra = tuple((k, v) for k, v in headers if k.lower() not in ("content-type", "content-length"))
        documents.append(Document(path.relative_to(root).as_posix(), Page(body, content_type, extra)))
    return documents[:limit] if limit else documents


def url_path(name: str) -> str:
    return "/" + quote(name)


# One batch --------------------------------------------------------------------------

def toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string with ASCII escapes is a valid TOML basic string


def write_config(folder: Path, documents: list[Document], server: StaticServer) -> Path:
    lines = ["[vigie]", 'data_dir = "data"', "", "[fetch]",
             'user_agent = "Vigie-robustness/0.1 (+mailto:bench@example.org)"',
             "per_host_delay = 0", "respect_robots = true", "retries = 0", "allow_private_addresses = true",
             "connect_timeout = 2", "read_timeout = 5", "total_timeout = 10", ""]
    for doc in documents:
        lines += ["[[feeds]]", f"name = {toml_string(doc.name)}",
                  f"url = {toml_string(server.url(url_path(doc.name)))}", 'kind = "rss"', ""]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def scan_article(article: Article, where: str, tally: Tally) -> None:
    for name in TEXT_FIELDS:
        value = getattr(article, name) or ""
        match = ACTIVE_HTML.search(value)
        if match:
            start = max(0, match.start() - 30)
            tally.html.append(Finding(article.feed, where, name, value[start:match.end() + 40]))
    scheme = urlsplit(article.url).scheme.lower()
    if scheme not in ("http", "https"):
        tally.urls.append(Finding(article.feed, where, "url", article.url[:120]))


def run_batch(folder: Path, documents: list[Document], server: StaticServer, tally: Tally) -> list[FeedReport]:
    """One `run_fetch` over `documents`; a crash is recorded, never raised."""
    config = load_config(write_config(folder, documents, server))

    def inspect(result: SourceResult) -> None:
        for article in result.articles:
            scan_article(article, "candidate", tally)

    try:
        with open_store(config.data_dir) as store:
            reports = run_fetch(config, store, list(config.feeds), on_done=inspect)
            for article in store.articles.iter():
                scan_article(article, "stored", tally)
                tally.stored += 1
    except Exception:  # noqa: BLE001 - exactly what this run looks for
        names = ", ".join(d.name for d in documents)
        tally.crashes.append((names, traceback.format_exc()))
        return []
    reported = {r.name for r in reports}
    tally.not_reported += [d.name for d in documents if d.name not in reported]
    tally.reports += reports
    return reports


def rerun_one_by_one(folder: Path, documents: list[Document], server: StaticServer, tally: Tally) -> None:
    """After a crashed batch: run each feed alone, so the culprits are named and the
    other feeds still counted. The batch's own crash stays if no feed crashes alone."""
    batch_crash = tally.crashes.pop()
    crashes_before = len(tally.crashes)
    for n, doc in enumerate(documents):
        run_batch(folder / f"alone-{n}", [doc], server, tally)
    if len(tally.crashes) == crashes_before:
        tally.crashes.append(batch_crash)


def run_corpus(documents: list[Document], batch_size: int, workdir: Path) -> Tally:
    tally = Tally()
    pages = {url_path(d.name): d.page for d in documents}
    with StaticServer(pages, "127.0.0.1") as server:
        batches = [documents[i:i + batch_size] for i in range(0, len(documents), batch_size)]
        for number, batch in enumerate(batches, 1):
            start = time.perf_counter()
            crashes_before = len(tally.crashes)
            reports = run_batch(workdir / f"batch-{number:03d}", batch, server, tally)
            crashed = len(tally.crashes) > crashes_before
            if crashed:
                rerun_one_by_one(workdir / f"crash-{number:03d}", batch, server, tally)
            outcomes = Counter(r.outcome for r in reports)
            print(f"  batch {number:2d}/{len(batches)}: {len(batch):3d} feeds, "
                  + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
                  + (" CRASH (feeds rerun one by one)" if crashed else "")
                  + f" ({time.perf_counter() - start:.1f} s)", flush=True)
    return tally


# Sanitizer on every entry ------------------------------------------------------------

def entry_values(entry) -> list[tuple[str, str]]:
    values = [("title", entry.get("title")), ("summary", entry.get("summary"))]
    values += [("content", content.get("value")) for content in entry.get("content") or []]
    return [(name, value) for name, value in values if isinstance(value, str) and value]


def check_sanitizer(documents: list[Document]) -> SanitizerCheck:
    """html_to_text on every entry value feedparser reads, its own sanitizer turned off."""
    check = SanitizerCheck()
    for doc in documents:
        parsed = feedparser.parse(io.BytesIO(doc.page.body), sanitize_html=False,
                                  response_headers={"content-type": doc.page.content_type,
                                                    "content-location": "http://127.0.0.1/feed.xml"})
        for entry in parsed.get("entries") or []:
            for name, value in entry_values(entry):
                check.values += 1
                check.hostile += bool(ACTIVE_HTML.search(value))
                text = html_to_text(value)
                match = ACTIVE_HTML.search(text)
                if match:
                    excerpt = text[max(0, match.start() - 30):match.end() + 40]
                    check.leaks.append(Finding(doc.name, "html_to_text", name, excerpt))
    return check


# Summary ----------------------------------------------------------------------------

def reason_kind(reason: str) -> str:
    """A rejection reason without its specifics, to count them by kind."""
    reason = re.sub(r"\(.*", "", reason)
    reason = re.sub(r"\d[\d,.]*", "N", reason)
    return reason.strip().rstrip(":")[:90]


def print_summary(documents: list[Document], tally: Tally, sanitizer: SanitizerCheck, elapsed: float) -> int:
    reports = tally.reports
    outcomes = Counter(r.outcome for r in reports)
    failed = [r for r in reports if r.outcome == "failed"]
    unexpected = [r for r in failed if (r.reason or "").startswith(UNEXPECTED)]
    no_reason = [r for r in failed if not r.reason]
    read_empty = sum(1 for r in reports if r.outcome == "unchanged" and r.found == 0)
    print("\nSummary")
    print("-------")
    print(f"  documents served                      {len(documents):,}")
    print(f"  feeds taken by run_fetch (reported)   {len(reports):,}")
    print(f"  feeds with entries stored ('new')     {outcomes['new']:,}")
    print(f"  feeds read, nothing new ('unchanged') {outcomes['unchanged']:,}"
          f" ({read_empty:,} with no entry, {outcomes['unchanged'] - read_empty:,} only already-stored links)")
    print(f"  feeds rejected with a reason          {len(failed) - len(no_reason):,}")
    print(f"  feeds rejected without a reason       {len(no_reason):,}")
    print(f"  feeds missing from the reports        {len(tally.not_reported):,}")
    print(f"  articles stored                       {tally.stored:,}")
    print(f"  CRASHES (exception out of run_fetch)  {len(tally.crashes):,}")
    print(f"  UNEXPECTED ERRORS                     {len(unexpected):,}")
    print(f"  ACTIVE HTML in articles               {len(tally.html):,}")
    print(f"  NON-HTTP(S) article URLs              {len(tally.urls):,}")
    print(f"  sanitizer: entry values checked       {sanitizer.values:,}"
          f" ({sanitizer.hostile:,} with active HTML before html_to_text)")
    print(f"  SANITIZER LEAKS (after html_to_text)  {len(sanitizer.leaks):,}")
    print(f"  time                                  {elapsed:.1f} s")
    print("\nRejection reasons by kind")
    for kind, count in Counter(reason_kind(r.reason or "") for r in failed).most_common(15):
        print(f"  {count:5d}  {kind}")
    print("\nWarnings by kind (feeds taken, some entries skipped or markup repaired)")
    warnings = Counter(reason_kind(w) for r in reports for w in set(r.warnings))
    for kind, count in warnings.most_common(10):
        print(f"  {count:5d}  {kind}")
    print("\nRejected feeds")
    for report in failed[:40]:
        print(f"  {report.name}: {report.reason}")
    for name, trace in tally.crashes:
        print(f"\nCRASH with {name[:200]}:\n{trace}")
    for report in unexpected:
        print(f"UNEXPECTED ERROR  {report.name}: {report.reason}")
    for finding in tally.html:
        print(f"ACTIVE HTML  {finding.name} [{finding.where} {finding.field}]: {finding.excerpt!r}")
    for finding in tally.urls:
        print(f"BAD URL  {finding.name} [{finding.where}]: {finding.excerpt!r}")
    for finding in sanitizer.leaks:
        print(f"SANITIZER LEAK  {finding.name} [{finding.field}]: {finding.excerpt!r}")
    problems = (tally.crashes or unexpected or no_reason or tally.not_reported or tally.html or tally.urls
                or sanitizer.leaks)
    print("\nResult: " + ("FAIL" if problems else "OK: no crash, no unexpected error, no active HTML"))
    return 1 if problems else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"default: {DEFAULT_CORPUS}")
    parser.add_argument("--batch-size", type=int, default=100, help="feeds per run_fetch call (default 100)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        parser.error(f"corpus not found: {args.corpus}")
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    documents = load_corpus(args.corpus, args.limit)
    print(f"Robustness run: {len(documents):,} documents from {args.corpus}, "
          f"{args.batch_size} feeds per run_fetch")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vigie-robustness-") as tmp:
        tally = run_corpus(documents, args.batch_size, Path(tmp))
    sanitizer = check_sanitizer(documents)
    return print_summary(documents, tally, sanitizer, time.perf_counter() - start)


if __name__ == "__main__":
    sys.exit(main())
