"""What is sent, and when: notices from worker events, bursts gathered, reminders, resolved always sent."""

from __future__ import annotations

from kafkatui.domain.alerts import AlertEvent, AlertKind, Thresholds
from kafkatui.domain.groups import GroupRow, GroupsView
from kafkatui.domain.lag import GroupStatus
from kafkatui.domain.limits import SensorLimits, parse_limits
from kafkatui.domain.models import ConnectionState, Link
from kafkatui.domain.notices import NoticeTracker, Outbox

T = 1_764_000_000.0
CLUSTER = "127.0.0.1:9092"


def warm(sensor: str, raised: bool, ts: float, value: float = 9.0) -> AlertEvent:
    return AlertEvent(AlertKind.TOO_WARM, sensor, raised, value, 5.0, ts)


def test_a_raise_and_its_clear_say_what_which_value_limit_and_since_when() -> None:
    tracker = NoticeTracker()
    raised = tracker.alerts([warm("chiller-3", True, T)])
    cleared = tracker.alerts([warm("chiller-3", False, T + 300, 4.2)])
    assert raised[0].line() == "RAISED sensor chiller-3 too warm: 9 °C (max 5 °C), since 16:00:00 UTC"
    assert cleared[0].line() == (
        "RESOLVED sensor chiller-3 too warm: now 4.2 °C (max 5 °C), open since 16:00:00 UTC for 5 min"
    )
    stale = tracker.alerts([AlertEvent(AlertKind.STALE, "s1", True, 31.0, 30.0, T)])
    assert stale[0].line() == "RAISED sensor s1 silent: silent for 31 s (limit 30 s), since 16:00:00 UTC"
    assert cleared[0].to_json_dict(CLUSTER)["cluster"] == CLUSTER


def test_ten_sensors_out_at_once_are_one_message_and_resolved_is_always_sent() -> None:
    tracker, outbox = NoticeTracker(), Outbox(CLUSTER, repeat=3600.0, gather=0.5)
    outbox.add(tracker.alerts([warm(f"s{i}", True, T) for i in range(6)]), T)
    outbox.add(tracker.alerts([warm(f"s{i}", True, T + 0.3) for i in range(6, 10)]), T + 0.3)
    assert outbox.due(T + 0.4) is None  # still gathering
    message = outbox.due(T + 0.5)
    assert message is not None and len(message.notices) == 10
    assert message.title == f"kafkatui {CLUSTER}: 10 raised" and f"Cluster: {CLUSTER}" in message.body
    assert outbox.due(T + 1) is None
    outbox.add(tracker.alerts([warm("s1", False, T + 10, 4.0)]), T + 10)
    resolved = outbox.due(T + 11)
    assert resolved is not None and resolved.title == f"kafkatui {CLUSTER}: RESOLVED sensor s1 too warm"


def test_an_open_alert_is_repeated_at_most_every_repeat_seconds() -> None:
    tracker, outbox = NoticeTracker(), Outbox(CLUSTER, repeat=3600.0, gather=0.5)
    outbox.add(tracker.alerts([warm("s1", True, T), warm("s2", True, T)]), T)
    assert outbox.due(T + 1) is not None
    outbox.add(tracker.alerts([warm("s2", False, T + 60, 3.0)]), T + 60)
    assert outbox.due(T + 61) is not None  # s2 resolved
    assert outbox.due(T + 3000) is None
    reminder = outbox.due(T + 3601)
    assert reminder is not None and reminder.repeat and [n.subject for n in reminder.notices] == ["s1"]
    assert "still open" in reminder.title
    assert outbox.due(T + 3700) is None and outbox.due(T + 7202) is not None
    # the same raise again (a duplicate event) is not a new notice
    assert tracker.alerts([warm("s1", True, T + 9000)]) == []


def _group(gid: str, status: GroupStatus, seconds: float | None) -> GroupRow:
    return GroupRow(gid, "Stable", "classic", 1, ("t",), 5, (5,), 1.0, 1.0, None, seconds, status)


def test_group_status_err_by_default_warn_where_the_file_says_and_lag_over_its_limit() -> None:
    text = '[groups."orders-*"]\nmax_lag_seconds = 60\n[groups.audit]\nalert_on = "WARN"\n'
    limits = parse_limits(text, "l.toml", SensorLimits(Thresholds(-5, 5), 30.0))
    tracker = NoticeTracker()
    first = GroupsView(
        T,
        (
            _group("orders-1", GroupStatus.OK, 90.0),
            _group("billing", GroupStatus.WARN, 1.0),
            _group("audit", GroupStatus.WARN, 1.0),
            _group("pay", GroupStatus.ERR, 1.0),
            _group("orders-2", GroupStatus.UNKNOWN, None),
        ),
        (),
    )
    lines = [n.line() for n in tracker.groups(first, limits)]
    assert lines == [
        "RAISED group orders-1 lag over its limit: oldest unread 90 s (limit 60 s), since 16:00:00 UTC",
        "RAISED group audit status WARN: WARN (alerts on WARN or worse), since 16:00:00 UTC",
        "RAISED group pay status ERR: ERR (alerts on ERR), since 16:00:00 UTC",
    ]
    later = GroupsView(
        T + 120, (_group("orders-1", GroupStatus.OK, 20.0), _group("pay", GroupStatus.UNKNOWN, None)), ()
    )
    back = tracker.groups(later, limits)
    assert [(n.subject, n.condition, n.raised) for n in back] == [("orders-1", "lag", False)]  # unknown: no change


def test_the_cluster_unreachable_and_back() -> None:
    tracker = NoticeTracker()
    assert tracker.connection(ConnectionState(Link.CONNECTING, "", T), CLUSTER, T) == []
    down = tracker.connection(ConnectionState(Link.UNREACHABLE, "Connection refused", T), CLUSTER, T)
    assert down[0].line() == (
        f"RAISED cluster {CLUSTER} unreachable: Connection refused (no broker answers), since 16:00:00 UTC"
    )
    assert tracker.connection(ConnectionState(Link.UNREACHABLE, "again", T + 5), CLUSTER, T + 5) == []
    up = tracker.connection(ConnectionState(Link.CONNECTED, "", T + 65), CLUSTER, T + 65)
    assert up[0].raised is False and "for 65 s" in up[0].line()


def test_a_huge_burst_lists_a_bounded_number_of_lines() -> None:
    tracker, outbox = NoticeTracker(), Outbox(CLUSTER, gather=0.0, max_lines=25)
    outbox.add(tracker.alerts([warm(f"s{i}", True, T) for i in range(2000)]), T)
    message = outbox.due(T)
    assert message is not None and "… and 1975 more" in message.body
    assert message.body.count("\n") == 26


def test_names_from_outside_are_inert_in_every_line() -> None:
    tracker = NoticeTracker()
    [notice] = tracker.alerts([warm("evil\x1b[2J\nname", True, T)])
    assert "\x1b" not in notice.line() and "\n" not in notice.line()
