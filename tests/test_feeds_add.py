"""`run.py feeds add URL`: feed discovery, proposed selectors, dry check, a safe write."""
import io
import tomllib

import pytest

from cli.main import main as vigie
from config import load_config
from pipeline.sources import Entry, with_entries
from tests.conftest import fixture_bytes
from tests.httpserver import Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml"}

COMMENTED_FEEDS = '''
# Our sources, reviewed every month.
[[feeds]]
name = "Existing"            # keep this comment
url = "https://existing.example/rss.xml"
kind = "rss"
'''

ARTICLE_PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<time datetime="2026-11-16">16 novembre 2026</time>
<p>Le centre hospitalier de Caen organise un job dating pour recruter des aides-soignants et des
infirmiers. Les candidats rencontreront les employeurs du secteur sanitaire et médico-social du
Calvados. Une vingtaine de postes sont à pourvoir dans les services de soins.</p></article></body></html>"""

CARDS_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Actualités - Hôpitaux du Calvados</title></head><body>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/actualites">Actualités</a></li><li><a href="/contact">Contact</a></li></ul></nav>
<main><h1>Actualités</h1><div class="grid">
  <article class="card"><p class="meta"><span class="when">16 novembre 2026</span> · <a href="/categorie/emploi">Emploi</a></p>
    <h2><a href="/actualites/job-dating-caen">Job dating des hôpitaux à Caen pour recruter des soignants</a></h2>
    <p>Rencontrez les employeurs.</p></article>
  <article class="card"><p class="meta"><span class="when">12 novembre 2026</span> · <a href="/categorie/formation">Formation</a></p>
    <h2><a href="/actualites/ifsi-lisieux">Vingt places de plus à l'IFSI de Lisieux</a></h2></article>
  <article class="card"><p class="meta"><span class="when">9 novembre 2026</span> · <a href="/categorie/emploi">Emploi</a></p>
    <h2><a href="/actualites/charte-bayeux">Une charte pour fidéliser les soignants à Bayeux</a></h2></article>
</div></main>
<footer><a href="/mentions">Mentions légales</a> <a href="/plan">Plan du site</a></footer></body></html>"""

LIST_PAGE = """<html><head><meta property="og:site_name" content="ARS Bretagne"><title>Communiqués</title></head><body>
<header><ul class="menu"><li><a href="/">Accueil</a></li><li><a href="/soins">Soins</a></li><li><a href="/emploi">Emploi</a></li></ul></header>
<div id="content"><ul class="communiques">
<li><a href="/cp/forum-rennes">Forum des métiers du grand âge à Rennes le 3 décembre</a> <em>Publié le 20/11/2026</em></li>
<li><a href="/cp/places-ifsi-brest">Nouvelles places en IFSI à Brest pour la rentrée</a> <em>Publié le 18/11/2026</em></li>
<li><a href="/cp/charte-quimper">Une charte d'attractivité des métiers du soin à Quimper</a> <em>Publié le 15/11/2026</em></li>
</ul></div></body></html>"""

NO_LIST_PAGE = """<html><head><title>Bienvenue</title></head><body>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/qui">Qui sommes-nous</a></li><li><a href="/contact">Contact</a></li></ul></nav>
<p>Notre association accompagne les familles depuis 1980. <a href="/histoire">Notre histoire</a></p>
</body></html>"""


@pytest.fixture
def cfg(make_config):
    config = make_config(COMMENTED_FEEDS)
    return config.path


def run(path, *argv):
    return vigie(["--config", str(path), "feeds", "add", *argv])


def serve_pages(server, pages: dict[str, str], content_type=HTML):
    for path, body in pages.items():
        server.route(path, Reply(body=body.encode("utf-8"), headers=content_type))


def test_page_advertising_its_feed_becomes_an_rss_entry(cfg, server, capsys):
    page = ('<html><head><title>Le Petit Écho du Cotentin</title><link rel="alternate" '
            'type="application/rss+xml" title="Actus" href="/flux/actus.xml"></head><body><p>Bonjour</p></body></html>')
    serve_pages(server, {"/": page})
    server.route("/flux/actus.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    before = cfg.read_text(encoding="utf-8")
    assert run(cfg, server.url("/"), "--yes") == 0
    out = capsys.readouterr().out
    assert f"Feed found: {server.url('/flux/actus.xml')} (advertised by the page), 2 entries." in out
    assert "Cherbourg : un forum pour les métiers du soin" in out and "-> on topic" in out and "-> off topic" in out
    after = cfg.read_text(encoding="utf-8")
    assert after.startswith(before)                    # comments and layout kept, entry appended
    entry = tomllib.loads(after)["feeds"][-1]
    assert entry == {"name": "Le Petit Écho du Cotentin", "url": server.url("/flux/actus.xml"), "kind": "rss",
                     "region": "FR-NOR"}             # region from the places the feed names (Cherbourg)
    assert load_config(cfg).feed("Le Petit Écho du Cotentin").kind == "rss"


def test_feed_at_a_common_path(cfg, server, capsys):
    serve_pages(server, {"/": "<html><head><title>Écho</title></head><body><p>Rien ici</p></body></html>"})
    server.route("/rss.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    assert run(cfg, server.url("/"), "--yes", "--name", "Écho du Cotentin", "--region", "FR") == 0
    out = capsys.readouterr().out
    assert "(found at the common path /rss.xml)" in out
    entry = tomllib.loads(cfg.read_text(encoding="utf-8"))["feeds"][-1]
    assert entry == {"name": "Écho du Cotentin", "url": server.url("/rss.xml"), "kind": "rss", "region": "FR"}
    assert server.hits_for("/feed")                    # tried first, answered 404


def test_news_page_in_article_cards_gets_selectors(cfg, server, capsys):
    serve_pages(server, {"/actualites": CARDS_PAGE,
                         "/actualites/job-dating-caen": ARTICLE_PAGE.format(title="Job dating des hôpitaux à Caen")})
    assert run(cfg, server.url("/actualites"), "--yes") == 0
    out = capsys.readouterr().out
    assert "No feed found; the page lists 3 articles (3 dated)" in out
    assert "2026-11-16  Job dating des hôpitaux à Caen pour recruter des soignants" in out
    assert "Trial fetch: HTTP status 200, items found: 3" in out
    entry = tomllib.loads(cfg.read_text(encoding="utf-8"))["feeds"][-1]
    assert entry["name"] == "Hôpitaux du Calvados" and entry["kind"] == "html" and entry["region"] == "FR-NOR"
    assert entry["url"] == server.url("/actualites")
    assert entry["selectors"] == {"items": "article.card", "link": "h2 a", "title": "h2", "date": "span.when"}


def test_news_page_as_a_list_gets_other_selectors(cfg, server, capsys):
    serve_pages(server, {"/communiques": LIST_PAGE})
    assert run(cfg, server.url("/communiques"), "--yes") == 0
    entry = tomllib.loads(cfg.read_text(encoding="utf-8"))["feeds"][-1]
    assert entry["name"] == "ARS Bretagne" and entry["region"] == "FR-BRE"
    assert entry["selectors"] == {"items": "ul.communiques > li", "link": "a", "title": "a", "date": "em"}
    out = capsys.readouterr().out
    assert "2026-11-20  Forum des métiers du grand âge à Rennes le 3 décembre" in out
    assert "warning: article page" in out              # /cp/forum-rennes is not served: said, not fatal


def test_page_without_article_list_writes_nothing(cfg, server, capsys):
    serve_pages(server, {"/": NO_LIST_PAGE})
    before = cfg.read_text(encoding="utf-8")
    assert run(cfg, server.url("/"), "--yes") == 1
    assert "error: no feed and no list of article links found at" in capsys.readouterr().out
    assert cfg.read_text(encoding="utf-8") == before


def test_bad_input_is_refused_in_one_line(cfg, server, capsys):
    before = cfg.read_text(encoding="utf-8")
    assert run(cfg, "ftp://example.org/x", "--yes") == 2
    assert run(cfg, "https://existing.example/rss.xml", "--yes") == 2
    assert run(cfg, server.url("/"), "--yes", "--region", "Normandy") == 2
    out = capsys.readouterr().out
    assert "error: not an http(s) address: 'ftp://example.org/x'" in out
    assert "is already configured as 'Existing'" in out
    assert "error: unknown region code 'Normandy' (did you mean 'FR-NOR'?)" in out
    assert cfg.read_text(encoding="utf-8") == before


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_confirmation_on_a_terminal_and_refusal_without_one(cfg, server, capsys, monkeypatch):
    serve_pages(server, {"/communiques": LIST_PAGE})
    before = cfg.read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))        # not a terminal, no --yes
    assert run(cfg, server.url("/communiques")) == 2
    assert "add --yes to write without asking" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", FakeTerminal("n\n"))
    assert run(cfg, server.url("/communiques")) == 1
    assert "Nothing written." in capsys.readouterr().out
    assert cfg.read_text(encoding="utf-8") == before
    monkeypatch.setattr("sys.stdin", FakeTerminal("y\n"))
    assert run(cfg, server.url("/communiques")) == 0
    assert "Added 'ARS Bretagne'" in capsys.readouterr().out
    assert tomllib.loads(cfg.read_text(encoding="utf-8"))["feeds"][-1]["name"] == "ARS Bretagne"


def test_comments_preserved_when_other_tables_follow(tmp_path, server, capsys):
    text = ('# Vigie\n[vigie]\ndata_dir = "data"   # here\n\n[fetch]\nper_host_delay = 0\n'
            'allow_private_addresses = true    # the test server\n'
            + COMMENTED_FEEDS + '\n# Bot settings\n[telegram]\nmoderators = [1]  # Alice\n')
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    serve_pages(server, {"/communiques": LIST_PAGE})
    assert run(path, server.url("/communiques"), "--yes") == 0
    after = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        assert line in after
    assert "# Bot settings\n[telegram]\n" in after          # the comment stays with its table
    assert after.index('name = "ARS Bretagne"') < after.index("# Bot settings")
    config = load_config(path)
    assert [f.name for f in config.feeds] == ["Existing", "ARS Bretagne"] and config.telegram.moderators == (1,)


def test_feeds_check_suggests_fixes_for_common_mistakes(make_config, server, capsys):
    page_with_feed = ('<html><head><link rel="alternate" type="application/atom+xml" href="/flux/atom-actus">'
                      '</head><body><p>Accueil</p></body></html>')
    serve_pages(server, {"/accueil": page_with_feed, "/communiques": LIST_PAGE, "/prive/actus": LIST_PAGE})
    server.route("/flux/atom-actus", Reply(body=fixture_bytes("atom_charte.xml"), headers={"Content-Type": "application/atom+xml"}))
    server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /prive/\n", headers={"Content-Type": "text/plain"}))
    server.route("/ancien.xml", Reply(301, headers={"Location": server.url("/flux.xml")}))
    server.route("/flux.xml", Reply(body=fixture_bytes("rss_forum.xml"), headers=RSS))
    config = make_config(f'''
[[feeds]]
name = "Page given as feed"
url = "{server.url('/accueil')}"
[[feeds]]
name = "Page without feed"
url = "{server.url('/communiques')}"
[[feeds]]
name = "Stale selector"
url = "{server.url('/communiques')}"
kind = "html"
selectors = {{ items = ".views-row", link = "a", title = "h2" }}
[[feeds]]
name = "Private"
url = "{server.url('/prive/actus')}"
[[feeds]]
name = "Moved"
url = "{server.url('/ancien.xml')}"
''')
    assert vigie(["--config", str(config.path), "feeds", "check"]) == 1
    out = capsys.readouterr().out
    sections = {block.split("\n", 1)[0].split(" (")[0]: block for block in out.split("\n== ")[1:]}
    assert (f'suggestion: this address is a web page, not a feed; its feed (advertised by the page): '
            f'set url = "{server.url("/flux/atom-actus")}"') in sections["Page given as feed"]
    assert ('suggestion: this address is a web page without feed: use kind = "html" with selectors = '
            '{ items = "ul.communiques > li", link = "a", title = "a", date = "em" }') in sections["Page without feed"]
    assert ('suggestion: candidate: selectors = { items = "ul.communiques > li", link = "a", title = "a", '
            'date = "em" } (3 items, e.g. \'Forum des métiers du grand âge à Rennes le 3 décembre\')') \
        in sections["Stale selector"]
    assert "FAILED: blocked by robots.txt" in sections["Private"]
    assert "suggestion: the site's robots.txt asks robots not to fetch this page, and Vigie complies" \
        in sections["Private"]
    assert f'suggestion: the address moved permanently: set url = "{server.url("/flux.xml")}"' in sections["Moved"]
    assert "items found: 2" in sections["Moved"]


def test_unusual_layout_falls_back_to_tomlkit_and_keeps_the_data():
    text = ('[[feeds]]\nname = "A"\nurl = "https://a.example/"\n\n'
            '[web]\nbase_url = """\n[[feeds]]\nname = 1\n"""\n')   # a header look-alike inside a string
    result = tomllib.loads(with_entries(text, [Entry("B", "https://b.example/rss.xml", region="FR")]))
    assert result["web"] == tomllib.loads(text)["web"]
    assert result["feeds"] == [{"name": "A", "url": "https://a.example/"},
                               {"name": "B", "url": "https://b.example/rss.xml", "kind": "rss", "region": "FR"}]


def test_internal_address_needs_allow_private(make_config, server, capsys):
    config = make_config(COMMENTED_FEEDS, fetch={"allow_private_addresses": "false"})
    serve_pages(server, {"/communiques": LIST_PAGE})
    before = config.path.read_text(encoding="utf-8")
    assert run(config.path, server.url("/communiques"), "--yes") == 2
    out = capsys.readouterr().out
    assert "refused" in out and "add --allow-private" in out
    assert config.path.read_text(encoding="utf-8") == before
    assert run(config.path, server.url("/communiques"), "--yes", "--allow-private") == 0
    entry = tomllib.loads(config.path.read_text(encoding="utf-8"))["feeds"][-1]
    assert entry["name"] == "ARS Bretagne" and entry["allow_private"] is True
    assert load_config(config.path).feed("ARS Bretagne").allow_private


LINKED_CARDS_PAGE = """<html><head><title>Actus | Département de la Sarthe</title></head><body><ul class="actus">
<li class="actu"><a class="lien" href="/actus/forum-le-mans"><span class="rubrique">Emploi</span>
  <span class="titre">Forum des métiers de l'aide à domicile au Mans</span></a><time datetime="2026-11-20">20/11/2026</time></li>
<li class="actu"><a class="lien" href="/actus/ifsi-la-fleche"><span class="rubrique">Formation</span>
  <span class="titre">Trente places de plus à l'IFSI de La Flèche</span></a><time datetime="2026-11-19">19/11/2026</time></li>
</ul></body></html>"""


def test_title_inside_a_link_holding_a_rubric(cfg, server, capsys):
    serve_pages(server, {"/actus": LINKED_CARDS_PAGE})
    assert run(cfg, server.url("/actus"), "--yes") == 0
    entry = tomllib.loads(cfg.read_text(encoding="utf-8"))["feeds"][-1]
    assert entry["name"] == "Département de la Sarthe" and entry["region"] == "FR-PDL"
    assert entry["selectors"] == {"items": "li.actu", "link": "a", "title": "span.titre", "date": "time"}
    assert "2026-11-20  Forum des métiers de l'aide à domicile au Mans\n" in capsys.readouterr().out


def test_the_dated_list_wins_over_an_undated_sidebar_and_menus():
    from scrapers.selectors import propose_selectors

    sidebar = "".join(f'<li><a href="/lu/{n}">Article le plus lu numéro {n} de la semaine sur le site</a></li>'
                      for n in range(6))
    page = f"""<html><body><nav><ul>{''.join(f'<li><a href="/m{n}">Menu {n}</a></li>' for n in range(8))}</ul></nav>
    <aside><ul class="most-read">{sidebar}</ul></aside>
    <section class="latest">
      <div class="row"><a href="/a/1">Forum emploi santé à Caen</a><small>17/11/2026</small></div>
      <div class="row"><a href="/a/2">Job dating EHPAD à Lisieux</a><small>16/11/2026</small></div>
      <div class="row"><a href="/a/3">Places en IFSI à Vire</a><small>15/11/2026</small></div>
    </section></body></html>""".encode()
    proposals = propose_selectors(page, "https://site.example/actualites")
    assert proposals[0].selectors.items == "div.row" and proposals[0].selectors.date == "small"
    assert [i.url for i in proposals[0].items] == [f"https://site.example/a/{n}" for n in (1, 2, 3)]
    assert any(p.selectors.items == "ul.most-read > li" for p in proposals[1:])     # offered as another list
    menus_only = b'<html><body><nav><ul>' + b"".join(b'<li><a href="/m%d">Menu %d</a></li>' % (n, n)
                                                      for n in range(8)) + b"</ul></nav></body></html>"
    assert propose_selectors(menus_only, "https://site.example/") == []
