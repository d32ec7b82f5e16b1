"""run.py commands end to end: exit codes, messages, output formats."""
import json

from cli.main import main as vigie
from tests.conftest import fixture_bytes
from tests.digest.helpers import WEEK, make_store
from tests.httpserver import Reply


def write_config(tmp_path, feeds=""):
    (tmp_path / "config.toml").write_text('[vigie]\ndata_dir = "data"\n' + feeds, encoding="utf-8")
    return ["--config", str(tmp_path / "config.toml")]


def test_fetch_then_articles_jsonl(tmp_path, server, capsys):
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers={"Content-Type": "application/rss+xml"}))
    cfg = write_config(tmp_path, f'[fetch]\nper_host_delay = 0\nallow_private_addresses = true\n[[feeds]]\nname = "Echo"\nurl = "{server.url("/rss.xml")}"\n'
                                 '[[feeds]]\nname = "Down"\nurl = "http://127.0.0.1:9/x.xml"\n')
    assert vigie(cfg + ["fetch"]) == 0                   # one source failed, not all
    out = capsys.readouterr().out
    assert "Echo" in out and "new" in out and "cannot connect" in out and "2 sources: 2 new articles, 1 failed." in out
    assert vigie(cfg + ["articles", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["title"] for r in rows} == {"Cherbourg : un forum pour les métiers du soin le 4 décembre",
                                          "Football : l'équipe locale l'emporte"}
    assert {"id", "url", "title", "feed", "published"} <= set(rows[0])
    assert vigie(cfg + ["fetch", "--feed", "Down"]) == 1   # every source failed
    assert vigie(cfg + ["fetch", "--feed", "Nope"]) == 2
    assert "no feed named 'Nope'" in capsys.readouterr().out


def test_bad_config_is_reported_with_its_line(tmp_path, capsys):
    (tmp_path / "config.toml").write_text('[[feeds]]\nname = "A"\nurl = "https://a.example/"\nkind = "rs"\n')
    assert vigie(["--config", str(tmp_path / "config.toml"), "fetch"]) == 2
    assert 'config.toml:4: feeds[1] "A": kind must be "rss" or "html", got "rs"' in capsys.readouterr().err


def test_subscribers_and_digest_preview(tmp_path, capsys):
    cfg = write_config(tmp_path)
    make_store(tmp_path / "data").close()
    assert vigie(cfg + ["subscribers", "add", "--telegram", "42", "--regions", "FR-NOR"]) == 0
    assert vigie(cfg + ["subscribers", "add", "--email", "rh@example.org", "--themes", "charter"]) == 0
    assert vigie(cfg + ["subscribers", "add", "--email", "pas-une-adresse"]) == 2
    assert vigie(cfg + ["subscribers", "add", "--telegram", "1", "--regions", "FR-XYZ"]) == 2
    out = capsys.readouterr().out
    assert "not an e-mail address" in out and "unknown region code: FR-XYZ" in out
    assert vigie(cfg + ["subscribers", "list"]) == 0
    assert "tg-42" in capsys.readouterr().out
    assert vigie(cfg + ["digest", "--week", WEEK, "--preview", "--out", str(tmp_path / "out")]) == 0
    paths = [line.strip() for line in capsys.readouterr().out.splitlines()[1:]]
    names = {p.rsplit("/", 1)[1] for p in paths}
    assert {"2026-W47-telegram-tg-42.html", "2026-W47-email-em-rh_example.org.eml", "2026-W47.html"} <= names
    telegram = (tmp_path / "out" / "2026-W47-telegram-tg-42.html").read_text(encoding="utf-8")
    assert "Forum des métiers du soin à Caen" in telegram and "Charte" not in telegram
    try:
        vigie(cfg + ["digest", "--week", "2026-W99", "--preview"])
    except SystemExit as exc:  # argparse rejects it with a clear message
        assert exc.code == 2
    assert "2026 has no week 99" in capsys.readouterr().err
    assert vigie(cfg + ["digest", "--week", WEEK, "--send"]) == 2
    assert "no delivery channel is configured" in capsys.readouterr().out
    assert vigie(cfg + ["subscribers", "remove", "tg-42"]) == 0


def test_feeds_check_reports_what_staff_need(tmp_path, server, capsys):
    server.route("/agence", Reply(body=fixture_bytes("listing.html"), headers={"Content-Type": "text/html"}))
    server.route("/actualites/job-dating-ehpad.html", Reply(body=fixture_bytes("article_job_dating.html"),
                                                            headers={"Content-Type": "text/html"}))
    cfg = write_config(tmp_path, f'[fetch]\nper_host_delay = 0\nallow_private_addresses = true\n[[feeds]]\nname = "Agence"\nurl = "{server.url("/agence")}"\n'
                                 'kind = "html"\nselectors = { items = "article.news-item", link = "h3 a", title = "h3", '
                                 'date = ".news-date" }\n[[feeds]]\nname = "Absent"\nurl = "' + server.url("/rien.xml") + '"\n')
    assert vigie(cfg + ["feeds", "check"]) == 1          # one source is broken
    out = capsys.readouterr().out
    assert "items selector 'article.news-item': 3 matches" in out and "items found: 2" in out
    assert "first article page: title 'Job dating des EHPAD à Évreux', date 2026-11-16" in out
    assert "FAILED: HTTP 404 Not Found" in out and "1 of 2 sources OK." in out
    assert not (tmp_path / "data" / "articles").exists() or not any((tmp_path / "data" / "articles").glob("*.json"))
