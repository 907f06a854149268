"""Which broker is the controller — said only when a source knows it.

Kafka's Metadata and DescribeCluster responses both carry a controller id, but under KRaft a broker
answers with an arbitrary live broker (it changes from one request to the next: 1 → 3 → 2 on a
three-node cluster while the quorum's leader stays the same). The active quorum controller is told
only by DescribeQuorum, which librdkafka 2.16 (and so confluent-kafka 2.16.1) does not offer. So:

- ZooKeeper mode (a broker's `process.roles` empty, `zookeeper.connect` set): the Metadata
  response's controller is the real one, and it is shown;
- KRaft (`process.roles` set): no controller is shown, and the reason says where to read it;
- mode unknown (DescribeConfigs refused, not answered yet, the demo's mock): no controller.
"""

from __future__ import annotations

from collections.abc import Mapping

from kafkatui.domain.models import ClusterMode, ClusterSnapshot

KRAFT_NOTE = "not reported under KRaft (kafka-metadata-quorum describe --status names the active controller)"


def mode_from_broker_config(configs: Mapping[str, str | None]) -> ClusterMode | None:
    """The cluster's mode from one broker's configs (DescribeConfigs BROKER), or None if they do not say."""
    roles = (configs.get("process.roles") or "").strip()
    if roles:
        return ClusterMode.KRAFT
    if (configs.get("zookeeper.connect") or "").strip():
        return ClusterMode.ZOOKEEPER
    return None


def trusted_controller(metadata_controller: int | None, mode: ClusterMode | None) -> int | None:
    """The controller to show: the Metadata response's only where it is the real one (ZooKeeper mode)."""
    return metadata_controller if mode is ClusterMode.ZOOKEEPER else None


def controller_text(snap: ClusterSnapshot, short: bool = False) -> str:
    """`2`, or why no controller is shown (`short`: a few words for a summary line)."""
    if snap.controller_id is not None:
        return str(snap.controller_id)
    if snap.mode is ClusterMode.KRAFT:
        return "n/a (KRaft)" if short else KRAFT_NOTE
    if snap.is_mock:
        return "none (mock)" if short else "none (librdkafka's mock cluster has no controller)"
    return "unknown" if short else "unknown (the cluster's mode, KRaft or ZooKeeper, could not be read)"


def controller_note(snap: ClusterSnapshot) -> str:
    """A line for the Cluster pane when no broker is flagged controller under KRaft, else ''."""
    if snap.controller_id is None and snap.mode is ClusterMode.KRAFT:
        return (
            "KRaft: clients are not told which node is the active controller (Metadata names an arbitrary "
            "broker); `kafka-metadata-quorum describe --status` shows it."
        )
    return ""
