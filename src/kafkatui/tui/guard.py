"""Unexpected errors in UI event handlers: reported, not fatal.

Textual ends the app on any exception a handler raises (and stops the message loop of the widget
that raised it). A monitor should not vanish because one view hit a bug: like the worker, the
handlers of the app, its panes and every screen (modal or not) report the error (logged redacted,
listed in the app's errors, shown as a notification) and the app keeps running. Composing and
mounting are not guarded: a widget that cannot be built is a bug to stop on.

Why one private method is overridden. Textual 8 has no public hook for an exception raised by a
handler: every path hands it to `App._handle_exception`, which always exits (and the message loop
that raised it stops, so overriding that would leave a dead widget). The public overridables each
cover a part only: `on_event` sees events (keys, clicks, timers) but not messages (`WorkerEvent`,
`Input.Changed`, a table's `Highlighted`); `App.run_action` sees actions only; wrapping each
handler by hand (`@on` ones included) would leave any new handler unguarded. So the narrowest use
is this one override of `MessagePump._dispatch_message`, the method that runs one message's
handlers (events, messages and the callbacks queued while handling it). If a Textual upgrade
renames it, `tests/unit/test_small_defects.py` and `tests/unit/test_guard.py` fail.
"""

from __future__ import annotations

from asyncio import CancelledError
from typing import Protocol

from textual import events
from textual.message import Message
from textual.message_pump import MessagePump

UNGUARDED = (events.Compose, events.Mount, events.Unmount)


class ErrorReporter(Protocol):
    def report_ui_error(self, error: Exception, where: str) -> None: ...


class GuardedHandlers(MessagePump):
    """Mix into a Widget, Screen or App (before the Textual class) to guard its handlers."""

    async def _dispatch_message(self, message: Message) -> None:
        if isinstance(message, UNGUARDED):
            await super()._dispatch_message(message)
            return
        try:
            await super()._dispatch_message(message)
        except CancelledError:
            raise
        except Exception as error:
            report = getattr(self.app, "report_ui_error", None)
            if report is None:
                raise
            report(error, f"{type(self).__name__}.{message.handler_name}")
