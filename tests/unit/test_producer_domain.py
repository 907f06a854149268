"""The Producer pane's pure rules: toggles, guarantee words, form parsing, sizes, previews."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kafkatui.domain.partitioner import predict
from kafkatui.domain.producer import (
    ERROR_MEANINGS,
    BurstProgress,
    FormInput,
    ProducerConfig,
    ProduceRequest,
    Template,
    TopicFacts,
    change,
    check_cluster,
    check_topic_name,
    effective_limit,
    explain,
    freezer_template,
    guarantee,
    initial_config,
    json_template,
    parse_form,
    parse_headers,
    parse_linger,
    pretty_json,
    preview,
    producer_partitioner,
    record_batch_size,
)
from kafkatui.domain.readings import parse


def form(**values: object) -> FormInput:
    base: dict[str, object] = {"topic": "freezer-temperatura", "key": "sensor1", "value": "-3.21"}
    base.update(values)
    return FormInput(**base)  # type: ignore[arg-type]


def ok(values: FormInput) -> ProduceRequest:
    result = parse_form(values)
    assert isinstance(result, ProduceRequest), result
    return result


def errors(values: FormInput) -> dict[str, str]:
    result = parse_form(values)
    assert isinstance(result, list), result
    return {e.field: e.message for e in result}


# -- toggles --------------------------------------------------------------------------------


def test_idempotence_on_forces_acks_all_and_says_why() -> None:
    config, note = change(ProducerConfig("1", False), idempotence=True)
    assert config.acks == "all" and config.idempotence
    assert "acks set to all (was 1)" in note and "librdkafka refuses" in note


def test_acks_below_all_turns_idempotence_off_and_says_why() -> None:
    config, note = change(ProducerConfig("all", True), acks="0")
    assert config == ProducerConfig("0", False)
    assert "idempotence turned off for acks=0" in note


def test_plain_changes_say_nothing() -> None:
    config, note = change(ProducerConfig(), compression="zstd", linger_ms=20)
    assert (config.compression, config.linger_ms, note) == ("zstd", 20, "")
    assert change(ProducerConfig("1", False), acks="all")[1] == ""


def test_bad_toggle_values_are_refused() -> None:
    with pytest.raises(ValueError):
        change(ProducerConfig(), acks="2")
    with pytest.raises(ValueError):
        change(ProducerConfig(), compression="brotli")
    with pytest.raises(ValueError, match=r"linger\.ms"):
        parse_linger("soon")
    with pytest.raises(ValueError, match="between 0"):
        parse_linger("1000000")
    assert parse_linger(" 7.5 ") == 7.5


def test_librdkafka_properties() -> None:
    assert ProducerConfig("1", False, "lz4", 0).librdkafka() == {
        "acks": "1",
        "enable.idempotence": "false",
        "compression.type": "lz4",
        "linger.ms": "0",
    }


def test_initial_config_follows_the_users_properties() -> None:
    assert initial_config({}) == ProducerConfig("all", True, "none", 5.0)
    assert initial_config({"acks": "1"}) == ProducerConfig("1", False, "none", 5.0)
    assert initial_config({"acks": "-1", "enable.idempotence": "false", "linger.ms": "50"}) == (
        ProducerConfig("all", False, "none", 50.0)
    )
    assert initial_config({"compression.codec": "gzip"}).compression == "gzip"
    assert producer_partitioner({"partitioner": "murmur2_random"}) == "murmur2_random"
    assert producer_partitioner({"partitioner": "nonsense"}) == "consistent_random"


@pytest.mark.parametrize(
    ("config", "name"),
    [
        (ProducerConfig("0", False), "at most once"),
        (ProducerConfig("1", False), "at least once"),
        (ProducerConfig("all", False), "at least once"),
        (ProducerConfig("all", True), "no duplicates per partition"),
    ],
)
def test_guarantee_in_words(config: ProducerConfig, name: str) -> None:
    g = guarantee(config)
    assert g.name == name
    assert f"acks={config.acks}" in g.detail
    if config.acks == "0":
        assert "no offset" in g.detail


# -- the form -------------------------------------------------------------------------------


def test_a_plain_message() -> None:
    r = ok(form(headers="source=kafkatui; trace = 42"))
    assert (r.topic, r.key, r.value, r.partition, r.count, r.rate) == (
        "freezer-temperatura",
        "sensor1",
        "-3.21",
        None,
        1,
        None,
    )
    assert r.headers == (("source", "kafkatui"), ("trace", "42"))
    assert r.header_list() == [("source", b"kafkatui"), ("trace", b"42")]


def test_empty_key_is_a_null_key_and_empty_fields_take_defaults() -> None:
    r = ok(form(key="", partition=" auto ", count="", rate="max"))
    assert r.key is None and r.first_key() is None
    assert (r.partition, r.count, r.rate) == (None, 1, None)


def test_burst_fields() -> None:
    r = ok(form(partition="2", count="20_000", rate="5000"))
    assert (r.partition, r.count, r.rate) == (2, 20_000, 5000.0)


def test_every_bad_field_is_reported_at_once() -> None:
    bad = errors(form(topic="", headers="a=1; oops", partition="two", count="0", rate="-3"))
    assert set(bad) == {"topic", "headers", "partition", "count", "rate"}
    assert "empty" in bad["topic"]
    assert "'oops' is not name=value" in bad["headers"]
    assert "not a number" in bad["partition"]
    assert "between 1 and" in bad["count"]
    assert "above 0" in bad["rate"]


def test_malformed_headers() -> None:
    with pytest.raises(ValueError, match="entry 2 'b' is not name=value"):
        parse_headers("a=1\nb")
    with pytest.raises(ValueError, match="no name"):
        parse_headers("=value")
    assert parse_headers("a=\n\n; b=x=y") == (("a", ""), ("b", "x=y"))


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("", "empty"), ("a b", "' ' not allowed: use only ASCII letters"), ("..", "not allowed"), ("x" * 250, "249")],
)
def test_topic_names(name: str, fragment: str) -> None:
    problem = check_topic_name(name)
    assert problem is not None and fragment in problem
    assert check_topic_name("freezer-temperatura.v2_x") is None


def test_json_mode_validates_and_pretty_prints() -> None:
    bad = errors(form(value='{"temperature": -3.2,', json_mode=True))
    assert bad["value"].startswith("not valid JSON") and "line 1 column" in bad["value"]
    assert errors(form(value="", json_mode=True))["value"].startswith("not valid JSON")
    assert ok(form(value="-3.21", json_mode=False)).value == "-3.21"  # plain mode: anything goes
    pretty = pretty_json('{"sensor":"sensor1","temperature":-3.2}')
    assert pretty.splitlines()[1] == '  "sensor": "sensor1",'
    with pytest.raises(ValueError, match="not valid JSON"):
        pretty_json("{nope}")
    # placeholders are rendered before JSON is checked
    assert ok(form(value='{"n": {i}, "k": "s{i%3}"}', json_mode=True, count="10")).json_mode


def test_placeholders() -> None:
    t = Template("sensor{i%3}-{i}")
    assert [t.render(i) for i in (0, 1, 4)] == [b"sensor0-0", b"sensor1-1", b"sensor1-4"]
    assert t.widest(1000) == b"sensor2-999"
    plain = Template('{"a": {"b": 1}}')
    assert plain.constant == b'{"a": {"b": 1}}' and not plain.has_placeholders
    assert plain.render(7) == plain.constant


# -- the cluster's limits -------------------------------------------------------------------


def test_topic_missing_without_auto_create_is_refused() -> None:
    r = ok(form(topic="nope"))
    off = check_cluster(r, TopicFacts("nope", None, auto_create=False))
    assert [e.field for e in off] == ["topic"]
    assert "does not exist" in off[0].message and "auto.create.topics.enable=false" in off[0].message
    unknown = check_cluster(r, TopicFacts("nope", None, auto_create=None))
    assert "cannot tell" in unknown[0].message
    assert check_cluster(r, TopicFacts("nope", None, auto_create=True)) == []
    pinned = check_cluster(ok(form(topic="nope", partition="0")), TopicFacts("nope", None, True))
    assert [e.field for e in pinned] == ["partition"]


def test_partition_out_of_range() -> None:
    problems = check_cluster(ok(form(partition="3")), TopicFacts("freezer-temperatura", 3))
    assert [str(p) for p in problems] == ["partition: freezer-temperatura has 3 partitions (0..2); 3 is out of range"]
    assert check_cluster(ok(form(partition="2")), TopicFacts("freezer-temperatura", 3)) == []


def test_value_above_the_limit() -> None:
    facts = TopicFacts("freezer-temperatura", 3, True, 1000, "topic max.message.bytes")
    big = ok(form(value="x" * 1000))
    problems = check_cluster(big, facts)
    assert [p.field for p in problems] == ["value"]
    assert "accepts at most 1,000 (topic max.message.bytes)" in problems[0].message
    assert check_cluster(ok(form(value="x" * 900)), facts) == []


def test_burst_size_check_uses_the_widest_message() -> None:
    request = ok(form(key="k{i}", value="v{i}", count="100000"))
    assert request.widest_size() == record_batch_size(b"k99999", b"v99999", [])
    limit = record_batch_size(b"k9999", b"v9999", [])
    assert check_cluster(request, TopicFacts("freezer-temperatura", 3, None, limit, "t"))


def test_record_batch_size_matches_kafkas_encoding() -> None:
    # a RecordBatch v2 with one record: 61-byte header + varint length + record body
    assert record_batch_size(None, None) == 61 + 1 + 6  # attrs, ts, off, key -1, value -1, 0 hdrs
    assert record_batch_size(b"k", b"v" * 10) == 61 + 1 + (3 + 1 + 1 + 1 + 10 + 1)
    assert record_batch_size(b"", b"x" * 200, [("h", b"1")]) - record_batch_size(b"", b"x" * 200) == 4


def test_effective_limit_names_its_source() -> None:
    assert effective_limit(1_048_588, 1_000_000)[0] == 1_000_000
    assert "librdkafka message.max.bytes" in effective_limit(1_048_588, 1_000_000)[1]
    assert effective_limit(2000, 1_000_000) == (2000, "topic max.message.bytes")
    limit, source = effective_limit(None, 1_000_000, "DescribeConfigs refused")
    assert limit == 1_000_000 and "librdkafka's own" in source and "refused" in source


# -- preview and templates ------------------------------------------------------------------


@given(st.binary(min_size=1, max_size=40), st.integers(1, 64))
def test_preview_uses_the_partitioner(key: bytes, partitions: int) -> None:
    text = key.decode("latin-1").replace("{", "(")
    request = ProduceRequest("t", text, "v")
    expected = predict(text.encode(), partitions, "murmur2_random")
    assert f"partition {expected} of {partitions}" in preview(request, partitions, "murmur2_random")


def test_preview_cases() -> None:
    assert "random (sticky)" in preview(ProduceRequest("t", None, "v"), 3)
    assert "chosen by hand" in preview(ProduceRequest("t", "k", "v", partition=1), 3)
    assert "auto-created" in preview(ProduceRequest("t", "k", "v"), None)
    burst = preview(ProduceRequest("t", "sensor{i%3}", "v", count=9), 3)
    assert burst.startswith("first message: key sensor0 → partition ")


def test_freezer_template_is_the_seeds_format() -> None:
    rng = random.Random(7)
    for _ in range(50):
        filled = freezer_template(rng, 1_763_712_000.0)
        assert filled.key in {"sensor0", "sensor1", "sensor2"} and not filled.json_mode
        value = float(filled.value)
        assert -5 <= value <= 5 and filled.value == f"{value:.2f}"
        reading = parse(filled.key.encode(), filled.value.encode(), 0.0, 0, 0)
        assert getattr(reading, "celsius", None) == pytest.approx(value)


def test_json_template_is_valid_json_the_freezer_reads() -> None:
    filled = json_template(random.Random(3), 1_763_712_000.0)
    doc = json.loads(filled.value)
    assert filled.json_mode and doc["sensor"] == filled.key and -5 <= doc["temperature"] <= 5
    reading = parse(filled.key.encode(), filled.value.encode(), 0.0, 0, 0)
    assert getattr(reading, "celsius", None) == pytest.approx(doc["temperature"])


# -- errors and progress --------------------------------------------------------------------


def test_error_sentences() -> None:
    for name in (
        "_MSG_TIMED_OUT",
        "MSG_SIZE_TOO_LARGE",
        "NOT_ENOUGH_REPLICAS",
        "_UNKNOWN_TOPIC",
        "TOPIC_AUTHORIZATION_FAILED",
        "OUT_OF_ORDER_SEQUENCE_NUMBER",
        "_FATAL",
    ):
        assert explain(name) == ERROR_MEANINGS[name]
        assert explain(name).endswith(".")
    assert explain("SOMETHING_NEW", "Broker: odd") == "librdkafka reported SOMETHING_NEW: Broker: odd"


def test_burst_progress() -> None:
    p = BurstProgress(total=1000, produced=1000, delivered=990, failed=10, elapsed=2.0, done=True)
    assert p.reported == 1000 and p.achieved_rate == 500.0
    assert p.summary() == "done 1,000/1,000, 10 failed, 500/s"
    assert "burst done" in p.describe() and "10 failed" in p.describe()
    assert BurstProgress(5, 0, 0, 0, 0.0).achieved_rate == 0.0
