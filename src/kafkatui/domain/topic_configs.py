"""A topic's configs as the broker describes them (value, source in words, default or not)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConfigEntry:
    name: str
    value: str | None  # None: sensitive or unset
    source: str  # in words: "topic override", "Kafka default", ...
    is_default: bool
    read_only: bool = False
    sensitive: bool = False


@dataclass(frozen=True, slots=True)
class TopicConfigs:
    topic: str
    entries: tuple[ConfigEntry, ...] = ()
    error: str | None = None  # a sentence when the configs could not be read
