"""The worker's dispatch table: command type -> the service(s) that handle it, built at start.

Each command type is handled by exactly one service, except the broadcast types (`Refresh`:
"fetch everything now"), which go to every service that lists them. A required command type
that no service handles, or a non-broadcast type two services claim, is a programming error:
`build_table` raises `DispatchError` and the worker does not start.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from kafkatui.domain.commands import Command, Refresh
from kafkatui.kafka.context import Service

BROADCAST: frozenset[type[Command]] = frozenset({Refresh})

Table = dict[type[Command], tuple[Service, ...]]


class DispatchError(RuntimeError):
    """The services' HANDLES do not cover the commands exactly once."""


def build_table(services: Sequence[Service], required: Iterable[type[Command]] = (Refresh,)) -> Table:
    table: dict[type[Command], list[Service]] = {}
    for service in services:
        for kind in service.HANDLES:
            table.setdefault(kind, []).append(service)
    for kind, handlers in table.items():
        if len(handlers) > 1 and kind not in BROADCAST:
            names = " and ".join(type(s).__name__ for s in handlers)
            raise DispatchError(f"{kind.__name__} is handled twice ({names}): a command has one handler")
    missing = sorted(k.__name__ for k in required if k not in table)
    if missing:
        raise DispatchError(f"no service handles {', '.join(missing)}")
    return {kind: tuple(handlers) for kind, handlers in table.items()}


def command_types() -> frozenset[type[Command]]:
    """Every command type kafkatui defines (subclasses of Command in kafkatui's own modules),
    except `Stop`, which the worker handles itself. Import the modules that define them first."""
    from kafkatui.domain.commands import Stop

    found: set[type[Command]] = set()
    todo: list[type[Command]] = [Command]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            # a slots dataclass replaces its class: only the one its module names is real
            real = getattr(sys.modules.get(sub.__module__), sub.__qualname__, None) is sub
            if real and sub.__module__.startswith("kafkatui.") and sub is not Stop:
                found.add(sub)
    return frozenset(found)
