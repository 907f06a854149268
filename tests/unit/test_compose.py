"""docker-compose.yaml (no Docker engine here): its structure matches .env.example and the README."""

from __future__ import annotations

from pathlib import Path

import yaml

from kafkatui.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_single_node_kraft_kafka_on_localhost_9092() -> None:
    doc = yaml.safe_load((ROOT / "docker-compose.yaml").read_text())
    assert list(doc["services"]) == ["kafka"]
    kafka = doc["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert "9092:9092" in kafka["ports"]
    env = kafka["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft, combined node
    assert "PLAINTEXT://localhost:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    listeners = dict(item.split("://") for item in env["KAFKA_LISTENERS"].split(","))
    assert listeners["PLAINTEXT"] == ":9092"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@localhost:9093"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == 1  # one node: RF 1
    assert "healthcheck" in kafka


def test_env_example_points_at_the_compose_broker(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("BOOTSTRAP_SERVERS", "KAFKATUI_BOOTSTRAP_SERVERS", "SASL_USERNAME", "SASL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(env_file=ROOT / ".env.example")
    assert settings.bootstrap_servers == "localhost:9092"
    assert settings.topic == "freezer-temperatura"
    assert settings.librdkafka_config()["security.protocol"] == "PLAINTEXT"
