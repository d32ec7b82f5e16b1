"""One fetch cycle labels source after source with one story index (pipeline.label)."""
from domain.article import Article
from pipeline.label import CycleLabeller
from store import open_store

TEXT = ("Le centre hospitalier de Lisieux organise un job dating le jeudi 12 mars 2026 pour recruter "
        "des aides-soignants et des infirmiers. Une vingtaine de postes en CDI sont à pourvoir dans "
        "les services de gériatrie et de médecine. Les candidats sont invités à venir avec leur CV.")


def _article(n: int, source: str) -> Article:
    return Article(id=f"a{n}", url=f"https://{source}/job-dating-lisieux-{n}", feed=source,
                   title="Job dating au centre hospitalier de Lisieux le 12 mars", summary="", text=TEXT,
                   published="2026-03-02T08:00:00+00:00", fetched_at="2026-03-02T09:00:00+00:00",
                   source=source)


def test_later_sources_join_stories_of_earlier_ones_before_they_are_stored(tmp_path):
    store = open_store(tmp_path)
    label = CycleLabeller()
    first, second = _article(1, "journal-a.example"), _article(2, "journal-b.example")
    label([first], store)
    assert first.relevant and first.story
    assert store.articles.get(first.id) is None        # not stored: only the cycle's index knows it
    label([second], store)
    assert second.story == first.story


def test_a_new_cycle_starts_from_the_store(tmp_path):
    store = open_store(tmp_path)
    first = _article(1, "journal-a.example")
    CycleLabeller()([first], store)
    with store.writing():
        store.articles.add([first])
    second = _article(2, "journal-b.example")
    CycleLabeller()([second], store)
    assert second.story == first.story
