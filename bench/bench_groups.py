"""How long one Groups refresh takes on a real broker, for N groups, by OffsetFetch bound.

    python bench/bench_groups.py BOOTSTRAP [--groups 50] [--partitions 3]

Creates a topic and N empty groups with commits on it, then times GroupsService refreshes
(ListGroups, one DescribeGroups, N OffsetFetch with the bound, one ListOffsets). Prints one
line per bound; nothing is left running (the groups and topic stay: use a throwaway broker).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kafkatui.domain.groups import GroupsView
from kafkatui.kafka import clients
from kafkatui.kafka.context import Context
from kafkatui.kafka.groups import GroupsService
from kafkatui.settings import Settings


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("bootstrap")
    ap.add_argument("--groups", type=int, default=50)
    ap.add_argument("--partitions", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    quiet = logging.getLogger("bench.librdkafka")
    quiet.propagate = False
    topic = f"bench-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": args.bootstrap, "logger": quiet})
    admin.create_topics([NewTopic(topic, args.partitions, 1)])[topic].result(30)
    for g in range(args.groups):
        c = Consumer({"bootstrap.servers": args.bootstrap, "group.id": f"{topic}-g{g}", "logger": quiet})
        c.commit(offsets=[TopicPartition(topic, p, 0) for p in range(args.partitions)], asynchronous=False)
        c.close()
    settings = Settings(_env_file=None, bootstrap_servers=args.bootstrap)  # type: ignore[call-arg]
    for bound in (1, 8, 32):
        events: list[object] = []
        ctx = Context(settings, events.append, time.time, AdminClient(clients.admin_config(settings)))
        ctx.connected = True
        service = GroupsService(ctx, max_in_flight=bound)
        times = []
        for _ in range(args.runs):
            service.next_refresh = 0.0
            before = len(events)
            while len([e for e in events[before:] if isinstance(e, GroupsView)]) == 0:
                service.poll(ctx, time.time())
                time.sleep(0.001)
            view = next(e for e in events[before:] if isinstance(e, GroupsView))
            times.append(view.refresh_ms)
        print(f"groups={len(view.groups)} bound={bound}: median {statistics.median(times):.0f} ms "
              f"(min {min(times):.0f}, max {max(times):.0f}) over {args.runs} refreshes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
