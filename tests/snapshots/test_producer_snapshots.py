"""Snapshots of the Producer pane: the form, and a report table with canned delivery reports."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, TextArea

import canned
from kafkatui.domain.producer import (
    BurstProgress,
    DeliveryReport,
    ProducerConfig,
    ProducerView,
    TopicFacts,
)
from kafkatui.tui.app import KafkaTuiApp

SIZE = (120, 40)
TOPIC = "freezer-temperatura"


def make_app(**extra: object) -> KafkaTuiApp:
    return KafkaTuiApp(canned.settings(**extra), clock=canned.clock)


def canned_view() -> ProducerView:
    """A 20,000-message burst that lost two to a timeout, then one acks=0 send."""
    reports = []
    for seq in range(1, 12):
        failed = seq in (6, 7)
        reports.append(
            DeliveryReport(
                seq=19_990 + seq,
                ts=canned.NOW - 30 + seq,
                topic=TOPIC,
                partition=None if failed else seq % 3,
                offset=None if failed else 6_600 + seq,
                key=f"sensor{seq % 3}",
                latency_ms=300_000.0 if failed else 2.0 + seq / 10,
                error="_MSG_TIMED_OUT" if failed else None,
                error_text="Local: Message timed out" if failed else "",
                acks="0",
            )
        )
    reports.append(DeliveryReport(20_002, canned.NOW - 1, TOPIC, 1, None, "sensor1", 0.6, acks="0"))
    newest_first = tuple(reversed(reports))
    return ProducerView(
        ts=canned.NOW,
        config=ProducerConfig("0", False, "lz4", 0),
        state="idle",
        queued=20_002,
        delivered=20_000,
        failed=2,
        in_flight=0,
        reports=newest_first,
        last_failure=reports[6],
        errors=(("_MSG_TIMED_OUT", 2),),
        burst=BurstProgress(20_000, 20_000, 19_998, 2, 8.0, done=True, rate_target=2500.0),
        facts=(
            TopicFacts(TOPIC, 3, True, 1_000_000, "librdkafka message.max.bytes; topic max.message.bytes is 1,048,588"),
        ),
    )


def test_producer_form(snap_compare: Any) -> None:
    app = make_app()

    async def fill(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        app.action_pane("producer")
        await pilot.pause()
        app.query_one("#p-key", Input).value = "sensor1"
        app.query_one("#p-headers", Input).value = "source=kafkatui; unit=celsius"
        app.query_one("#p-value", TextArea).text = "-3.21"
        app.query_one("#p-count", Input).value = "1000"
        app.query_one("#p-rate", Input).value = "500"
        app.apply(
            ProducerView(
                canned.NOW, ProducerConfig(), facts=(TopicFacts(TOPIC, 3, True, 1_048_588, "topic max.message.bytes"),)
            )
        )
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=fill)


def test_producer_report_table(snap_compare: Any) -> None:
    app = make_app(overrides={"acks": "0", "compression.type": "lz4", "linger.ms": "0"})

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        app.action_pane("producer")
        await pilot.pause()
        app.query_one("#p-key", Input).value = "sensor{i%3}"
        app.query_one("#p-value", TextArea).text = "{i}"
        app.query_one("#p-count", Input).value = "20000"
        app.query_one("#p-rate", Input).value = "2500"
        app.apply(canned_view())
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=feed)


def test_producer_report_table_80x24(snap_compare: Any) -> None:
    app = make_app(overrides={"acks": "0", "compression.type": "lz4", "linger.ms": "0"})

    async def feed(pilot: Any) -> None:
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        app.action_pane("producer")
        await pilot.pause()
        app.query_one("#p-value", TextArea).text = "-3.21"
        app.apply(canned_view())
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=feed)


def test_producer_read_only(snap_compare: Any) -> None:
    app = make_app(read_only=True)

    async def feed(pilot: Any) -> None:
        app.apply(canned.cluster())
        app.action_pane("producer")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 30), run_before=feed)
