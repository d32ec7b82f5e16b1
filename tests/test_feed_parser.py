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
