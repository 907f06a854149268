"""The one way a worker service waits on the broker: `Pending`, futures with a deadline.

A service starts an admin call (or any call answered by a `concurrent.futures.Future`), keeps
the `Pending` and looks at it on its next polls: `done()` is cheap (it walks the futures once in
total), `expired(now)` turns silence into an answer with a sentence, never a hang. Each future
that finishes calls `wake` (the worker's `ctx.wake`), so the sleeping worker polls at once
instead of looking every few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

K = TypeVar("K")


class Pending(Generic[K]):
    """Futures keyed like the admin call's answer (resource, partition, group id...)."""

    __slots__ = ("_i", "deadline", "items")

    def __init__(
        self, futures: Mapping[K, Future[Any]], deadline: float, wake: Callable[[], None] | None = None
    ) -> None:
        self.items: list[tuple[K, Future[Any]]] = list(futures.items())
        self.deadline = deadline
        self._i = 0
        if wake is not None:
            for _, future in self.items:
                future.add_done_callback(lambda _f: wake())

    def done(self) -> bool:
        """Every future has finished (cheap to call every poll)."""
        while self._i < len(self.items) and self.items[self._i][1].done():
            self._i += 1
        return self._i == len(self.items)

    def any_done(self) -> bool:
        return any(future.done() for _, future in self.items[self._i :]) or self.done()

    def expired(self, now: float) -> bool:
        """The deadline passed (whatever is not done by now counts as unanswered)."""
        return now > self.deadline

    @property
    def first(self) -> Future[Any]:
        return self.items[0][1]

    @property
    def futures(self) -> list[Future[Any]]:
        return [future for _, future in self.items]


def one(future: Future[Any], deadline: float, wake: Callable[[], None] | None = None) -> Pending[None]:
    """A Pending of a single future."""
    return Pending({None: future}, deadline, wake)
