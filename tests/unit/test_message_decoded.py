"""Decoded Schema Registry rows in the message viewer's domain: cells, filter, replacement."""

from __future__ import annotations

from kafkatui.domain.message_viewer import MessageBuffer, Record, record_cells

RAW = b"\x00\x00\x00\x00\x07\x0cfreezer\x00"


def test_a_decoded_value_is_shown_and_filtered_as_json_the_raw_bytes_otherwise() -> None:
    raw = Record(0, 5, 1_700_000_000_000, b"k", RAW, value_size=len(RAW))
    decoded = Record(0, 5, 1_700_000_000_000, b"k", RAW, value_size=len(RAW), value_decoded='{"sensor": "f\x1b[2J"}')
    assert record_cells(raw)[4] == "\\x00\\x00\\x00\\x00\\x07\\x0cfreezer\\x00"
    assert record_cells(decoded)[4] == '{"sensor": "f\\x1b[2J"}'  # inert: the ESC shows as an escape
    buffer = MessageBuffer(size=10)
    buffer.set_filter("sensor")
    buffer.add([raw])
    assert buffer.matched == 0  # the raw Avro bytes hold no field names
    buffer.add([decoded])
    assert list(buffer.shown) == [decoded]


def test_rows_decoded_later_take_their_places() -> None:
    rows = [Record(0, i, -1, None, RAW) for i in range(3)]
    buffer = MessageBuffer(size=10)
    buffer.add(rows)
    later = Record(0, 1, -1, None, RAW, value_decoded='{"t": 1}', schema="value: Avro, schema id 7")
    buffer.replace([later])
    assert [r.value_decoded for r in buffer.shown] == [None, '{"t": 1}', None]
    assert [r.offset for r in buffer.recent] == [0, 1, 2]
