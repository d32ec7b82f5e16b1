"""`run.py stories`: the stories found among stored articles, by theme, as moderators left
them (merges, themes, regions applied; hidden stories left out unless `--hidden`)."""
from __future__ import annotations

import json
import sys

from cli.articles_cmd import _date
from cli.output import shorten
from domain.regions import region_label
from domain.themes import theme_label
from store import open_store
from pipeline.stories import moderated_stories


def register(sub, common) -> None:
    p = sub.add_parser("stories", parents=[common], help="list the stories found in stored articles",
                       description="Group relevant stored articles into stories, filed by theme.")
    p.add_argument("--since", metavar="DATE", type=_date, help="only articles first seen on or after DATE")
    p.add_argument("--format", choices=("text", "jsonl"), default="text")
    p.add_argument("--hidden", action="store_true", help="also list the stories moderators hid (flagged)")
    p.set_defaults(handler=handle)


def handle(args, config) -> int:
    with open_store(config.data_dir) as store:
        stories = [s for s in moderated_stories(store, since=args.since) if args.hidden or not s.hidden]
    if args.format == "jsonl":
        for s in stories:
            sys.stdout.write(json.dumps({"story": s.id, "theme": s.theme, "regions": s.regions,
                                         "event_date": s.event_date, "title": s.lead.title,
                                         "articles": [a.id for a in s.articles], "sources": s.sources,
                                         "hidden": s.hidden, "approved": s.approved},
                                        ensure_ascii=False) + "\n")
        return 0
    current = None
    for s in stories:
        if s.theme != current:
            current = s.theme
            print(f"\n## {theme_label(s.theme)}")
        where = ", ".join(region_label(r) for r in s.regions) or "région inconnue"
        when = f" — le {s.event_date}" if s.event_date else ""
        flag = " (hidden)" if s.hidden else ""
        print(f"- {shorten(s.lead.title, 100)}{flag}\n  [{where}{when}] {len(s.articles)} article{'s' if len(s.articles) > 1 else ''} : "
              + ", ".join(s.sources))
    print(f"\n{len(stories)} {'story' if len(stories) == 1 else 'stories'}.")
    return 0
