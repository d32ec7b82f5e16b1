"""Group commit: requests that arrive while a store write is under way are applied
together in the next one (one locked write, one fsync, for many one-click unsubscribes)."""
from __future__ import annotations

import asyncio
from typing import Any, Callable


class Batcher:
    """`await submit(item)` returns `apply(items)[i]` for its item; `apply` is blocking and
    runs in a worker thread, one batch at a time."""

    def __init__(self, apply: Callable[[list], list], max_batch: int = 256):
        self.apply = apply
        self.max_batch = max_batch
        self.pending: list[tuple[Any, asyncio.Future]] = []
        self.worker: asyncio.Task | None = None

    async def submit(self, item: Any) -> Any:
        future = asyncio.get_running_loop().create_future()
        self.pending.append((item, future))
        if self.worker is None or self.worker.done():
            self.worker = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self.pending:
            batch, self.pending = self.pending[:self.max_batch], self.pending[self.max_batch:]
            try:
                results = await asyncio.to_thread(self.apply, [item for item, _ in batch])
            except Exception as exc:          # every waiting request gets the error
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results):
                if not future.done():
                    future.set_result(result)
