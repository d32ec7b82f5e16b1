"""Bad input gives one clear error, never a traceback: config values, CLI arguments,
files, and hostile text or addresses in sources."""
import subprocess
import sys
from pathlib import Path

import pytest

from config import ConfigError, load_config
from scrapers.collect import _bounded
from scrapers.feed_parser import parse_feed
from scrapers.html_listing import parse_listing
from scrapers.sanitize import TITLE_MAX, clean_title, clip, html_to_text
from scrapers.urls import canonical_url
from config.schema import Selectors
from domain.article import Article

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    return str(info.value)


@pytest.mark.parametrize("text, expected", [
    ("[digest]\nfetch_every_hours = 0\n", ":2: [digest] fetch_every_hours must be at least 0.1"),
    ("[fetch]\ntotal_timeout = 0\n", ":2: [fetch] total_timeout must be more than 0"),
    ("[fetch]\nbackoff = nan\n", ":2: [fetch] backoff must be a non-negative number, got nan"),
    ("[fetch]\nread_timeout = inf\n", ":2: [fetch] read_timeout must be a non-negative number, got inf"),
    ("[telegram]\nrate = -inf\n", ":2: [telegram] rate must be a non-negative number"),
    ("[fetch]\nconcurrency = 1000000000000\n", ":2: [fetch] concurrency must be at least 1 and at most 256"),
    ("[fetch]\nretries = 1000000\n", ":2: [fetch] retries must be at least 0 and at most 10"),
    ("[email]\nport = 99999\n", ":2: [email] port must be at least 1 and at most 65535, got 99999"),
    ("[email]\nport = 0\n", ":2: [email] port must be at least 1"),
    ('[email]\nfrom_name = "Vigie\\r\\nBcc: x@example.org"\n', ":2: [email] from_name must be one line"),
    ('[fetch]\nuser_agent = "Vigie (+mailto:a@b.example)\\nX-Evil: 1"\n', ":2: [fetch] user_agent must be one line"),
    ('[email]\nlist_id = "veille\\u0000.example.org"\n', ":2: [email] list_id must be one line"),
    ("[store]\nretention_days = 1000000\n", ":2: [store] retention_days must be at least 1 and at most 36500"),
    ("[fetch]\nsource_timeout = 0\n", ":2: [fetch] source_timeout must be more than 0"),
    ('[[feeds]]\nname = "A"\nurl = "https://a.example/"\nallow_private = "yes"\n',
     ':4: feeds[1] "A": allow_private must be true or false'),
])
def test_absurd_config_values_are_refused_with_file_and_line(tmp_path, text, expected):
    message = error_of(tmp_path, text)
    assert expected in message and message.startswith(str(tmp_path / "config.toml"))


def test_data_dir_that_is_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "data").write_text("not a folder")
    assert error_of(tmp_path, '[vigie]\ndata_dir = "data"\n').endswith(
        f":2: [vigie] data_dir: {tmp_path / 'data'} is a file, not a folder")
    with pytest.raises(ConfigError, match="--data-dir: .* is a file, not a folder"):
        load_config(write(tmp_path, ""), data_dir=tmp_path / "data" / "sub")


def test_switches_load(tmp_path):
    config = load_config(write(tmp_path, '[fetch]\nallow_private_addresses = true\nsource_timeout = 20\n'
                                         '[[feeds]]\nname = "A"\nurl = "http://10.0.0.5/rss"\nallow_private = true\n'))
    assert config.fetch.allow_private_addresses and config.fetch.source_timeout == 20
    assert config.feeds[0].allow_private
    defaults = load_config(write(tmp_path, ""))
    assert not defaults.fetch.allow_private_addresses and defaults.fetch.cycle_timeout == 1800


def run_cli(tmp_path, *args, stdin: bytes | None = None):
    proc = subprocess.run([sys.executable, str(ROOT / "run.py"), "--config", str(tmp_path / "config.toml"), *args],
                          cwd=tmp_path, input=stdin, capture_output=True, timeout=120)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


@pytest.fixture
def cli_dir(tmp_path):
    write(tmp_path, '[vigie]\ndata_dir = "data"\n')
    (tmp_path / "a-file").write_text("x")
    return tmp_path


@pytest.mark.parametrize("args, message", [
    (["articles", "--since", "0001-01-01"], "date out of range"),
    (["stories", "--since", "0001-01-01"], "date out of range"),
    (["digest", "--week", "9999-W52", "--preview"], "week out of range"),
    (["digest", "--week", "2026-W47", "--preview", "--out", "a-file/previews"],
     "error: cannot create the output folder a-file/previews"),
    (["classify", "latin1.jsonl"], "error: latin1.jsonl:2: not UTF-8 text (byte 0xe9)"),
    (["classify", "missing.jsonl"], "error: missing.jsonl: cannot read"),
    (["--data-dir", "a-file", "articles"], "a-file is a file, not a folder"),
])
def test_bad_cli_input_is_one_clear_error(cli_dir, args, message):
    (cli_dir / "latin1.jsonl").write_bytes(b'{"id": "a", "title": "ok"}\n{"id": "b", "title": "\xe9t\xe9"}\n')
    status, out, err = run_cli(cli_dir, *args)
    assert status in (1, 2)
    assert message in out + err
    assert "Traceback" not in out + err
    error_lines = [line for line in (out + err).splitlines() if "error" in line]
    assert len(error_lines) == 1


def test_articles_since_far_past_within_range_works_with_stored_articles(cli_dir):
    from store import open_store
    with open_store(cli_dir / "data") as store, store.writing():
        store.articles.add([Article(id="0123456789abcdef", url="https://a.example/x", feed="A", title="T",
                                    fetched_at="2026-11-20T10:00:00+00:00")])
    status, out, err = run_cli(cli_dir, "articles", "--since", "1900-01-01")
    assert status == 0 and "1 articles." in out, err


# Hostile text and addresses in sources -------------------------------------------------

RLO, LRI, PDI, LRM = "\u202e", "\u2066", "\u2069", "\u200e"


def test_titles_lose_nul_controls_and_bidi_characters_and_are_capped():
    hostile = f"Forum{RLO} emploi\x00 soignant\x07 {LRI}2026{PDI}{LRM} " + "très long " * 100
    title = clean_title(hostile)
    assert title.startswith("Forum emploi soignant 2026 très long")
    assert len(title) <= TITLE_MAX and title.endswith("…") and not title.endswith(" …")
    assert not any(ch in title for ch in (RLO, LRI, PDI, LRM, "\x00", "\x07"))


def test_clip_cuts_on_a_word_boundary():
    assert clip("un deux trois quatre", 12) == "un deux…"
    assert clip("court", 12) == "court"
    assert len(clip("x" * 50, 10)) == 10


def test_feed_titles_and_summaries_are_capped_and_cleaned():
    long_title = "Recrutement " * 60
    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
            f'<title>{long_title}&#x202E;fin</title><link>https://a.example/1</link>'
            f'<description>{"Texte du résumé. " * 300}</description></item></channel></rss>').encode()
    entry = parse_feed(body, "application/rss+xml", "https://a.example/rss").entries[0]
    assert len(entry.title) <= TITLE_MAX and entry.title.endswith("…") and RLO not in entry.title
    assert len(entry.summary) <= 1500 and entry.summary.endswith("…")


def test_listing_titles_are_capped_and_cleaned():
    body = (f'<div class="i"><a href="/x">{"Titre " * 200}{RLO}</a></div>').encode()
    item = parse_listing(body, "https://a.example/", Selectors(items=".i", link="a", title="a")).items[0]
    assert len(item.title) <= TITLE_MAX and RLO not in item.title


def test_every_article_field_is_bounded_before_storing():
    article = _bounded(Article(id="1", url="https://a.example/", feed="A", title="T\x00" * 400,
                               summary=f"S{RLO} " * 2000, text="\x00mot " * 10000))
    assert len(article.title) <= TITLE_MAX and "\x00" not in article.title
    assert len(article.summary) <= 1500 and RLO not in article.summary
    assert len(article.text) <= 20000 and "\x00" not in article.text


def test_html_to_text_strips_bidi_and_controls():
    assert html_to_text(f"<p>a{RLO}b\x00c</p>") == "abc"


@pytest.mark.parametrize("url, expected", [
    ("http://[::1]:8080/a?b=1#frag", "http://[::1]:8080/a?b=1"),
    ("HTTPS://[2001:DB8::1]/actu", "https://[2001:db8::1]/actu"),
    ("http://[2001:db8::1]:80/x", "http://[2001:db8::1]/x"),
    (f"https://a.example/act{RLO}u\x00", "https://a.example/actu"),
])
def test_article_urls_keep_ipv6_brackets_and_lose_invisible_characters(url, expected):
    assert canonical_url(url) == expected
