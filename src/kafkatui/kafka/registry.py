"""The Schema Registry client: made from the settings, its errors in words, a reachability probe.

Only this package imports ``confluent_kafka.schema_registry``. Registry calls go over HTTP with a
bounded timeout and no retries of the client's own (the callers retry later, off the hot path).

``mock://NAME`` URLs (the demo's in-process registry) give ONE client per name for the whole
process: confluent-kafka's mock clients never share schemas, so the demo's producer and the
dashboard's readers must hold the same instance.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kafkatui.domain.text import inert
from kafkatui.redact import redact
from kafkatui.settings import Settings, SettingsError

if TYPE_CHECKING:  # imported when a registry is used: it costs ~0.1 s (httpx, authlib), not every start
    from confluent_kafka.schema_registry import SchemaRegistryClient

REGISTRY_TIMEOUT = 5.0  # seconds: the most one registry call may take
DEMO_URL = "mock://demo"

_MOCKS: dict[str, SchemaRegistryClient] = {}
_MOCKS_LOCK = threading.Lock()


def mock_client(url: str = DEMO_URL) -> SchemaRegistryClient:
    """The process's one in-process (mock) registry for ``url``."""
    with _MOCKS_LOCK:
        client = _MOCKS.get(url)
        if client is None:
            from confluent_kafka.schema_registry import SchemaRegistryClient

            client = SchemaRegistryClient.new_client({"url": url})
            _MOCKS[url] = client
        return client


def make_client(settings: Settings, timeout: float | None = None) -> SchemaRegistryClient | None:
    """A registry client for the settings (None when no registry is set)."""
    url = settings.schema_registry_url
    if not url:
        return None
    from confluent_kafka.schema_registry import SchemaRegistryClient

    if url.startswith("mock://"):
        return mock_client(url)
    conf: dict[str, Any] = dict(settings.registry_config() or {})
    conf["timeout"] = min(timeout or settings.timeout, REGISTRY_TIMEOUT)
    conf["max.retries"] = 0
    return SchemaRegistryClient(conf)


def validate(settings: Settings) -> None:
    """Build the registry client once before any screen (no network call): a TLS file OpenSSL
    cannot load, say, is a bad setting (one line, exit 2), not a pane that fails later."""
    try:
        make_client(settings)
    except Exception as exc:
        detail = inert(str(exc) or type(exc).__name__, 200)
        raise SettingsError(redact(f"Schema Registry settings: {detail}", settings.secret_values())) from None


class Failure(StrEnum):
    """Why a registry call failed, in the terms a reject counts."""

    UNREACHABLE = "registry_unreachable"
    REFUSED = "registry_refused"
    NOT_FOUND = "schema_unknown"
    ERROR = "registry_error"


@dataclass(frozen=True, slots=True)
class RegistryFailure:
    kind: Failure
    text: str  # one sentence, secrets masked, outside text inert


def _names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def classify(exc: BaseException, settings: Settings, what: str = "") -> RegistryFailure:
    """A registry call's exception as a counted kind and one safe sentence."""
    where = f"Schema Registry {settings.registry_display}"
    secrets = settings.secret_values()
    from confluent_kafka.schema_registry.error import SchemaRegistryError

    if isinstance(exc, SchemaRegistryError):
        status = exc.http_status_code
        message = inert(str(exc.error_message), 200)
        if status in (401, 403):
            return RegistryFailure(Failure.REFUSED, f"{where} refused the credentials (HTTP {status})")
        if status == 404:
            return RegistryFailure(Failure.NOT_FOUND, f"{what or 'the schema'} is not in the {where}")
        return RegistryFailure(Failure.ERROR, redact(f"{where} answered HTTP {status}: {message}", secrets))
    names = _names(exc)
    if "TimeoutException" in names or isinstance(exc, TimeoutError):
        return RegistryFailure(Failure.UNREACHABLE, f"{where} did not answer in time")
    if names & {"TransportError", "NetworkError", "ConnectError"} or isinstance(exc, OSError):
        detail = inert(str(exc), 120) or type(exc).__name__
        return RegistryFailure(Failure.UNREACHABLE, redact(f"{where} cannot be reached: {detail}", secrets))
    detail = inert(f"{type(exc).__name__}: {exc}", 200)
    return RegistryFailure(Failure.ERROR, redact(f"{where}: {detail}", secrets))


def referenced(client: SchemaRegistryClient, ref: Any) -> Any:
    """The registered schema a reference names (a registry call, default format). A reference the
    registry does not hold is a ValueError naming it; any other failure (unreachable, refused) is
    raised as it is, for `classify`."""
    from confluent_kafka.schema_registry.error import SchemaRegistryError

    if ref.subject is None or ref.version is None:
        raise ValueError(f"reference {inert(str(ref.name), 80)} names no subject and version")
    try:
        return client.get_version(ref.subject, ref.version, True)
    except SchemaRegistryError as exc:
        if exc.http_status_code != 404:
            raise
        raise ValueError(
            f"its reference {inert(str(ref.name), 80)} (subject {inert(str(ref.subject), 80)} "
            f"version {ref.version}) is not in the Schema Registry"
        ) from None


@dataclass(frozen=True, slots=True)
class RegistryStatus:
    url: str
    subjects: int | None  # None: not reachable
    failure: RegistryFailure | None


def probe(settings: Settings, timeout: float | None = None) -> RegistryStatus | None:
    """Ask the registry for its subjects once (for ``check``); None when no registry is set."""
    client = make_client(settings, timeout)
    if client is None:
        return None
    try:
        subjects = client.get_subjects()
    except Exception as exc:
        return RegistryStatus(settings.registry_display, None, classify(exc, settings))
    return RegistryStatus(settings.registry_display, len(subjects), None)


def status_line(status: RegistryStatus) -> str:
    """The ``check`` report's line for the registry (no secret: the URL has no user info)."""
    if status.failure is None:
        return f"registry:    {inert(status.url, 300)} (reachable, {status.subjects} subjects)"
    return f"registry:    {status.failure.text}"
