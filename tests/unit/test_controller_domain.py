"""The controller is shown only from a source that knows it (domain/controller.py)."""

from __future__ import annotations

from dataclasses import replace

from canned import cluster as cluster_snapshot
from kafkatui.domain.controller import (
    KRAFT_NOTE,
    controller_note,
    controller_text,
    mode_from_broker_config,
    trusted_controller,
)
from kafkatui.domain.models import ClusterMode


def test_mode_from_broker_configs() -> None:
    assert mode_from_broker_config({"process.roles": "broker,controller", "node.id": "1"}) is ClusterMode.KRAFT
    assert mode_from_broker_config({"process.roles": "broker"}) is ClusterMode.KRAFT
    assert mode_from_broker_config({"process.roles": "", "zookeeper.connect": "zk:2181"}) is ClusterMode.ZOOKEEPER
    assert mode_from_broker_config({"zookeeper.connect": "zk:2181"}) is ClusterMode.ZOOKEEPER
    assert mode_from_broker_config({"process.roles": None, "zookeeper.connect": None}) is None
    assert mode_from_broker_config({}) is None


def test_metadata_controller_is_trusted_only_in_zookeeper_mode() -> None:
    # under KRaft, Metadata names an arbitrary live broker: 1, 3, 2 ... on successive requests
    assert [trusted_controller(c, ClusterMode.KRAFT) for c in (1, 3, 2)] == [None, None, None]
    assert [trusted_controller(c, None) for c in (1, 3, 2)] == [None, None, None]
    assert trusted_controller(2, ClusterMode.ZOOKEEPER) == 2
    assert trusted_controller(None, ClusterMode.ZOOKEEPER) is None


def test_controller_text_says_why_none_is_shown() -> None:
    snap = cluster_snapshot()
    kraft = replace(snap, controller_id=None, metadata_controller_id=3, mode=ClusterMode.KRAFT)
    assert controller_text(kraft) == KRAFT_NOTE and "describe --status" in KRAFT_NOTE
    assert controller_text(kraft, short=True) == "n/a (KRaft)"
    assert "KRaft" in controller_note(kraft)
    unknown = replace(snap, controller_id=None, mode=None)
    assert controller_text(unknown, short=True) == "unknown" and controller_note(unknown) == ""
    zk = replace(snap, controller_id=2, metadata_controller_id=2, mode=ClusterMode.ZOOKEEPER)
    assert controller_text(zk) == "2" and controller_note(zk) == ""


def test_short_texts_fit_the_cluster_summary_at_80_columns() -> None:
    snap = cluster_snapshot()
    for variant in (
        replace(snap, controller_id=None, mode=ClusterMode.KRAFT),
        replace(snap, controller_id=None, is_mock=True),
        replace(snap, controller_id=None),
    ):
        assert len(controller_text(variant, short=True)) <= 12
