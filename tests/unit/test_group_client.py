"""GroupClient against scripted child processes: answers decoded, a crash fails the pending requests,
is remembered with the child's last words (secrets masked) and the next request starts a new child."""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import KafkaError, KafkaException

from kafkatui.kafka.group_client import (
    GroupClient,
    GroupClientCrash,
    GroupDescription,
    GroupListing,
    GroupMember,
    GroupOffsets,
    PartitionOffset,
)

SECRET = "s3cr3t-canary-pw"

# A stand-in for group_child.py: answers from a script, and aborts like librdkafka when asked.
FAKE_CHILD = r"""
import json, os, sys
config = json.loads(sys.stdin.readline())["config"]
def send(m):
    sys.stdout.write(json.dumps(m) + "\n"); sys.stdout.flush()
for line in sys.stdin:
    r = json.loads(line)
    if r["op"] == "list":
        send({"log": [30, "connected with sasl.password=" + config["sasl.password"]]})
        send({"id": r["id"], "ok": {"valid": ["g1", "g2"], "errors": [[-185, "broker 2 timed out"]]}})
    elif r["op"] == "describe":
        for fid, gid in r["groups"]:
            if gid == "bad":
                send({"id": fid, "error": [16, "Broker: Not coordinator"]})
            else:
                send({"id": fid, "ok": {"state": "STABLE", "type": "CLASSIC",
                      "members": [["m1", "/10.0.0.1", "c1", [["t", 0], ["t", 1]]]]}})
    elif r["op"] == "offsets" and r["group"] == "crash":
        sys.stderr.write("rdkafka_queue.h:1: rd_kafka_enq_once_del_source: Assertion `eonce->refcnt > 0' failed "
                         + config["sasl.password"] + "\n")
        sys.stderr.flush()
        os.abort()
    elif r["op"] in ("offsets", "alter"):
        send({"id": r["id"], "ok": [["t", 0, 42, None], ["t", 1, -1001, [3, "Broker: Unknown topic"]]]})
"""


@pytest.fixture
def client(tmp_path: Path) -> Any:
    script = tmp_path / "fake_child.py"
    script.write_text(FAKE_CHILD)
    c = GroupClient(
        {"bootstrap.servers": "x:9092", "sasl.password": SECRET}, [SECRET], command=[sys.executable, str(script)]
    )
    yield c
    c.close()


def settle(client: GroupClient, *futures: Future[Any], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not all(f.done() for f in futures):
        assert time.monotonic() < deadline, "no answer from the child"
        client.wait(0.05)
        client.pump()


def test_answers_are_typed_values(client: GroupClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    listing = client.list_groups(5)
    described = client.describe_groups(["g1", "bad"], 5)
    offsets = client.fetch_offsets("g1", None, 5)
    settle(client, listing, *described.values(), offsets)

    result = listing.result()
    assert isinstance(result, GroupListing) and result.valid == ("g1", "g2")
    assert result.errors[0].code() == KafkaError._TIMED_OUT
    assert described["g1"].result() == GroupDescription(
        "g1", "STABLE", "CLASSIC", (GroupMember("m1", "/10.0.0.1", "c1", (("t", 0), ("t", 1))),)
    )
    with pytest.raises(KafkaException) as refused:
        described["bad"].result()
    assert refused.value.args[0].code() == KafkaError.NOT_COORDINATOR
    answer = offsets.result()
    assert isinstance(answer, GroupOffsets) and answer.group_id == "g1"
    ok, missing = answer.partitions
    assert ok == PartitionOffset("t", 0, 42, None)
    assert missing.error is not None and missing.error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART
    # the child's log lines reach the app's log, secrets masked
    assert any("connected with sasl.password=" in r.getMessage() for r in caplog.records)
    assert SECRET not in caplog.text
    assert client.starts == 1 and client.crashes == []


def test_alter_sends_the_offsets(client: GroupClient) -> None:
    future = client.alter_offsets("g1", [("t", 0, 7)], 5)
    settle(client, future)
    assert future.result().partitions[0].offset == 42


def test_a_crash_fails_pending_requests_and_the_next_request_restarts(
    client: GroupClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="kafkatui.groups")
    first = client.list_groups(5)
    settle(client, first)
    doomed = client.fetch_offsets("crash", None, 5)
    settle(client, doomed)

    with pytest.raises(GroupClientCrash) as crash:
        doomed.result()
    assert "eonce->refcnt > 0" in str(crash.value) and "killed by SIGABRT" in str(crash.value)
    (recorded,) = client.crashes
    assert "Assertion" in recorded.reason and SECRET not in recorded.reason
    assert SECRET not in caplog.text and "ended unexpectedly" in caplog.text
    assert not client.running

    again = client.list_groups(5)
    settle(client, again)
    assert again.result().valid == ("g1", "g2")
    assert client.starts == 2


def test_the_config_never_appears_on_the_command_line(client: GroupClient) -> None:
    future = client.list_groups(5)
    proc = client._proc
    assert proc is not None
    cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
    environ = Path(f"/proc/{proc.pid}/environ").read_bytes()
    assert SECRET.encode() not in cmdline and SECRET.encode() not in environ
    settle(client, future)


def test_close_fails_what_is_pending_and_ends_the_child(client: GroupClient) -> None:
    future = client.list_groups(5)
    proc = client._proc
    client.close()
    assert proc is not None and proc.poll() is not None
    assert future.done()


def test_an_answer_wakes_the_worker_without_polling(tmp_path: Path) -> None:
    script = tmp_path / "fake_child.py"
    script.write_text(FAKE_CHILD)
    woken = threading.Event()
    c = GroupClient(
        {"bootstrap.servers": "x:9092", "sasl.password": SECRET},
        [SECRET],
        command=[sys.executable, str(script)],
        wake=woken.set,
    )
    try:
        future = c.list_groups(5)
        assert c.wakes and woken.wait(10), "the child's answer must wake the worker"
        deadline = time.monotonic() + 10
        while not future.done():  # the wake may come before the whole line is in
            assert time.monotonic() < deadline
            c.pump()
            woken.wait(0.1)
        assert future.result().valid == ("g1", "g2")
    finally:
        c.close()
