"""`run.py fetch`: a live progress line on a terminal only, and a summary that says new,
on topic, unchanged (304 as such) and failed with the reason."""
import io

from cli.main import main as vigie
from tests.conftest import fixture_bytes
from tests.httpserver import Reply

RSS = {"Content-Type": "application/rss+xml"}
SPORT = """<?xml version="1.0"?><rss version="2.0"><channel><title>Sport</title><link>https://sport.example/</link>
<item><title>Rugby : le club local gagne le derby</title><link>https://sport.example/derby.html</link>
<pubDate>Tue, 17 Nov 2026 09:30:00 +0100</pubDate><description>Victoire 24 à 10 au stade.</description></item>
</channel></rss>""".encode()


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def conditional_feed(hit):
    if hit.headers.get("if-none-match") == '"v1"':
        return Reply(304, headers={"ETag": '"v1"'})
    return Reply(body=fixture_bytes("rss_forum.xml"), headers={**RSS, "ETag": '"v1"'})


def setup(make_config, server):
    server.route("/echo.xml", conditional_feed)
    server.route("/sport.xml", Reply(body=SPORT, headers=RSS))
    config = make_config(f'''
[[feeds]]
name = "Echo"
url = "{server.url('/echo.xml')}"
[[feeds]]
name = "Sport"
url = "{server.url('/sport.xml')}"
[[feeds]]
name = "Gone"
url = "{server.url('/gone.xml')}"
''')
    return ["--config", str(config.path)]


def summary_rows(out: str) -> dict[str, str]:
    return {line.split("  ")[0]: line for line in out.splitlines() if line.startswith(("Echo", "Sport", "Gone"))}


def test_live_line_on_a_terminal_and_a_summary_that_says_what_happened(make_config, server, capsys, monkeypatch):
    cfg = setup(make_config, server)
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert vigie(cfg + ["fetch"]) == 0
    live = terminal.getvalue()
    frames = [f.split("-" * 40)[0] for f in live.split("\r\033[K")   # (a test server may log to stderr)
              if f.startswith("[")]
    assert frames[0] == "[0/3 sources] 0 new articles (0 on topic), 0 failed"
    assert frames[-1].startswith("[3/3 sources] 3 new articles (1 on topic), 1 failed - ") and frames[-1].endswith("\n")
    assert any(f.startswith("[1/3 sources]") for f in frames) and any(f.startswith("[2/3 sources]") for f in frames)
    out = capsys.readouterr().out
    rows = summary_rows(out)
    assert rows["Echo"].split()[1:5] == ["new", "2", "1", "2"]          # outcome, new, on topic, items
    assert rows["Gone"].split()[1:3] == ["failed", "0"] and "HTTP 404 Not Found" in rows["Gone"]
    assert "3 sources: 3 new articles, 1 failed. 1 new on topic; 0 sources unchanged." in out

    terminal.truncate(0)
    assert vigie(cfg + ["fetch"]) == 0                                   # again: 304 and already-known items
    out = capsys.readouterr().out
    rows = summary_rows(out)
    assert rows["Echo"].split()[1:5] == ["unchanged", "0", "0", "-"]
    assert "not modified since the last fetch (HTTP 304)" in rows["Echo"]
    assert rows["Sport"].split()[1:5] == ["unchanged", "0", "0", "1"] and "304" not in rows["Sport"]
    assert "3 sources: 0 new articles, 1 failed. 0 new on topic; 2 sources unchanged (1 not modified, HTTP 304)." in out


def test_quiet_when_not_a_terminal(make_config, server, capsys):
    cfg = setup(make_config, server)
    assert vigie(cfg + ["fetch"]) == 0
    captured = capsys.readouterr()
    assert "sources]" not in captured.err and "\r" not in captured.err + captured.out   # no progress line
    assert "3 sources: 3 new articles, 1 failed." in captured.out


def test_serve_fetch_job_stays_quiet_even_on_a_terminal(make_config, server, monkeypatch, caplog):
    import logging
    import threading

    from config import load_config
    from pipeline.jobs import fetch_job

    cfg = setup(make_config, server)
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with caplog.at_level(logging.INFO, logger="vigie.jobs"):
        reports = fetch_job(load_config(cfg[1]), threading.Lock())
    assert "sources]" not in terminal.getvalue()                         # no progress line in serve
    assert sum(r.new for r in reports) == 3 and "fetch: 3 new articles, 1 of 3 sources failed" in caplog.text
