"""acks=all against a partition whose ISR is below min.insync.replicas: said in a sentence."""

from __future__ import annotations

from kafkatui.domain.models import PartitionInfo, TopicInfo
from kafkatui.domain.producer import DeliveryReport, ProducerConfig, isr_shortfall

FULL = PartitionInfo(1, 1, (1, 2, 3), (1, 2, 3))
SHORT = PartitionInfo(0, 1, (1, 2, 3), (1, 2))
TOPIC = TopicInfo("orders", (SHORT, FULL))
ALL = ProducerConfig("all", False)


def test_the_short_partition_is_named_with_the_consequence() -> None:
    text = isr_shortfall(TOPIC, 3, ALL)
    assert text is not None
    assert text.startswith("partition 0 of orders has 2 in-sync replicas, fewer than min.insync.replicas=3")
    assert "NOT_ENOUGH_REPLICAS" in text and "_MSG_TIMED_OUT" in text
    assert isr_shortfall(TOPIC, 3, ALL, partition=1) is None  # the send goes to a full partition
    assert isr_shortfall(TOPIC, 3, ALL, partition=0) == text


def test_only_acks_all_waits_and_idempotence_means_acks_all() -> None:
    assert isr_shortfall(TOPIC, 3, ProducerConfig("1", False)) is None
    assert isr_shortfall(TOPIC, 3, ProducerConfig("0", False)) is None
    assert isr_shortfall(TOPIC, 3, ProducerConfig("1", True)) is not None
    assert isr_shortfall(TOPIC, 2, ALL) is None  # 2 in sync is enough for min.insync.replicas=2
    assert isr_shortfall(TOPIC, None, ALL) is None  # the config is unknown: no guess


def test_replicas_on_unreachable_brokers_do_not_count_and_several_partitions_are_listed() -> None:
    stale = TopicInfo("t", tuple(PartitionInfo(i, 1, (1, 2, 3), (1, 2, 3), unreachable=(3,)) for i in range(3)))
    text = isr_shortfall(stale, 3, ALL)
    assert text is not None and text.startswith("partitions 0, 1, 2 of t have as few as 2 in-sync replicas")


def test_a_hostile_topic_name_is_inert() -> None:
    topic = TopicInfo("evil\x1b[2J", (SHORT,))
    text = isr_shortfall(topic, 3, ALL)
    assert text is not None and "\x1b" not in text


def test_a_timed_out_report_says_the_likely_cause() -> None:
    cause = "partition 0 of orders has 2 in-sync replicas, fewer than min.insync.replicas=3"
    report = DeliveryReport(1, 0.0, "orders", 0, None, "k", None, "_MSG_TIMED_OUT", "timed out", cause)
    assert report.meaning().endswith(f"Likely cause: {cause}.")
    plain = DeliveryReport(1, 0.0, "orders", 0, None, "k", None, "_MSG_TIMED_OUT", "timed out")
    assert "Likely cause" not in plain.meaning()


def test_an_offline_partition_is_not_called_short_of_replicas() -> None:
    offline = TopicInfo("t", (PartitionInfo(0, 2, (2,), (2,), unreachable=(2,)), PartitionInfo(1, -1, (3,), ())))
    assert isr_shortfall(offline, 1, ALL) is None  # no leader: NOT_ENOUGH_REPLICAS is not what happens
