"""Tests, benchmarks and scripts send traffic only to loopback (127.0.0.0/8, localhost).

Scans every text file under tests/, bench/ and scripts/ (but this one, whose examples are the
point) for a literal address used as a target:
any IPv4 address outside 127.0.0.0/8, and any ``host:port`` whose host is not loopback. What must
stay (a consumer member's host as Kafka reports it in canned data, a documentation example parsed
but never connected to) is allow-listed below with the reason; everything else fails the test.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("tests", "bench", "scripts")
SKIPPED_PARTS = {"__snapshots__", "__pycache__"}
TEXT_SUFFIXES = {"", ".py", ".sh", ".toml", ".yml", ".yaml", ".json", ".cfg", ".ini", ".properties", ".env", ".md"}

IPV4 = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])")
# host:port inside a string: a bootstrap list entry, a URL authority, an argument.
HOST_PORT = re.compile(r"(?:^|[\s\"'=,@(\[]|//)([A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*):(\d{2,5})(?![\w.:-])")
# Words that precede ':NNNN' without being hosts (openssl key specs).
NOT_HOSTS = {"rsa", "bits", "rsa_keygen_bits"}
LOOPBACK_NAMES = {"localhost"}
# RFC 6761: names under .invalid never exist; tests use them for "cannot be resolved".
NEVER_RESOLVES = ".invalid"

# (file relative to the repository, literal) -> why it may stay. None of these is ever connected to.
ALLOWED: dict[tuple[str, str], str] = {
    ("tests/unit/test_settings.py", "pkc-12576z.us-west2.gcp.confluent.cloud:9092"): (
        "the course's .env, parsed into settings only"
    ),
    ("tests/unit/test_settings.py", "k1:9092"): "a settings value parsed, never connected to",
    ("tests/unit/test_group_client.py", "x:9092"): "config handed to a fake child script that never connects",
    ("tests/unit/test_diagnose.py", "b-1.example:9096"): "a librdkafka error line, parsed only",
    ("tests/unit/test_controller_domain.py", "zk:2181"): "a broker config value (zookeeper.connect), parsed only",
    ("tests/unit/test_group_client.py", "10.0.0.1"): "a member's host as Kafka reports it (canned)",
    ("tests/unit/test_groups.py", "10.0.0.1"): "a member's host as Kafka reports it (canned)",
    ("tests/unit/test_groups.py", "10.0.0.2"): "a member's host as Kafka reports it (canned)",
    ("tests/unit/test_groups.py", "10.0.0.3"): "a member's host as Kafka reports it (canned)",
    ("tests/snapshots/test_groups_snapshots.py", "10.20.0.7"): "a member's host as Kafka reports it (canned)",
    ("tests/snapshots/test_groups_snapshots.py", "10.20.0.8"): "a member's host as Kafka reports it (canned)",
    ("tests/snapshots/test_groups_snapshots.py", "10.20.0.9"): "a member's host as Kafka reports it (canned)",
}


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def not_an_address(text: str) -> bool:
    """Four dotted numbers with a part over 255 (a version string, say) are no address."""
    return any(int(part) > 255 for part in text.split("."))


def targets(text: str) -> set[str]:
    """Literal non-loopback addresses in `text`: IPv4 addresses and host:port pairs."""
    found: set[str] = set()
    for match in IPV4.finditer(text):
        address = match.group(1)
        if not not_an_address(address) and not is_loopback(address) and address != "0.0.0.0":
            found.add(address)
    for match in HOST_PORT.finditer(text):
        host, port = match.group(1), match.group(2)
        if host.lower() in NOT_HOSTS or is_loopback(host) or IPV4.fullmatch(host) or host.endswith(NEVER_RESOLVES):
            continue
        if re.fullmatch(r"\d+(?:\.\d+)*", host) or int(port) > 65535:
            continue
        if re.fullmatch(r"T?\d{2}", host) or host.isdigit():  # a clock time 08:00
            continue
        found.add(f"{host}:{port}")
    return found


def scanned_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or SKIPPED_PARTS & set(path.parts) or path == Path(__file__).resolve():
                continue
            if path.suffix in TEXT_SUFFIXES:
                files.append(path)
    return files


def test_scanner_finds_outside_targets() -> None:
    """The scanner itself: what it must catch and what it must let through."""
    assert targets('"kafkatui -b 10.255.255.1:9092"') == {"10.255.255.1"}
    assert targets("bootstrap = 'example.com:9092'") == {"example.com:9092"}
    assert targets('connect(("1.2.3.4", 80))') == {"1.2.3.4"}
    assert targets("'127.0.0.1:9092,127.0.0.2:9093' 'localhost:9092' 'no-such-host.invalid:9092'") == set()
    assert targets('"2024-01-01T08:00" "rsa:2048" "thrd:main"') == set()


def test_tests_benchmarks_and_scripts_target_loopback_only() -> None:
    offending: list[str] = []
    seen_allowed: set[tuple[str, str]] = set()
    for path in scanned_files():
        relative = path.relative_to(ROOT).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for target in sorted(targets(text)):
            key = (relative, target)
            if key in ALLOWED:
                seen_allowed.add(key)
            else:
                offending.append(f"{relative}: {target}")
    assert not offending, "non-loopback targets (use 127.0.0.1, or allow-list with a reason):\n" + "\n".join(offending)
    stale = sorted(set(ALLOWED) - seen_allowed)
    assert not stale, f"allow-list entries no longer needed: {stale}"
