"""Unexpected errors in UI event handlers: reported, not fatal.

Textual ends the app on any exception a handler raises (and stops the message loop of the widget
that raised it). A monitor should not vanish because one view hit a bug: like the worker, the
handlers of the app, its panes and screens report the error (logged redacted, listed in the app's
errors, shown as a notification) and the app keeps running. Composing and mounting are not
guarded: a widget that cannot be built is a bug to stop on.
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
