"""Hostile text through every view: no control character reaches the screen, no markup is read.

Hypothesis builds strings of escape sequences (``\\x1b]0;…\\x07``, ``\\x1b[2J``), C0/C1 controls,
bidi overrides, Rich markup (``[bold red]``, ``[/]``) and long runs, and puts one in every field
that comes from a record or a broker: keys, values, headers, topic and group names, consumer and
client ids, hosts, racks, config values, error strings, notices. The app (pilot, canned events,
no broker) is driven through every pane and modal; each frame the compositor draws is checked.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import canned
from kafkatui.domain.alerts import AlertBatch, AlertEvent, AlertKind, Thresholds
from kafkatui.domain.commands import Command
from kafkatui.domain.freezer import FreezerBoard, FreezerView
from kafkatui.domain.groups import (
    GroupFacts,
    GroupsView,
    GroupTracker,
    Member,
    ResetLine,
    ResetPreview,
    ResetSpec,
    parse_reset,
)
from kafkatui.domain.message_viewer import MessagesView, Record, StartAt
from kafkatui.domain.models import BrokerInfo, ConnectionState, Link, PartitionInfo, TopicInfo, WorkerError
from kafkatui.domain.producer import DeliveryReport, ProducerConfig, ProducerNotice, ProducerView
from kafkatui.domain.readings import parse
from kafkatui.domain.text import SENSOR_LIMIT
from kafkatui.domain.topic_actions import ActionResult
from kafkatui.domain.topic_configs import ConfigEntry, TopicConfigs
from kafkatui.domain.topic_list import RowCache, Watermark
from kafkatui.domain.topics_view import TopicsView
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.screens.group_reset import GroupResetScreen
from kafkatui.tui.screens.topic_messages import RecordScreen, TopicMessagesScreen
from kafkatui.tui.widgets.virtual_table import VirtualTable

BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def forbidden(c: str) -> bool:
    """C0 (newline included: a screen line holds none), DEL, C1, and the bidi controls."""
    code = ord(c)
    return code < 0x20 or 0x7F <= code <= 0x9F or c in BIDI


CONTROLS = [
    "\x1b]0;PWNED-TITLE\x07",
    "\x1b[2J\x1b[H",
    "\x1b[31m",
    "\x1bP+q\x1b\\",
    "\x07",
    "\x00",
    "\r",
    "\n",
    "\t",
    "\x7f",
    "\x85",
    "\x9b31m",
    "\u202e",
    "\u2066",
    "\u200f",
]
MARKUP = ["[bold red]", "[/]", "[/bold]", "[link=http://127.0.0.1/]", "[@click=app.quit]", "\\[", "[", "]"]

hostile = st.builds(
    lambda parts, pad: "".join(parts) + "x" * pad,
    st.lists(
        st.one_of(st.sampled_from(CONTROLS), st.sampled_from(MARKUP), st.text(max_size=6)),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([0, 0, 0, 70, 5000]),
)


class FakeWorker:
    def __init__(self, settings: Settings, emit: Callable[[object], None]) -> None:
        self.commands: list[Command] = []

    def start(self) -> None:
        pass

    def submit(self, command: Command) -> None:
        self.commands.append(command)

    def stop(self, timeout: float = 0.25) -> bool:
        return True


# -- canned events carrying `h` in every external field --------------------------------------


def cluster(h: str):  # type: ignore[no-untyped-def]
    snap = canned.cluster()
    brokers = (BrokerInfo(1, h, 19092, h, True, True), *snap.brokers[1:])
    topic = TopicInfo(h, (PartitionInfo(0, 1, (1, 2), (1, 2)), PartitionInfo(1, 2, (2, 3), (2,))))
    return replace(snap, brokers=brokers, cluster_id=h, topics=(*snap.topics, topic))


def freezer(h: str) -> FreezerView:
    board = FreezerBoard(h, Thresholds(-5.0, 5.0), stale_after=30.0)
    board.source = f"reading {h}"
    key = h.encode("utf-8")
    for step in range(6):
        ts = canned.NOW - 10 + step
        board.add(parse(key, b"9.5", ts, 0, step), ts)
        board.add(parse(b"sensor1", b"-3.0", ts, 1, step), ts)
        reading = json.dumps({"sensor": "J" + h, "temperature": 9}).encode()  # the sensor from JSON
        board.add(parse(b"sensor2", reading, ts, 2, step), ts)
    board.add(parse(key, h.encode("utf-8"), canned.NOW - 2, 0, 99), canned.NOW - 2)  # rejected
    board.add(parse(key + b"\xff", b"\xff\x1b[2J", canned.NOW - 1, 0, 100), canned.NOW - 1)
    board.tick(canned.NOW)
    return board.view(canned.NOW)


def topics(h: str) -> TopicsView:
    snap = cluster(h)
    marks = {h: {0: Watermark(0, 10), 1: Watermark(2, 5)}}
    configs = TopicConfigs(h, (ConfigEntry(h, h, h, False), ConfigEntry("cleanup.policy", h, "Kafka default", True)))
    return TopicsView(
        ts=canned.NOW,
        metadata_ts=canned.NOW - 2,
        rows=RowCache().rows(snap.topics, marks, {h: {"cleanup.policy": h, "retention.ms": "1000"}}),
        topics={t.name: t for t in snap.topics},
        marks=marks,
        marks_ts=canned.NOW - 1,
        brokers_up=3,
        selected=configs,
        notes=(h,),
    )


def messages(h: str) -> MessagesView:
    raw = h.encode("utf-8")
    records = (
        Record(0, 1, 1_763_712_000_000, raw, raw, ((h, raw), ("origin", b"\x1b]0;x\x07")), len(raw)),
        Record(1, 2, -1, None, json.dumps({"k": h}, ensure_ascii=False).encode(), (), 9),
    )
    return MessagesView(canned.NOW, h, None, StartAt(), records, 2, 2, 1.0, h, h, error=True)


def groups(h: str) -> GroupsView:
    member = Member(h, h, h, ((h, 0),))
    facts = [
        GroupFacts(h, h, h, (member,), committed={(h, 0): 3}, describe_error=None),
        GroupFacts(h + "-idle", "Empty", "classic", (), committed={(h, 1): 1}, offsets_error=h),
    ]
    view = GroupTracker().update(canned.NOW, facts, {(h, 0): 9, (h, 1): 4})
    return replace(view, notes=(h,))


def producer(h: str) -> ProducerView:
    report = DeliveryReport(3, canned.NOW, h, 0, None, h, 2.0, h, h)
    return ProducerView(
        canned.NOW, ProducerConfig(), state=h, reports=(report,), last_failure=report, errors=((h, 2),), notes=(h,)
    )


# -- the screen ---------------------------------------------------------------------------------


def screen_lines(app: KafkaTuiApp) -> list[str]:
    lines: list[str] = []
    for screen in app.screen_stack:
        for strip in screen._compositor.render_strips():
            lines.append("".join(segment.text for segment in strip))
    return lines


def check(app: KafkaTuiApp, where: str) -> None:
    assert app.is_running and app._exception is None, f"{where}: the app stopped ({app._exception!r})"
    for line in screen_lines(app):
        bad = [c for c in line if forbidden(c)]
        assert not bad, f"{where}: {bad!r} on screen in {line!r}"


async def drive(h: str) -> None:
    fakes: list[FakeWorker] = []

    def factory(s: Settings, emit: Callable[[object], None]) -> FakeWorker:
        fakes.append(FakeWorker(s, emit))
        return fakes[-1]

    app = KafkaTuiApp(canned.settings(), worker_factory=factory, clock=canned.clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.apply(canned.CONNECTED)
        app.apply(cluster(h))
        await pilot.pause()
        check(app, "cluster")

        await pilot.press("2")
        app.apply(freezer(h))
        app.apply(AlertBatch((AlertEvent(AlertKind.TOO_WARM, h, True, 9.5, 5.0, canned.NOW, 0, 5),)))
        await pilot.pause()
        check(app, "freezer")
        sensors = app.query_one("#sensors", VirtualTable)
        assert sensors.widths[0] <= SENSOR_LIMIT  # the SENSOR column
        await pilot.press("x")
        await pilot.pause()
        check(app, "freezer rejects")

        await pilot.press("3")
        app.apply(topics(h))
        app.apply(ActionResult(canned.NOW, "create", h, False, h))
        await pilot.pause()
        check(app, "topics")
        for key in ("d", "k"):  # delete confirm, key -> partition: the topic's name in a modal
            await pilot.press(key)
            await pilot.pause()
            check(app, f"topics {key}")
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, TopicMessagesScreen)
        app.screen.topic = h  # the view belongs to the viewer of topic h
        app.apply(messages(h))
        await pilot.pause()
        check(app, "message viewer")
        await pilot.press("home", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        check(app, "record")
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("4")
        app.apply(groups(h))
        await pilot.pause()
        check(app, "groups")
        app.push_screen(GroupResetScreen(h, canned.clock))
        await pilot.pause()
        app.screen.show(ResetPreview(h, _spec(), (ResetLine(h, 0, 3, 1, h),), None))  # type: ignore[attr-defined]
        await pilot.pause()
        check(app, "reset preview")
        app.screen.show(ResetPreview(h, _spec(), (), h))  # type: ignore[attr-defined]
        await pilot.pause()
        check(app, "reset refused")
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("5")
        app.apply(producer(h))
        app.apply(ProducerNotice(canned.NOW, h, error=True))
        await pilot.pause()
        check(app, "producer")

        app.apply(WorkerError(canned.NOW, h, h))
        app.apply(ConnectionState(Link.UNREACHABLE, h, canned.NOW))
        await pilot.pause()
        check(app, "unreachable: header, STALE banner, toasts")
        await pilot.press("1")
        await pilot.pause()
        check(app, "cluster while unreachable")
        await pilot.press("q")


def _spec() -> ResetSpec:
    return parse_reset("earliest", "", canned.NOW)


SEEN = [
    "sensorT\x1b]0;PWNED-TITLE\x07",
    "sensorU\x1b[2J\x1b[H",
    "\x1b[31mred",
    "[bold red]x",
    "[/]",
    "k" * 5000,
]


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(h=hostile)
@example(h=SEEN[0])
@example(h=SEEN[1])
@example(h="[/]\x1b[31m[bold red]x\u202e" + "k" * 5000)
def test_hostile_text_never_reaches_the_screen(h: str) -> None:
    asyncio.run(drive(h))
