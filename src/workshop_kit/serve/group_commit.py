"""Group commit: the answers (or rate-limit hits) that arrive while one
transaction is being written wait, and go together in the next one.

One writer (a single thread) saves, so the answers of a room that presses
"send" at once do not queue for the database's write lock one by one, each
with its own sync to disk. Each answer's request waits until the
transaction with its answer is committed: nothing is acknowledged before
it is on disk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

from workshop_kit.store.database import DatabaseError

T = TypeVar("T")

BATCH = 500  # answers in one transaction at most


class GroupCommit(Generic[T]):
    """Saves items (responses, hits) through `save_many` (one transaction
    for a list, each item's result in a list), several requests' at a time."""

    def __init__(self, save_many: Callable[[list[T]], list[bool]]):
        self._save_many = save_many
        self._waiting: list[tuple[T, asyncio.Future]] = []
        self._wake: asyncio.Event | None = None
        self._writer: asyncio.Task | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="group-commit")
        self._closing = False

    async def save(self, response: T) -> bool:
        """What `save_many` says of this response, once it is committed;
        its exception when the transaction failed."""
        if self._closing:
            raise DatabaseError("the server is stopping: the answer was not saved")
        loop = asyncio.get_running_loop()
        if self._writer is None or self._writer.done():
            self._wake = asyncio.Event()
            self._writer = loop.create_task(self._write())
        assert self._wake is not None  # made with the writer
        future = loop.create_future()
        self._waiting.append((response, future))
        self._wake.set()
        return await future

    async def close(self) -> None:
        """Save what is waiting, then stop the writer."""
        self._closing = True
        if self._writer is not None and not self._writer.done():
            assert self._wake is not None  # made with the writer
            self._wake.set()
            await asyncio.gather(self._writer, return_exceptions=True)
        self._thread.shutdown(wait=True)

    async def _write(self) -> None:
        loop = asyncio.get_running_loop()
        wake = self._wake
        assert wake is not None  # made with this writer, and replaced only once it is done
        while not self._closing or self._waiting:
            await wake.wait()
            wake.clear()
            while self._waiting:
                batch, self._waiting = self._waiting[:BATCH], self._waiting[BATCH:]
                try:
                    results = await loop.run_in_executor(self._thread, self._outcomes, [r for r, _ in batch])
                except BaseException as error:  # the writer itself is stopped: no answer is left waiting
                    results = [DatabaseError(f"the answer was not saved: {error!r}")] * len(batch)
                    self._settle(batch, results)
                    raise
                self._settle(batch, results)

    @staticmethod
    def _settle(batch: list[tuple[T, asyncio.Future]], results: list) -> None:
        for (_, future), result in zip(batch, results):
            if future.done():  # the request was cancelled
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)

    def _outcomes(self, batch: list[T]) -> list[bool | BaseException]:
        """Each response's result or exception. When the database cannot be
        used, every response of the batch gets that error; when anything
        else fails, each is saved alone, so that one answer the database
        refuses does not take the others with it."""
        try:
            return list(self._save_many(batch))
        except DatabaseError as error:
            return [error] * len(batch)
        except Exception as error:
            if len(batch) == 1:
                return [error]
        outcomes: list[bool | BaseException] = []
        for response in batch:
            try:
                outcomes.append(self._save_many([response])[0])
            except Exception as error:
                outcomes.append(error)
        return outcomes
