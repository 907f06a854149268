"""The range export's pure rules (domain/range_export.py): the dialog's FROM, TO and partitions,
which offsets of each partition go in, and when a partition is done."""

from __future__ import annotations

from typing import Any

import pytest

from kafkatui.domain.message_viewer import StartAt, StartMode
from kafkatui.domain.range_export import (
    Ends,
    RangeExportProgress,
    RangeSpec,
    RangeState,
    RangeTracker,
    expected,
    parse_partitions,
    parse_range,
    resolve,
)

NOW = 1_764_000_000.0  # 2025-11-24T16:00:00Z
B, E, OFF, T = StartMode.BEGINNING, StartMode.END, StartMode.OFFSET, StartMode.TIMESTAMP


def test_the_default_is_everything_up_to_the_end_now() -> None:
    spec = parse_range(B, "", E, "", "all", [0, 1, 2], NOW)
    assert spec == RangeSpec(StartAt(B), StartAt(E), None)
    assert spec.describe() == "all partitions, from the earliest to the end"


def test_offsets_and_times_are_read_as_the_viewer_reads_its_start() -> None:
    spec = parse_range(OFF, " 100 ", T, "10m", "1", [0, 1, 2], NOW)
    assert spec.start == StartAt(OFF, 100)
    assert spec.end == StartAt(T, int((NOW - 600) * 1000))
    assert spec.partitions == (1,)
    iso = parse_range(T, "2025-11-24T15:00:00", T, "2025-11-24T17:00:00+01:00", "", [0], NOW)
    assert (iso.start.value, iso.end.value) == (1_763_996_400_000, 1_764_000_000_000)  # UTC unless it says
    assert parse_range(T, "1763996400000", E, "", "", [0], NOW).start == StartAt(T, 1_763_996_400_000)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ((OFF, "abc", E, "", "all"), "From: 'abc' is not an offset (a whole number ≥ 0)"),
        ((B, "", OFF, "-5", "all"), "To: '-5' is not an offset (a whole number ≥ 0)"),
        (
            (T, "yesterday", E, "", "all"),
            "From: 'yesterday' is not a time: use 2026-11-21T08:00:00 (UTC), epoch ms, or 10m (ago)",
        ),
        ((B, "", T, "", "all"), "To: give a time: 2026-11-21T08:00:00, epoch ms, or 10m (ago)"),
        (
            (OFF, "500", OFF, "200", "all"),
            "From offset 500 is not before To offset 200: nothing in between (To is the first offset left out)",
        ),
        (
            (OFF, "7", OFF, "7", "all"),
            "From offset 7 is not before To offset 7: nothing in between (To is the first offset left out)",
        ),
        (
            (T, "5m", T, "10m", "all"),
            "From 2025-11-24T15:55:00.000Z is not before To 2025-11-24T15:50:00.000Z: nothing in between",
        ),
        ((B, "", E, "", "7"), "Partitions: the topic has no partition 7 (it has 0–2)"),
        ((B, "", E, "", "0,x"), "Partitions: 'x' is not a partition number (use all, 0 or 0,2)"),
        ((B, "", E, "", "-1"), "Partitions: '-1' is not a partition number (use all, 0 or 0,2)"),
    ],
)
def test_bad_fields_are_one_sentence(fields: tuple[StartMode, str, StartMode, str, str], message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_range(*fields, [0, 1, 2], NOW)
    assert str(info.value) == message


def test_partitions() -> None:
    assert parse_partitions("ALL", [0, 1]) is None
    assert parse_partitions("2, 0,2", [0, 1, 2]) == (0, 2)
    with pytest.raises(ValueError, match=r"no partition 1 \(it has 0,5\)"):
        parse_partitions("1", [0, 5])


def test_the_range_of_each_partition_is_half_open_and_inside_what_exists() -> None:
    ends = {0: Ends(0, 1000), 1: Ends(200, 300), 2: Ends(0, 0)}
    assert resolve(RangeSpec(), ends) == {0: (0, 1000), 1: (200, 300), 2: (0, 0)}
    by_offset = resolve(RangeSpec(StartAt(OFF, 100), StartAt(OFF, 250)), ends)
    # partition 1 starts at its earliest (100 was deleted), partition 2 is empty
    assert by_offset == {0: (100, 250), 1: (200, 250), 2: (0, 0)}
    assert expected(by_offset) == 200
    past = resolve(RangeSpec(StartAt(OFF, 5000), StartAt(E)), ends)
    assert past == {0: (1000, 1000), 1: (300, 300), 2: (0, 0)}
    assert expected(past) == 0


def test_times_use_the_offsets_the_cluster_found_and_none_means_the_end() -> None:
    spec = RangeSpec(StartAt(T, 1), StartAt(T, 2))
    ends = {0: Ends(0, 1000, at_from=400, at_to=600), 1: Ends(0, 50, at_from=-1, at_to=-1), 2: Ends(0, 9, 3, -1)}
    assert resolve(spec, ends) == {0: (400, 600), 1: (50, 50), 2: (3, 9)}
    mixed = RangeSpec(StartAt(OFF, 500), StartAt(T, 2))  # a FROM after the TO's offset: nothing, not an error
    assert resolve(mixed, {0: Ends(0, 1000, at_to=300)}) == {0: (500, 500)}


def test_a_partition_is_done_at_its_last_offset_or_at_its_end() -> None:
    tracker = RangeTracker({0: (10, 13), 1: (0, 5), 2: (4, 4)})
    assert 2 not in tracker.open  # empty: never read
    assert [tracker.wanted(0, o) for o in (10, 11)] == [True, True]
    assert not tracker.finished
    assert tracker.wanted(0, 12) and 0 not in tracker.open
    assert not tracker.wanted(0, 13)  # fetched past the stop: left out
    assert tracker.wanted(1, 3)
    tracker.reached_end(1, 4)  # an end before the stop: not done (the records come)
    assert not tracker.finished
    tracker.reached_end(1, 5)  # offset 4 was a transaction marker: the end is the stop
    assert tracker.finished
    assert not tracker.wanted(9, 0)  # a partition not asked for


def test_a_range_export_is_a_read_so_read_only_mode_allows_it() -> None:
    from kafkatui.domain.range_export import CancelRangeExport, ExportRange

    assert not ExportRange.WRITES and not CancelRangeExport.WRITES


def test_progress_says_how_many_of_about_how_many() -> None:
    event = RangeExportProgress(NOW, 1, "/d/x.csv", "/d/x.csv.partial", RangeState.READING, 1500, 12000)
    assert event.progress_text() == "1,500 of ~12,000 records"
    assert not event.state.finished and RangeState.CANCELLED.finished
    assert RangeExportProgress(NOW, 1, "p", "q", RangeState.RESOLVING).progress_text() == "0 records"


# -- the worker's service, before any Kafka call: what it refuses with a sentence ----------------


def _service_ctx(events: list[object]) -> object:
    from types import SimpleNamespace

    import canned

    def no_admin(*args: object, **kwargs: object) -> object:
        raise AssertionError("no ListOffsets for a range that cannot start")

    return SimpleNamespace(
        settings=canned.settings(),
        snapshot=canned.cluster(),
        emit=events.append,
        clock=canned.clock,
        wake=lambda: None,
        decoder=None,
        admin=SimpleNamespace(list_offsets=no_admin),
        report=lambda where, exc: events.append(exc),
    )


@pytest.mark.parametrize(
    ("topic", "partitions", "message"),
    [
        ("gone", None, "topic 'gone' is not in the cluster's metadata"),
        ("freezer-temperatura", (7,), "topic 'freezer-temperatura' has no partition 7"),
    ],
)
def test_the_service_refuses_a_topic_or_partition_the_cluster_lacks(
    tmp_path: object, topic: str, partitions: tuple[int, ...] | None, message: str
) -> None:
    from kafkatui.domain.export import Format
    from kafkatui.domain.range_export import ExportRange
    from kafkatui.kafka.range_export import RangeExportService

    events: list[object] = []
    ctx: Any = _service_ctx(events)
    service = RangeExportService(ctx)
    service.handle(ctx, ExportRange(1, topic, RangeSpec(partitions=partitions), f"{tmp_path}/x.csv", Format.CSV))
    service.poll(ctx, NOW)
    [event] = events
    assert isinstance(event, RangeExportProgress)
    assert event.state is RangeState.FAILED and event.message == message
    assert service.job is None and not service.busy


def test_schema_registry_records_are_exported_decoded_as_the_viewer_decodes_them(tmp_path: Any) -> None:
    """librdkafka's mock cluster and the demo's in-process registry: the demo writes Avro records
    (keys avro-…) beside JSON ones; the range export decodes them with the viewer's `decoded`."""
    import csv
    import time

    from kafkatui.domain.export import Format
    from kafkatui.domain.range_export import ExportRange
    from kafkatui.kafka.demo import REGISTRY_URL, DemoCluster
    from kafkatui.kafka.services import DashboardOptions, dashboard_commands, dashboard_services
    from kafkatui.kafka.worker import Worker
    from kafkatui.settings import Settings
    from worker_probe import EventSink

    demo = DemoCluster(rate=50.0).start()
    try:
        time.sleep(1.5)  # a few dozen records of each kind
        plain = Settings(_env_file=None, bootstrap_servers=demo.bootstrap, demo=True)  # type: ignore[call-arg]
        settings = plain.model_copy(update={"schema_registry_url": REGISTRY_URL})  # as the demo does
        sink = EventSink()
        worker = Worker(
            settings, sink, extra_services=dashboard_services(DashboardOptions()), commands=dashboard_commands()
        )
        worker.start()
        try:
            out = tmp_path / "avro.csv"
            worker.submit(ExportRange(1, demo.topic, RangeSpec(), str(out), Format.CSV))
            done = sink.wait_for(RangeExportProgress, lambda e: e.state.finished, timeout=30)
        finally:
            worker.stop(1.0)
    finally:
        demo.stop()
    assert done.state is RangeState.DONE, done
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    assert len(rows) == done.written > 0
    avro = [r for r in rows if r["key"].startswith("avro-")]
    assert avro and all(r["schema"].startswith("value: Avro, schema id") for r in avro)
    assert all(r["value"].startswith("{") and '"sensor"' in r["value"] for r in avro)
    assert all(r["schema"] == "" for r in rows if not r["key"].startswith("avro-"))
