"""The group client process: every consumer-group admin call, away from the app's process.

librdkafka 2.16 can take its whole process down around coordinator-targeted admin calls (an abort
"eonce->refcnt > 0", librdkafka #4605 / #3663, when the coordinator connection drops under a
request, as when a broker restarts; a segfault, #5040, on some coordinator errors). Run here, such a
crash ends this small process only; `GroupClient` (kafka/group_client.py) in the app notices, says
so in the Groups pane and starts a new one.

Wire format: JSON lines. stdin: first `{"config": {...}}` (the librdkafka config: it never appears
on a command line or in the environment), then requests `{"id": n, "op": ..., ...}`. stdout:
answers `{"id": n, "ok": ...}` or `{"id": n, "error": [code or null, text]}`, and
`{"log": [level, text]}` for librdkafka's log lines. The process ends when stdin closes (also when
the app is killed).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TextIO

from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition
from confluent_kafka.admin import AdminClient

from kafkatui.kafka.errors import kafka_error

Send = Callable[[dict[str, Any]], None]


def error_of(exc: BaseException) -> list[Any]:
    """[KafkaError code or None, text] for a failed future."""
    err = kafka_error(exc)
    if err is not None:
        return [err.code(), err.str()]
    return [None, f"{type(exc).__name__}: {exc}"]


def _answer(send: Send, fid: int, future: Future[Any], encode: Callable[[Any], Any]) -> None:
    def done(f: Future[Any]) -> None:
        try:
            value = encode(f.result())
        except Exception as exc:
            send({"id": fid, "error": error_of(exc)})
            return
        send({"id": fid, "ok": value})

    future.add_done_callback(done)


def _listing(result: Any) -> dict[str, Any]:
    return {
        "valid": [g.group_id for g in result.valid],
        "errors": [error_of(e) for e in result.errors],
    }


def _description(desc: Any) -> dict[str, Any]:
    kind = getattr(desc, "type", None)
    return {
        "state": getattr(desc.state, "name", None),
        "type": getattr(kind, "name", None),
        "members": [
            [
                m.member_id,
                m.host,
                m.client_id,
                [[tp.topic, tp.partition] for tp in m.assignment.topic_partitions],
            ]
            for m in desc.members
        ],
    }


def _partitions(answer: Any) -> list[list[Any]]:
    return [
        [tp.topic, tp.partition, tp.offset, None if tp.error is None else error_of(tp.error)]
        for tp in answer.topic_partitions
    ]


def handle(admin: AdminClient, request: dict[str, Any], send: Send) -> None:
    op, timeout = request["op"], request["timeout"]
    if op == "list":
        _answer(send, request["id"], admin.list_consumer_groups(request_timeout=timeout), _listing)
    elif op == "describe":
        futures = admin.describe_consumer_groups([g for _, g in request["groups"]], request_timeout=timeout)
        for fid, gid in request["groups"]:
            _answer(send, fid, futures[gid], _description)
    elif op in ("offsets", "alter"):
        gid = request["group"]
        tps = request["partitions"]
        group = ConsumerGroupTopicPartitions(
            gid, None if tps is None else [TopicPartition(t, p, *rest) for t, p, *rest in tps]
        )
        call = admin.list_consumer_group_offsets if op == "offsets" else admin.alter_consumer_group_offsets
        _answer(send, request["id"], call([group], request_timeout=timeout)[gid], _partitions)
    else:
        send({"id": request["id"], "error": [None, f"unknown operation {op!r}"]})


class _Forward(logging.Handler):
    """librdkafka's log lines to the app's log (where logs.RepeatFilter drops the repeats)."""

    def __init__(self, send: Send) -> None:
        super().__init__()
        self.send = send

    def emit(self, record: logging.LogRecord) -> None:
        self.send({"log": [record.levelno, record.getMessage()]})


def _serve_events(admin: AdminClient) -> None:
    """Poll the client for ever: its log lines wait on a queue that only poll() empties."""
    while True:
        admin.poll(0.5)


def serve(lines: TextIO, out: TextIO) -> None:
    lock = threading.Lock()

    def send(message: dict[str, Any]) -> None:
        text = json.dumps(message, separators=(",", ":")) + "\n"
        try:
            with lock:
                out.write(text)
                out.flush()
        except (BrokenPipeError, ValueError):  # the app is gone
            os._exit(0)

    first = lines.readline()
    if not first:
        return
    conf: dict[str, Any] = json.loads(first)["config"]
    logger = logging.getLogger("kafkatui.group_child")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(_Forward(send))
    conf["logger"] = logger
    admin = AdminClient(conf)
    threading.Thread(target=_serve_events, args=(admin,), name="events", daemon=True).start()
    for line in lines:
        request = json.loads(line)
        try:
            handle(admin, request, send)
        except Exception as exc:  # a bad request answers an error; the process goes on
            send({"id": request.get("id"), "error": error_of(exc)})


def main() -> None:
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # a stray print must not corrupt the answers: fd 1 now goes where stderr goes
    serve(sys.stdin, out)
    os._exit(0)  # do not wait for librdkafka's threads: the app has gone or asked us to stop


if __name__ == "__main__":
    main()
