"""Issue 12's smaller defects: each seen on a real terminal, each checked here."""

from __future__ import annotations

from dataclasses import replace

from test_topics_pane import topics_view
from textual.widgets import Static

import canned
from kafkatui.domain.models import ConnectionState, Link
from kafkatui.domain.wording import count, plural, short_reason
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.panes.freezer import FreezerPane
from kafkatui.tui.screens.help import HelpScreen

REFUSED_1 = (
    "127.0.0.1:19092/bootstrap: Connect to ipv4#127.0.0.1:19092 failed: Connection refused (after 0ms in state CONNECT)"
)
REFUSED_2 = (
    "127.0.0.1:19094/3: Connect to ipv4#127.0.0.1:19094 failed: Connection refused "
    "(after 1ms in state CONNECT, 4 identical error(s) suppressed)"
)


def test_plurals_agree_with_the_number() -> None:
    assert count(1, "group") == "1 group" and count(3, "partition") == "3 partitions"
    assert plural(0, "sensor") == "sensors" and count(1_200, "topic") == "1,200 topics"


def test_short_reason_is_the_same_from_one_raw_line_to_the_next() -> None:
    assert short_reason(REFUSED_1) == short_reason(REFUSED_2) == "Connection refused"
    auth = "sasl: Authentication failed: Invalid username or password"
    assert short_reason(auth) == auth  # not a connect line: kept whole


async def test_stale_banner_is_steady_and_said_once_on_the_cluster_pane() -> None:
    now = [canned.NOW]
    app = KafkaTuiApp(canned.settings(), clock=lambda: now[0])
    async with app.run_test(size=(120, 30)) as pilot:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        await pilot.pause()
        banner = app.query_one("#stale-banner", Static)
        texts = []
        for raw in (REFUSED_1, REFUSED_2):
            app.apply(ConnectionState(Link.UNREACHABLE, raw, now[0]))
            await pilot.pause()
            texts.append(str(banner.render()).split(" — ", 1)[1])  # after the age
            now[0] += 2
        assert banner.display and texts[0] == texts[1]
        assert "unreachable: Connection refused; retrying" in texts[0]
        summary = str(app.query_one("#cluster-summary", Static).render())
        assert "STALE" not in summary and "Connection refused" not in summary


async def test_help_names_panes_not_widget_ids() -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        names = {name for name, _ in app.screen.sections}
        assert {"everywhere", "Freezer", "Topics", "Groups", "Producer"} <= names
        assert not any(name.endswith("-pane") for name in names)


async def test_topic_configs_say_why_they_are_unavailable_instead_of_waiting_for_ever() -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("3")
        first = replace(topics_view(), selected=None)  # before the worker knows: asking
        app.apply(first)
        await pilot.pause()
        configs = app.query_one("#configs-text", Static)
        assert "asking the broker" in str(configs.render())
        why = "not supported by this cluster: librdkafka's mock cluster names no controller"
        app.apply(replace(first, unavailable={"configs": why}))  # the demo: found out later
        await pilot.pause()
        text = str(configs.render())
        assert why in text and "asking the broker" not in text


async def test_an_exception_in_a_ui_handler_is_reported_and_the_app_keeps_running() -> None:
    app = KafkaTuiApp(canned.settings(), clock=canned.clock)

    def broken(self: FreezerPane) -> None:
        raise RuntimeError("boom in a key handler")

    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        FreezerPane.action_toggle_bell = broken  # type: ignore[method-assign]
        try:
            await pilot.press("b")
            await pilot.pause()
        finally:
            del FreezerPane.action_toggle_bell
        assert app.is_running and app.return_code is None
        assert app.errors and "RuntimeError: boom in a key handler" in app.errors[-1].message
        assert any("boom in a key handler" in n.message for n in app._notifications)
        await pilot.press("3")  # still answering keys
        await pilot.pause()
        assert app.query_one("#panes").active == "topics"  # type: ignore[attr-defined]


def test_chart_temperature_ticks_are_round_numbers() -> None:
    from kafkatui.tui.widgets.chart import round_ticks

    low, high, ticks = round_ticks(-6.3, 6.1, 4)
    assert (low, high, ticks) == (-10.0, 10.0, [-10.0, -5.0, 0.0, 5.0, 10.0])
    low, high, ticks = round_ticks(-3.2, -1.1, 8)
    assert ticks == [-3.5, -3.0, -2.5, -2.0, -1.5, -1.0] and low <= -3.2 and high >= -1.1
