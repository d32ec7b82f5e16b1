"""Stories: one story per initiative (a job forum, a charter signing, a campaign launch,
a study's publication), however many outlets report it.

`StoryIndex` holds the recent articles with their stories; `assign()` files new
articles under an existing story or opens new ones (id "s-<first article id>").
`cluster()` places a batch into an empty index.  `StoryIndex.best_match(item)` tells
which story an article would join and why (`Match.explain()`).  Features are in
`features`, the scoring rules and their named weights in `scoring`, the blocking index
and the time window in `index`.
"""
from .index import StoryIndex, StoryInput, cluster

__all__ = ["StoryIndex", "StoryInput", "cluster"]
