"""Writer process for the kill -9 test: stores batches forever, printing each committed batch."""
import datetime as dt
import random
import sys

from domain.article import Article
from scrapers.urls import article_id
from store import open_store


def main(data_dir: str, seed: int) -> None:
    rng = random.Random(seed)
    store = open_store(data_dir)
    n = 0
    while True:
        batch = []
        for _ in range(rng.randint(20, 80)):
            n += 1
            day = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc) + dt.timedelta(days=rng.randint(0, 300))
            url = f"https://example.org/{seed}/{n}"
            batch.append(Article(id=article_id(url), url=url, feed="f", title=f"Article {n} é",
                                 text="mot " * rng.randint(10, 3000), fetched_at=day.isoformat()))
        with store.writing():
            store.articles.add(batch)
            known = [a.id for a in batch[: rng.randint(0, 10)]]
            store.articles.update({i: {"summary": "x" * rng.randint(0, 500)} for i in known})
        print(" ".join(a.id for a in batch), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
