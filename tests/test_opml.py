"""`run.py feeds import FILE.opml` and `feeds export`: OPML 2.0 in and out."""
import tomllib

from cli.main import main as vigie
from config import load_config
from tests.conftest import fixture_bytes

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Mes flux</title></head>
  <body>
    <outline text="Santé">
      <outline type="rss" text="Le Petit Écho" xmlUrl="https://echo.example/rss.xml" htmlUrl="https://echo.example/"/>
      <outline type="rss" text="ARS Bretagne" xmlUrl="https://ars-bretagne.example/flux.xml" category="FR-BRE"/>
    </outline>
    <outline type="rss" text="Existing again" xmlUrl="https://existing.example/rss.xml"/>
    <outline type="rss" text="Echo twice" xmlUrl="https://echo.example/rss.xml?utm_source=x"/>
    <outline type="rss" text="Broken" xmlUrl="javascript:alert(1)"/>
    <outline type="rss" text="No host" xmlUrl="https:///rss.xml"/>
    <outline type="link" text="Une page" url="https://page.example/actus"/>
  </body>
</opml>
"""

FEEDS = '''
# Sources
[[feeds]]
name = "Existing"   # first one
url = "https://existing.example/rss.xml"
region = "FR-NOR"

[[feeds]]
name = "Page ARS"
url = "https://ars.example/actualites"
kind = "html"
selectors = { items = "li", link = "a", title = "a" }
'''


def test_import_adds_feeds_and_reports_the_rest(make_config, tmp_path, capsys):
    config = make_config(FEEDS)
    before = config.path.read_text(encoding="utf-8")
    opml = tmp_path / "in.opml"
    opml.write_text(OPML, encoding="utf-8")
    assert vigie(["--config", str(config.path), "feeds", "import", str(opml)]) == 1   # some were left out
    out = capsys.readouterr().out
    assert "add 'Le Petit Écho': https://echo.example/rss.xml" in out
    assert "add 'ARS Bretagne': https://ars-bretagne.example/flux.xml (FR-BRE)" in out
    assert "skipped 'Existing again': https://existing.example/rss.xml is already configured as 'Existing'" in out
    assert "skipped 'Echo twice': https://echo.example/rss.xml?utm_source=x is already configured as 'Le Petit Écho'" in out
    assert "skipped 'Broken': not an http(s) address: 'javascript:alert(1)'" in out
    assert "skipped 'No host': invalid URL 'https:///rss.xml'" in out
    assert "skipped 'Une page': no xmlUrl, not a feed (https://page.example/actus)" in out
    assert "2 feeds added to" in out and "5 left out." in out
    after = config.path.read_text(encoding="utf-8")
    assert after.startswith(before)
    feeds = tomllib.loads(after)["feeds"]
    assert feeds[2:] == [{"name": "Le Petit Écho", "url": "https://echo.example/rss.xml", "kind": "rss"},
                         {"name": "ARS Bretagne", "url": "https://ars-bretagne.example/flux.xml", "kind": "rss",
                          "region": "FR-BRE"}]


def test_round_trip_export_then_import_gives_the_same_feeds(make_config, tmp_path, capsys):
    source = make_config(FEEDS + '\n[[feeds]]\nname = "A <&> \\"quoted\\" -- name"\nurl = "https://a.example/feed?x=1&y=2"\n')
    out_file = tmp_path / "sources.opml"
    assert vigie(["--config", str(source.path), "feeds", "export", "--out", str(out_file)]) == 0
    assert "2 feeds, 1 news page without feed." in capsys.readouterr().out
    text = out_file.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and '<opml version="2.0">' in text
    assert '<outline type="link" text="Page ARS" url="https://ars.example/actualites"/>' in text
    assert "news page without feed" in text       # said in a comment

    target_dir = tmp_path / "other"
    target_dir.mkdir()
    (target_dir / "config.toml").write_text('# empty\n[vigie]\ndata_dir = "data"\n', encoding="utf-8")
    assert vigie(["--config", str(target_dir / "config.toml"), "feeds", "import", str(out_file)]) == 1  # the page
    imported = load_config(target_dir / "config.toml")
    wanted = [(f.name, f.url, f.kind, f.region) for f in source.feeds if f.kind == "rss"]
    assert [(f.name, f.url, f.kind, f.region) for f in imported.feeds] == wanted
    capsys.readouterr()
    assert vigie(["--config", str(target_dir / "config.toml"), "feeds", "export"]) == 0
    again = capsys.readouterr().out
    assert again.count("<outline") == 2 and 'xmlUrl="https://a.example/feed?x=1&amp;y=2"' in again


def test_bad_opml_files_write_nothing(make_config, tmp_path, capsys):
    config = make_config(FEEDS)
    before = config.path.read_text(encoding="utf-8")
    cases = {"notxml.opml": b"<opml><body>", "html.opml": b"<html><body></body></html>",
             "bomb.opml": fixture_bytes("billion_laughs.xml")}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        assert vigie(["--config", str(config.path), "feeds", "import", str(tmp_path / name)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("error: ") and "notxml.opml: not well-formed XML" in out[0]
    assert "html.opml: not an OPML file (no <opml> root element)" in out[1]
    assert "bomb.opml: " in out[2]
    assert config.path.read_text(encoding="utf-8") == before


def test_dry_run_writes_nothing_and_a_taken_name_is_made_unique(make_config, tmp_path, capsys):
    config = make_config(FEEDS)
    before = config.path.read_text(encoding="utf-8")
    opml = tmp_path / "in.opml"
    opml.write_text('<opml version="2.0"><body><outline text="Existing" xmlUrl="https://other.example/rss"/>'
                    '<outline text="Existing" xmlUrl="https://third.example/rss"/></body></opml>', encoding="utf-8")
    assert vigie(["--config", str(config.path), "feeds", "import", str(opml), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would add 'Existing (2)': https://other.example/rss" in out
    assert "would add 'Existing (3)': https://third.example/rss" in out and "2 feeds to add, 0 left out." in out
    assert config.path.read_text(encoding="utf-8") == before
    assert vigie(["--config", str(config.path), "feeds", "import", str(opml)]) == 0
    assert [f.name for f in load_config(config.path).feeds][-2:] == ["Existing (2)", "Existing (3)"]
