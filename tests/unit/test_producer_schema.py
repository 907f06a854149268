"""The Producer pane's schema choice, by keyboard: what reaches the worker."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, Select, TextArea

import canned
from kafkatui.domain.commands import Command
from kafkatui.domain.producer import Produce
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.producer import ProducerPane


class FakeWorker:
    def __init__(self, settings: Settings, emit: Callable[[object], None]) -> None:
        self.emit = emit
        self.commands: list[Command] = []

    def start(self) -> None:
        self.emit(canned.CONNECTED)
        self.emit(canned.cluster())

    def submit(self, command: Command) -> None:
        self.commands.append(command)

    def stop(self, timeout: float = 0.25) -> bool:
        return True


async def test_avro_is_chosen_by_keyboard_and_sent_with_the_topics_subject() -> None:
    fakes: list[FakeWorker] = []

    def factory(s: Settings, emit: Callable[[object], None]) -> FakeWorker:
        fakes.append(FakeWorker(s, emit))
        return fakes[-1]

    app = KafkaTuiApp(canned.settings(), worker_factory=factory, clock=canned.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_pane("producer")
        await pilot.pause()
        pane = app.query_one(ProducerPane)
        app.query_one("#p-subject", Input).focus()
        await pilot.press("shift+tab")  # the schema choice is just before the subject
        assert app.focused is app.query_one("#p-schema", Select)
        await pilot.press("enter", "down", "enter")
        assert app.query_one("#p-schema", Select).value == "avro"
        app.query_one("#p-value", TextArea).text = '{"sensor": "s1", "temperature": -18.5, "ts": 1}'
        app.query_one("#p-subject", Input).value = "@2"
        await pilot.pause()
        app.query_one("#p-value", TextArea).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        sent = [c for c in fakes[0].commands if isinstance(c, Produce)]
        assert len(sent) == 1
        request = sent[0].request
        assert (request.schema, request.subject, request.schema_version) == ("avro", f"{pane.form().topic}-value", 2)
