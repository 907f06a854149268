"""`kafkatui` entry point. Imports are lazy so `--help` and `--version` stay fast."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from kafkatui import __version__
from kafkatui.logs import default_log_path

if TYPE_CHECKING:
    from kafkatui.domain.limits import Limits
    from kafkatui.settings import Settings


def _process_age() -> float:
    """Seconds since this process started (Linux: /proc), else 0: interpreter start-up counts too."""
    try:
        with open("/proc/self/stat") as stat, open("/proc/uptime") as up:
            started_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
            uptime = float(up.read().split()[0])
        import os

        return max(0.0, uptime - started_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


STARTED = time.monotonic() - _process_age()  # `check --timeout` counts from the process start
EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2

PRECEDENCE = "command line > environment > cluster profile > .env > --config file > defaults"
SENSORS_MAX = 10_000  # each simulated sensor is an object and a key; more is a typo, not a test


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (the usage block is what --help is for)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"kafkatui: error: {message}; see {self.prog} --help\n")


def _common(parser: argparse.ArgumentParser) -> None:
    """Connection options, accepted before or after the subcommand."""
    s = argparse.SUPPRESS
    g = parser.add_argument_group("connection")
    g.add_argument(
        "-b",
        "--bootstrap-servers",
        metavar="HOST:PORT,...",
        default=s,
        help="brokers to start from (BOOTSTRAP_SERVERS)",
    )
    g.add_argument(
        "-F",
        "--config",
        metavar="FILE",
        type=Path,
        default=s,
        help="Confluent-style client.properties (key=value) passed to librdkafka",
    )
    g.add_argument(
        "-X",
        dest="x",
        metavar="KEY=VALUE",
        action="append",
        default=s,
        help="any librdkafka property; repeatable, highest precedence",
    )
    g.add_argument("--security-protocol", default=s, choices=["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"])
    g.add_argument(
        "--sasl-mechanism", default=s, choices=["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI"]
    )
    g.add_argument("--sasl-username", metavar="USER", default=s)
    g.add_argument("--timeout", metavar="SECONDS", default=s, help="connection/request timeout (default 10)")
    g.add_argument("-t", "--topic", default=s, help="freezer topic (default freezer-temperatura)")
    g.add_argument(
        "--read-only", action="store_true", default=s, help="disable every write (produce, create/delete, offset reset)"
    )
    g.add_argument(
        "--no-toasts",
        dest="toasts",
        action="store_false",
        default=s,
        help="no pop-up notice on a freezer alert (the alert list and the bell stay)",
    )
    g.add_argument(
        "--group",
        dest="groups",
        metavar="NAME",
        action="append",
        default=s,
        help="consumer group to follow even where listing groups is refused",
    )
    g.add_argument("--log-file", metavar="FILE", type=Path, default=s)
    g.add_argument(
        "--config-file",
        metavar="FILE",
        type=Path,
        default=s,
        help="cluster profiles file (KAFKATUI_CONFIG_FILE; default ~/.config/kafkatui/config.toml)",
    )
    g.add_argument("--cluster", metavar="NAME", default=s, help="use the [clusters.NAME] profile (KAFKATUI_CLUSTER)")
    a = parser.add_argument_group("alerts and notifications")
    a.add_argument(
        "--limits",
        metavar="FILE",
        type=Path,
        default=s,
        help="limits file (TOML): defaults, per-sensor or glob entries, consumer-group lag limits (KAFKATUI_LIMITS)",
    )
    a.add_argument(
        "--notify",
        metavar="URL",
        action="append",
        default=s,
        help="send alerts to this apprise URL (json://, ntfy://, slack://, mailto://, ...); repeatable "
        "(KAFKATUI_NOTIFY, comma list); a secret: never shown",
    )
    a.add_argument(
        "--notify-repeat",
        metavar="DURATION",
        default=s,
        help="send an alert still open again at most this often: 30m, 1h, 1d (default 1h)",
    )


def _fields(parser: argparse.ArgumentParser) -> None:
    """Where the Freezer pane finds a record's temperature, sensor and time, and the unit."""
    s = argparse.SUPPRESS
    g = parser.add_argument_group("freezer records")
    g.add_argument(
        "--value-field",
        metavar="PATH",
        default=s,
        help="the temperature's field: a path like temp_c, readings.celsius, samples.0.v "
        "(KAFKATUI_VALUE_FIELD; default: temperature, temp, temperatura, value, level)",
    )
    g.add_argument(
        "--sensor-field",
        metavar="PATH",
        default=s,
        help="the sensor's field, like device or meta.id (KAFKATUI_SENSOR_FIELD; default: "
        "sensor, sensor_id, id, device, else the record key)",
    )
    g.add_argument(
        "--time-field",
        metavar="PATH",
        default=s,
        help="the reading's time field (KAFKATUI_TIME_FIELD; default: ts, timestamp, time, else the record timestamp)",
    )
    g.add_argument(
        "--unit",
        metavar="C|F|K",
        default=s,
        help="unit of a number without one (KAFKATUI_UNIT; default C); a suffix such as -3.2F wins",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kafkatui",
        description="A terminal dashboard for Apache Kafka: cluster, freezer temperatures, "
        "topics, consumer-group lag, producer.",
        epilog=(
            f"Settings precedence: {PRECEDENCE}. Secrets (SASL_PASSWORD, SSL_KEY_PASSWORD) are "
            f"never shown. librdkafka and kafkatui log to {default_log_path()} "
            "(KAFKATUI_LOG_FILE to change), never to the terminal."
        ),
    )
    parser.add_argument("--version", action="version", version=f"kafkatui {__version__}")
    parser.add_argument(
        "--since",
        metavar="DURATION",
        default=None,
        help="open the freezer chart with history: 90s, 10m, 2h (default: live)",
    )
    parser.add_argument(
        "--alert-log",
        metavar="FILE",
        type=Path,
        default=None,
        help="append alert raise/clear events to FILE (.csv for CSV, else JSONL)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="embedded demo: librdkafka's mock cluster with simulated freezers (no broker, no Java)",
    )
    _fields(parser)
    _common(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="connect once and print the cluster (or why it failed)")
    _common(check)
    clusters = sub.add_parser("clusters", help="list the cluster profiles of the config file (secrets masked)")
    _common(clusters)
    clusters.add_argument("--check", action="store_true", help="connect to each profile at once, one line each")
    watch = sub.add_parser("watch", help="no screen: print one line per alert event and send notifications (--notify)")
    _common(watch)
    watch.add_argument("--json", action="store_true", help="JSON lines instead of sentences")
    sim = sub.add_parser("simulate", help="the seed's freezer-sensor producer: keys sensor0..N-1")
    _common(sim)
    sim.add_argument("--sensors", type=int, default=3, help="number of sensors (default 3)")
    sim.add_argument("--rate", type=float, default=1.0, help="readings per second per sensor")
    sim.add_argument(
        "--format",
        dest="fmt",
        choices=["plain", "json", "avro", "jsonschema", "protobuf"],
        default="plain",
        help="plain: -3.21 as the seed sends; json: {sensor, temperature, ts}; avro, jsonschema, protobuf: the "
        "same record serialized with a schema registered as <topic>-value (needs SCHEMA_REGISTRY_URL)",
    )
    sim.add_argument(
        "--anomalies",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="door-open spikes, compressor drift, a sensor going silent",
    )
    sim.add_argument("--acks", choices=["0", "1", "all"], default="all")
    sim.add_argument("--idempotence", action=argparse.BooleanOptionalAction, default=True)
    sim.add_argument("--count", type=int, default=None, help="stop after this many messages")
    sim.add_argument("--seed", type=int, default=None, help="random seed (repeatable runs)")
    return parser


def _cli_settings(ns: argparse.Namespace) -> dict[str, Any]:
    keys = (
        "bootstrap_servers",
        "security_protocol",
        "sasl_mechanism",
        "sasl_username",
        "timeout",
        "topic",
        "read_only",
        "toasts",
        "groups",
        "log_file",
        "limits",
        "notify",
        "notify_repeat",
        "value_field",
        "sensor_field",
        "time_field",
        "unit",
    )
    values = {k: getattr(ns, k) for k in keys if hasattr(ns, k)}
    if "groups" in values:
        values["groups"] = tuple(values["groups"])
    if "notify" in values:
        values["notify"] = tuple(values["notify"])
    return values


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"kafkatui: error: {_printable(message)}", file=sys.stderr)
    return code


def _printable(text: str) -> str:
    """One terminal line: control characters a value may carry (newline, ESC, ...) shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def load(ns: argparse.Namespace, cluster: str | None = None) -> Settings:
    """Settings from every source; `cluster` names a profile (else --cluster, KAFKATUI_CLUSTER,
    the file's default, or none)."""
    from kafkatui.profiles import load_config
    from kafkatui.settings import load_settings

    config = load_config(getattr(ns, "config_file", None))
    name, given = (cluster, "cluster") if cluster else _cluster_name(ns)
    profile = config.choose(name, given)
    extra: dict[str, Any] = {"demo": True} if getattr(ns, "demo", False) else {}
    return load_settings(
        {**_cli_settings(ns), **extra},
        config_file=getattr(ns, "config", None),
        overrides=getattr(ns, "x", None),
        profile=profile,
    )


def _cluster_name(ns: argparse.Namespace) -> tuple[str | None, str]:
    """The profile asked for, and how it was asked for (for messages)."""
    import os

    if getattr(ns, "cluster", None):
        return ns.cluster, "--cluster"
    return os.environ.get("KAFKATUI_CLUSTER") or None, "KAFKATUI_CLUSTER="


def main(argv: Sequence[str] | None = None) -> int:
    ns = build_parser().parse_args(argv)
    from kafkatui.settings import SettingsError

    settings: Settings | None = None
    try:
        if ns.command == "clusters":
            code = _clusters(ns)
            return _leave(code) if argv is None and getattr(ns, "check", False) else code
        from kafkatui.profiles import load_config

        config_warnings = load_config(getattr(ns, "config_file", None)).warnings
        settings = load(ns)
        from kafkatui.logs import setup_logging

        log_path = setup_logging(settings.log_file, settings.secret_values())
        if log_path is None and "log_file" in settings.model_fields_set:
            raise SettingsError(f"log file {settings.log_file}: cannot be opened for writing")
        from kafkatui.kafka.clients import validate

        validate(settings)
        from kafkatui.kafka.registry import validate as validate_registry

        validate_registry(settings)
        from kafkatui.settings import unused_credentials_warning

        for line in config_warnings:
            import logging

            logging.getLogger("kafkatui").warning("settings: %s", line)
            print(f"kafkatui: warning: {_printable(line)}", file=sys.stderr)
        warning = unused_credentials_warning(settings)
        if warning:
            import logging

            logging.getLogger("kafkatui").warning("settings: %s", warning)
            if ns.command is not None:  # check, simulate (the dashboard shows it on screen)
                print(f"kafkatui: warning: {warning}", file=sys.stderr)
        limits = _limits(settings)
        if settings.notify:
            _check_notify(settings)
        if ns.command == "check":
            code = _check(settings, STARTED if argv is None else None, limits)
            # as the program itself (not a test calling main): exit without waiting for
            # librdkafka's client teardown, which would push a failed check past its timeout
            return _leave(code) if argv is None else code
        if ns.command == "simulate":
            return _simulate(settings, ns)
        if ns.command == "watch":
            return _watch(settings, limits, ns)
        return _dashboard(settings, log_path, _since(ns), getattr(ns, "alert_log", None), limits, ns, config_warnings)
    except SettingsError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last line of defence: one redacted line, details in the log
        return _crash(exc, settings)


def _crash(exc: BaseException, settings: Settings | None) -> int:
    import logging
    import traceback

    from kafkatui.logs import setup_logging
    from kafkatui.redact import redact

    secrets = settings.secret_values() if settings is not None else []
    logger = logging.getLogger("kafkatui")
    if not logger.handlers:  # it failed before logging was set up: the log file, never the terminal
        import os

        setup_logging(Path(os.environ.get("KAFKATUI_LOG_FILE") or default_log_path()), secrets)
    logger.error("unexpected error:\n%s", redact("".join(traceback.format_exception(exc)), secrets))
    files = [h.baseFilename for h in logger.handlers if isinstance(h, logging.FileHandler)]
    line = " ".join(f"unexpected {type(exc).__name__}: {exc}".split())  # one line, always
    where = f" (details in {files[0]})" if files else ""
    return _fail(redact(line, secrets) + where, EXIT_FAIL)


def _clusters(ns: argparse.Namespace) -> int:
    """`kafkatui clusters [--check]`: one line per profile, secrets never shown."""
    from kafkatui.profiles import load_config
    from kafkatui.redact import redact
    from kafkatui.settings import SettingsError

    config = load_config(getattr(ns, "config_file", None))
    for line in config.warnings:
        print(f"kafkatui: warning: {_printable(line)}", file=sys.stderr)
    if not config.profiles:
        print(
            f"no cluster profiles: {config.path} has no [clusters.NAME] table"
            if config.path.is_file()
            else f"no cluster profiles: no config file at {config.path}"
        )
        return EXIT_OK
    loaded: dict[str, Settings | str] = {}
    for name in config.names:
        try:
            loaded[name] = load(ns, cluster=name)
        except SettingsError as exc:
            loaded[name] = str(exc)
    from kafkatui.logs import setup_logging

    settled = [item for item in loaded.values() if not isinstance(item, str)]
    log_file = settled[0].log_file if settled else default_log_path()
    setup_logging(log_file, [v for item in settled for v in item.secret_values()])  # librdkafka's lines go there
    width = max(len(n) for n in config.names)
    if not ns.check:
        boot = max([len("BOOTSTRAP")] + [len(i.bootstrap_servers) for i in loaded.values() if not isinstance(i, str)])
        print(f"{'NAME':<{width + 1}} {'BOOTSTRAP':<{boot}}  {'PROTOCOL':<14}  READ-ONLY")
        for name, item in loaded.items():
            shown = f"{name}*" if name == config.default else name  # * marks the default
            if isinstance(item, str):
                print(f"{shown:<{width + 1}} error: {_printable(item)}")
                continue
            line = f"{shown:<{width + 1}} {item.bootstrap_servers:<{boot}}  {item.effective_protocol:<14}  "
            print(_printable(redact(line + ("yes" if item.read_only else "no"), item.secret_values())))
        return EXIT_OK
    results = _check_all(loaded)
    for name in config.names:
        print(f"{name:<{width}}  {_printable(results[name])}")
    return EXIT_OK if all(r.startswith("OK") for r in results.values()) else EXIT_FAIL


def _check_all(loaded: dict[str, Settings | str]) -> dict[str, str]:
    """`check` on every profile at once (one thread each); each bounded by its own timeout."""
    import threading

    from kafkatui.kafka.check import run_check
    from kafkatui.kafka.clients import validate
    from kafkatui.redact import redact
    from kafkatui.settings import SettingsError

    results: dict[str, str] = {}

    def one(name: str, settings: Settings) -> None:
        try:
            validate(settings)
            result = run_check(settings)
        except SettingsError as exc:
            results[name] = f"FAILED {exc}"
            return
        except Exception as exc:  # one profile's surprise must not hide the others' lines
            results[name] = f"FAILED unexpected {type(exc).__name__}: {redact(str(exc), settings.secret_values())}"
            return
        if result.snapshot is None:
            assert result.failure is not None
            line = f"FAILED {settings.bootstrap_servers}: {result.failure.describe()}"
        else:
            snap = result.snapshot
            line = (
                f"OK {settings.bootstrap_servers}: {snap.brokers_up} of {len(snap.brokers)} brokers up, "
                f"{len(snap.user_topics)} topics, cluster {snap.cluster_id or 'id unknown'}"
            )
        results[name] = " ".join(redact(line, settings.secret_values()).split())

    threads: list[threading.Thread] = []
    deadline = time.monotonic()
    for name, item in loaded.items():
        if isinstance(item, str):
            results[name] = f"FAILED {item}"
            continue
        deadline = max(deadline, time.monotonic() + item.timeout + 2)
        thread = threading.Thread(target=one, args=(name, item), name=f"check-{name}", daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    for name in loaded:
        results.setdefault(name, "FAILED no answer within the timeout")
    return results


def _check(settings: Settings, started: float | None, limits: Limits | None = None) -> int:
    from kafkatui.kafka.check import format_report, run_check

    result = run_check(settings, started=started)
    if result.snapshot is None:
        assert result.failure is not None
        return _fail(f"{settings.bootstrap_servers}: {result.failure.describe()}", EXIT_FAIL)
    print("\n".join(format_report(result.snapshot) + _alert_lines(settings, limits)))
    from kafkatui.kafka.registry import probe, status_line

    registry = probe(settings)
    if registry is not None:
        print(status_line(registry))
        if registry.failure is not None:
            return EXIT_FAIL
    return EXIT_OK


def _alert_lines(settings: Settings, limits: Limits | None) -> list[str]:
    """What `check` says of alerts: the notification URLs by kind only (secrets), the limits file."""
    lines: list[str] = []
    if settings.notify:
        kinds = ", ".join(f"{_printable(u.get_secret_value().partition('://')[0][:20])}://…" for u in settings.notify)
        n = len(settings.notify)
        lines.append(f"notifications: {n} URL{'s' * (n != 1)} ({kinds}; the rest not shown: secrets)")
    if limits is not None and limits.source:
        sensors, groups = len(limits.sensor_patterns()), len(limits.group_patterns())
        lines.append(
            f"limits file: {_printable(limits.source)} ({sensors} sensor entr{'ies' if sensors != 1 else 'y'}, "
            f"{groups} group entr{'ies' if groups != 1 else 'y'})"
        )
    return lines


def _simulate(settings: Settings, ns: argparse.Namespace) -> int:
    from kafkatui.kafka.simulator import SimOptions, run_cli
    from kafkatui.settings import SettingsError

    if not 1 <= ns.sensors <= SENSORS_MAX:
        raise SettingsError(f"--sensors: must be between 1 and {SENSORS_MAX}")
    if not 0 < ns.rate <= 10_000:
        raise SettingsError("--rate: must be above 0 and at most 10000")
    if ns.count is not None and ns.count < 1:
        raise SettingsError("--count: must be at least 1")
    if ns.fmt in ("avro", "jsonschema", "protobuf") and not settings.schema_registry_url:
        raise SettingsError(
            f"--format {ns.fmt}: needs a Schema Registry; set SCHEMA_REGISTRY_URL (or schema.registry.url)"
        )
    if ns.idempotence and ns.acks != "all":
        raise SettingsError(
            "--idempotence needs --acks all (librdkafka refuses it otherwise); "
            "add --no-idempotence to use acks " + ns.acks
        )
    options = SimOptions(
        topic=settings.topic,
        sensors=ns.sensors,
        rate=ns.rate,
        fmt=ns.fmt,
        anomalies=ns.anomalies,
        count=ns.count,
        seed=ns.seed,
    )
    return run_cli(settings, options, acks=ns.acks, idempotence=ns.idempotence)


def _since(ns: argparse.Namespace) -> float | None:
    if not getattr(ns, "since", None):
        return None
    from kafkatui.domain.freezer import parse_duration
    from kafkatui.settings import SettingsError

    try:
        return parse_duration(ns.since)
    except ValueError as exc:
        raise SettingsError(f"--since: {exc}") from None


def _limits(settings: Settings) -> Limits:
    """The limits of this run (the limits file's, else the settings'); a bad file is a SettingsError."""
    from kafkatui.domain.limits import LimitsError
    from kafkatui.limits_file import limits_for, settings_base
    from kafkatui.settings import SettingsError

    try:
        return limits_for(settings.limits, settings_base(settings.temp_min, settings.temp_max, settings.stale_after))
    except LimitsError as exc:
        raise SettingsError(str(exc)) from None


def _watch(settings: Settings, limits: Limits, ns: argparse.Namespace) -> int:
    from kafkatui.watch import run_watch

    code = run_watch(settings, limits, json_lines=bool(getattr(ns, "json", False)))
    return _leave(code)


def _check_notify(settings: Settings) -> None:
    """Every notification URL must be one apprise knows; the error names its number, never the URL."""
    from kafkatui.notify.sender import unknown_urls
    from kafkatui.settings import SettingsError

    bad = unknown_urls([u.get_secret_value() for u in settings.notify])
    if bad:
        number, scheme = bad[0]
        raise SettingsError(
            f"--notify URL {number} ({_printable(scheme)}://…): not a notification URL apprise knows; "
            "see https://github.com/caronc/apprise/wiki for the syntax"
        )


def _dashboard(
    settings: Settings,
    log_path: Path | None,
    since: float | None,
    alert_log: Path | None,
    limits: Limits,
    ns: argparse.Namespace | None = None,
    notices: Sequence[str] = (),
) -> int:
    demo = None
    if settings.demo:
        from kafkatui.kafka.demo import REGISTRY_URL, DemoCluster

        demo = DemoCluster(topic=settings.topic).start()
        settings = settings.model_copy(
            update={
                "bootstrap_servers": demo.bootstrap,
                "security_protocol": "PLAINTEXT",
                "sasl_username": None,
                "sasl_password": None,
                "ssl_enabled": False,
                "ssl_ca_location": None,
                "ssl_certificate_location": None,
                "ssl_key_location": None,
                "file_properties": {},
                "overrides": {},
                "groups": settings.groups or ("freezer-alarm-service",),  # the demo's consumer group
                # the demo's in-process registry (one mock client, shared with the demo's producer)
                "schema_registry_url": REGISTRY_URL,
                "schema_registry_username": None,
                "schema_registry_password": None,
                "schema_registry_auth_source": None,
                "schema_registry_user_info": None,
                "schema_registry_ssl_ca_location": None,
                "schema_registry_ssl_certificate_location": None,
                "schema_registry_ssl_key_location": None,
                "schema_registry_ssl_key_password": None,
            }
        )
    from kafkatui.kafka.services import DashboardOptions, dashboard_commands, dashboard_services
    from kafkatui.kafka.worker import Relay, Worker

    # Start the worker (and so the connection) before the UI toolkit is imported; its events
    # wait in the relay until the app attaches.
    relay = Relay()
    services = dashboard_services(DashboardOptions(since=since, alert_log=alert_log, limits=limits))
    hubs: list[Any] = []  # the notification hub of the cluster shown (one at a time)

    def tapped(s: Settings, run_limits: Limits, emit: Any) -> Any:
        """`emit`, through a notification hub first when this cluster's settings name URLs."""
        if not s.notify:
            return emit
        from kafkatui.notify.hub import NotifyHub

        hub = NotifyHub(s, run_limits, emit=emit)
        hub.start()
        hubs.append(hub)
        return hub.tap

    early: list[Worker] = [
        Worker(settings, tapped(settings, limits, relay), extra_services=services, commands=dashboard_commands())
    ]
    early[0].start()
    from kafkatui.logs import LogFollower

    logs = LogFollower(log_path, settings.secret_values())

    def worker(s: Settings, emit: Any) -> Worker:
        if early:  # the first: already connecting
            relay.attach(emit)
            return early.pop()
        # after a switch: a fresh worker, with the new cluster's log file, limits and notifications
        app.log_path = logs.switch(s.log_file, s.secret_values())
        while hubs:
            hubs.pop().stop(0.5)
        run_limits = _limits(s)
        fresh = dashboard_services(DashboardOptions(since=since, alert_log=alert_log, limits=run_limits))
        return Worker(s, tapped(s, run_limits, emit), extra_services=fresh, commands=dashboard_commands())

    from kafkatui.tui.app import KafkaTuiApp

    profiles = _profiles_for_app(ns, settings if demo is not None else None)
    app = KafkaTuiApp(
        settings,
        worker_factory=worker,
        log_path=log_path,
        lazy_panes=True,
        profile=profiles.current,
        clusters=profiles.choices,
        settings_for=profiles.settings_for,
        config_source=profiles.source,
        notices=notices,
        overridden=profiles.overridden,
    )
    code = app.run()
    app.stop_worker()
    while hubs:
        hubs.pop().stop(0.5)
    if demo is not None:
        demo.stop()
    return _leave(EXIT_FAIL if app.crash_line else (code or EXIT_OK))


class _AppProfiles:
    """What the dashboard's cluster list needs: the profiles, the one in use, and how to build
    a profile's settings (the command line and environment still win over it)."""

    def __init__(self, ns: argparse.Namespace | None, demo: Settings | None) -> None:
        from kafkatui.profiles import load_config
        from kafkatui.settings import SettingsError
        from kafkatui.tui.screens.clusters import ClusterChoice

        self.ns = ns
        self.demo = demo
        config = load_config(getattr(ns, "config_file", None)) if ns is not None else None
        self.source = str(config.path) if config is not None else "the config file"
        name = _cluster_name(ns)[0] if ns is not None else None
        self.current: str | None = DEMO_PROFILE if demo is not None else None
        if config is not None and demo is None:
            self.current = name or config.default
        self.choices: list[ClusterChoice] = []
        if demo is not None:
            self.choices.append(ClusterChoice(DEMO_PROFILE, "librdkafka's mock cluster", "PLAINTEXT", demo.read_only))
        for profile in config.names if config is not None else []:
            try:
                s = self._load(profile)
            except SettingsError as exc:
                self.choices.append(ClusterChoice(profile, str(exc), "", False, usable=False))
                continue
            except Exception as exc:  # one odd profile must not stop the dashboard: listed, unusable
                self.choices.append(ClusterChoice(profile, f"cannot be used: {type(exc).__name__}", "", False, False))
                continue
            self.choices.append(ClusterChoice(profile, s.bootstrap_servers, s.effective_protocol, s.read_only))

    def _load(self, name: str) -> Settings:
        assert self.ns is not None
        settings = load(self.ns, cluster=name).model_copy(update={"demo": False})
        from kafkatui.kafka.clients import validate

        validate(settings)
        _limits(settings)  # a bad limits file or notify URL: the profile is listed unusable, with why
        if settings.notify:
            _check_notify(settings)
        return settings

    def settings_for(self, name: str) -> Settings:
        if name == DEMO_PROFILE and self.demo is not None:
            return self.demo
        return self._load(name)

    def overridden(self, name: str) -> list[str]:
        """What of the profile the command line or environment overrides (said on a switch)."""
        from kafkatui.profiles import load_config
        from kafkatui.settings import profile_overridden

        if self.ns is None or name == DEMO_PROFILE:
            return []
        profile = load_config(getattr(self.ns, "config_file", None)).profiles.get(name)
        return profile_overridden(profile, _cli_settings(self.ns)) if profile is not None else []


DEMO_PROFILE = "demo"


def _profiles_for_app(ns: argparse.Namespace | None, demo: Settings | None) -> _AppProfiles:
    return _AppProfiles(ns, demo)


def _leave(code: int) -> int:
    """Exit now that the terminal is restored: flush the logs, then skip interpreter teardown.

    The worker thread may still sit in a broker call and librdkafka's client destructors can
    block on an unreachable broker; neither is worth a single millisecond of the user's quit.
    """
    import logging
    import os

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
