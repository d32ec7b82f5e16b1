"""The feed parser reduces every field to plain text itself (feedparser's own sanitizer
is off): active or embedded content never reaches an article, relative links are still
resolved against the feed."""
from scrapers.feed_parser import parse_feed

HOSTILE = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Flux &lt;script&gt;alert(1)&lt;/script&gt;sant\xc3\xa9</title>
<link>https://www.exemple.fr/</link>
<item>
  <title>Forum &lt;b&gt;emploi&lt;/b&gt;&lt;script&gt;steal()&lt;/script&gt; soignants</title>
  <link>/articles/forum.html</link>
  <description><![CDATA[<p onclick="x()">Un forum pour recruter.</p><script>document.cookie</script>
    <style>p{color:red}</style><iframe src="https://evil.example/">cadre</iframe>
    <object data="x.swf">objet</object><embed src="y.swf"><svg><text>svg</text></svg>
    <a href="javascript:alert(1)">Lire la suite</a>]]></description>
</item></channel></rss>"""


def test_markup_is_reduced_to_its_visible_text_and_links_resolved():
    parsed = parse_feed(HOSTILE, "application/rss+xml", "https://www.exemple.fr/flux.xml")
    [entry] = parsed.entries
    assert parsed.title == "Flux santé"
    assert entry.title == "Forum emploi soignants"
    assert entry.summary.startswith("Un forum pour recruter.")
    assert entry.link == "https://www.exemple.fr/articles/forum.html"
    for field in (parsed.title, entry.title, entry.summary, entry.text):
        for active in ("alert", "steal", "cookie", "color:red", "cadre", "objet", "svg", "<", "javascript"):
            assert active not in field


ATOM_BASES = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Actualit\xc3\xa9s</title><link href="/"/>
<entry><title>Sans base</title><id>/actu/1</id><link href="actu/1.html"/></entry>
<entry xml:base="/region/"><title>Avec base</title><id>tag:exemple.fr,2026:2</id><link href="actu/2.html"/></entry>
<entry><title>Absolu</title><id>http://autre.example/3</id><link href="https://autre.example/3"/></entry>
<entry><title>Identifiant seul</title><id>/actu/4</id></entry>
</feed>"""


def test_relative_links_and_ids_are_resolved_against_the_feed_and_its_xml_base():
    parsed = parse_feed(ATOM_BASES, "application/atom+xml", "https://www.exemple.fr/flux/atom.xml")
    assert parsed.site_link == "https://www.exemple.fr/"
    first, based, absolute, id_only = parsed.entries
    assert (first.link, first.guid) == ("https://www.exemple.fr/flux/actu/1.html", "https://www.exemple.fr/actu/1")
    assert based.link == "https://www.exemple.fr/region/actu/2.html" and based.guid == "tag:exemple.fr,2026:2"
    assert (absolute.link, absolute.guid) == ("https://autre.example/3", "http://autre.example/3")
    assert id_only.link == "https://www.exemple.fr/actu/4"       # an Atom id is its link when it has none
