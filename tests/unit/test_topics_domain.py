"""The Topics pane's rules without a broker: names, rows, flags, sentences, viewer buffer."""

from __future__ import annotations

import json

import pytest

import canned
from kafkatui.domain.key_partition import predict_key
from kafkatui.domain.message_viewer import MessageBuffer, Record, StartAt, StartMode, parse_start, pretty, record_cells
from kafkatui.domain.models import PartitionInfo, TopicInfo
from kafkatui.domain.partitioner import predict
from kafkatui.domain.partitions import Flag, partition_rows
from kafkatui.domain.topic_actions import explain_failure
from kafkatui.domain.topic_list import RowCache, TopicList, TopicRow, Watermark, human_ms, sort_rows
from kafkatui.domain.topic_names import check_topic_name


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "empty"),
        (".", "not allowed"),
        ("..", "not allowed"),
        ("a" * 250, "at most 249"),
        ("bad name!", "not allowed"),
        ("tëst", "not allowed"),
    ],
)
def test_bad_topic_names_are_refused_with_a_reason(name: str, error: str) -> None:
    check = check_topic_name(name)
    assert not check.ok and error in (check.error or "")


def test_good_names_and_the_dot_underscore_warning() -> None:
    assert check_topic_name("a" * 249).ok
    assert check_topic_name("orders-v1.eu_west").warnings  # mixes . and _
    assert not check_topic_name("orders.eu").warnings
    assert "already exists" in (check_topic_name("x", ["x"]).error or "")
    collide = check_topic_name("orders.eu", ["orders_eu"])
    assert not collide.ok and "orders_eu" in (collide.error or "")


def _shown(rows: tuple[TopicRow, ...], text: str, internal: bool, col: str = "name", down: bool = False) -> list[str]:
    """The names the Topics pane lists: its TopicList, prepared once per rows tuple."""
    model = TopicList()
    model.prepare(rows)
    return [r.name for r, _ in model.visible(text, internal, col, down)]


def test_rows_count_messages_and_flags_from_snapshot_and_watermarks() -> None:
    snap = canned.cluster(broker_down=2)
    marks = {"freezer-temperatura": {0: Watermark(5, 15), 1: Watermark(0, 7), 2: Watermark(0, 0)}}
    built = RowCache().rows(snap.topics, marks, {"freezer-temperatura": {"retention.ms": "604800000"}})
    rows = {r.name: r for r in built}
    freezer = rows["freezer-temperatura"]
    assert (freezer.partitions, freezer.replication_factor, freezer.messages) == (3, 3, 17)
    assert freezer.under_replicated == 1 and freezer.retention_ms == 604800000
    assert rows["__consumer_offsets"].internal and rows["__consumer_offsets"].messages is None
    assert _shown(built, "", False) == ["freezer-temperatura"]
    assert _shown(built, "", True) == ["__consumer_offsets", "freezer-temperatura"]
    assert _shown(built, "FREEZER temp", True) == ["freezer-temperatura"]
    assert _shown(built, "freezer offsets", True) == []  # every word must be in the name
    assert _shown(built, "offsets", False) == []  # internal topics only when asked for


def test_sort_by_any_column_unknown_last() -> None:
    snap = canned.cluster()
    built = RowCache().rows(snap.topics, {"freezer-temperatura": {p: Watermark(0, 1) for p in range(3)}}, {})
    rows = list(built)
    assert _shown(built, "", True, "partitions", True)[0] == "__consumer_offsets"
    assert _shown(built, "", True, "name", True) == ["freezer-temperatura", "__consumer_offsets"]
    assert _shown(built, "", True, "messages", True)[-1] == "__consumer_offsets"  # unknown count last
    assert sort_rows(rows, "partitions", descending=True)[0].name == "__consumer_offsets"
    by_messages = sort_rows(rows, "messages", descending=True)
    assert by_messages[-1].messages is None  # unknown counts stay last either way
    assert sort_rows(rows, "messages")[-1].messages is None
    with pytest.raises(ValueError):
        sort_rows(rows, "nope")


def test_partition_flags() -> None:
    topic = TopicInfo(
        "t",
        (
            PartitionInfo(0, 1, (1, 2, 3), (1, 2, 3)),
            PartitionInfo(1, 3, (2, 3, 1), (3, 1)),  # leader moved, replica 2 out of ISR
            PartitionInfo(2, -1, (2,), ()),  # offline
        ),
    )
    rows = partition_rows(topic, {0: Watermark(0, 10)})
    assert rows[0].flags == frozenset() and rows[0].messages == 10
    assert rows[1].flags == {Flag.UNDER_REPLICATED, Flag.NOT_PREFERRED} and rows[1].offline_replicas == (2,)
    assert Flag.OFFLINE in rows[2].flags and Flag.NOT_PREFERRED not in rows[2].flags
    assert rows[2].mark is None


def test_refusals_read_as_sentences() -> None:
    rf = explain_failure(
        "create", "t", "INVALID_REPLICATION_FACTOR", "Unable to replicate…", brokers=1, replication_factor=3
    )
    assert rf == "Cannot create topic 't': replication factor 3 needs 3 brokers, but only 1 is available."
    assert "already exists" in explain_failure("create", "t", "TOPIC_ALREADY_EXISTS", "x")
    assert "not authorized" in explain_failure("delete", "t", "TOPIC_AUTHORIZATION_FAILED", "denied")
    assert "not supported by this cluster" in explain_failure(
        "create", "t", "_TIMED_OUT", "Failed while waiting for controller: Local: Timed out"
    )
    assert "did not answer within 10 s" in explain_failure("partitions", "t", "_TIMED_OUT", "", timeout=10)


def test_retention_in_words() -> None:
    assert [human_ms(v) for v in (604800000, 3600000, 90000, 1500, -1, None)] == [
        "7d",
        "1h",
        "90s",
        "1.5s",
        "forever",
        "-",
    ]


def test_start_positions_parse() -> None:
    now = 1_763_712_000.0
    assert parse_start(StartMode.OFFSET, "42", now) == StartAt(StartMode.OFFSET, 42)
    assert parse_start(StartMode.LAST, "5", now) == StartAt(StartMode.LAST, 5)
    assert parse_start(StartMode.TIMESTAMP, "2025-11-21T08:00:00", now).value == 1_763_712_000_000
    assert parse_start(StartMode.TIMESTAMP, "1763712000000", now).value == 1_763_712_000_000
    assert parse_start(StartMode.TIMESTAMP, "10m", now).value == (now - 600) * 1000
    for mode, text in ((StartMode.OFFSET, "-1"), (StartMode.LAST, "0"), (StartMode.TIMESTAMP, "soon")):
        with pytest.raises(ValueError):
            parse_start(mode, text, now)


def _rec(offset: int, key: bytes | None, value: bytes | None, headers: tuple = ()) -> Record:  # type: ignore[type-arg]
    return Record(0, offset, 1_763_712_000_000, key, value, headers, len(value or b""))


def test_buffer_is_bounded_and_filters_key_value_headers_smart_case() -> None:
    buf = MessageBuffer(size=3, recent=10)
    buf.add([_rec(i, f"k{i}".encode(), b"v") for i in range(8)])
    assert [r.offset for r in buf.shown] == [5, 6, 7] and buf.consumed == 8
    buf.add([_rec(8, b"x", b"Hello"), _rec(9, b"y", b"z", (("trace", b"ABC"),))])
    buf.set_filter("hello")  # lower case: ignores case
    assert [r.offset for r in buf.shown] == [8]
    buf.set_filter("Hello")
    assert [r.offset for r in buf.shown] == [8]
    buf.set_filter("HELLO")  # a capital: exact case
    assert list(buf.shown) == []
    buf.set_filter("trace")
    assert [r.offset for r in buf.shown] == [9]
    buf.add([_rec(10, b"trace-key", b"")])
    assert [r.offset for r in buf.shown] == [9, 10] and buf.matched == 2


def test_pretty_shows_json_text_and_escaped_bytes() -> None:
    kind, text = pretty(b'{"t": -3.2, "s": "a"}')
    assert kind == "json" and json.loads(text) == {"t": -3.2, "s": "a"} and "\n" in text
    assert pretty(b"-3.21") == ("text", "-3.21")
    kind, text = pretty(b"\xff\x00ok")
    assert kind == "bytes" and text == "\\xff\\x00ok"
    assert pretty(None) == ("null", "(null)")
    cells = record_cells(_rec(7, None, b"\xfe", (("h", b"1"),)))
    assert cells[1] == "7" and cells[3] == "(null)" and cells[4] == "\\xfe" and cells[5] == "h=1"


def test_key_prediction_names_the_rule() -> None:
    preds = predict_key("sensor1", 6)
    assert preds[0].configured and preds[0].partitioner == "consistent_random"
    assert preds[0].partition == predict(b"sensor1", 6, "consistent_random")
    assert any(p.partitioner == "murmur2_random" for p in preds)
    assert predict_key("", 6)[0].partition is None  # empty key: random under consistent_random
