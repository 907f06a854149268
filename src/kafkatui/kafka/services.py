"""The services the dashboard's worker runs besides metadata (one line per pane's data, and the
range export of the message viewer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kafkatui.domain.commands import Command
from kafkatui.domain.limits import Limits
from kafkatui.kafka.context import Context, Service
from kafkatui.kafka.dispatch import command_types
from kafkatui.kafka.freezer import FreezerFeed
from kafkatui.kafka.groups import GroupsService
from kafkatui.kafka.metadata import MetadataService
from kafkatui.kafka.producer import ProducerService
from kafkatui.kafka.range_export import RangeExportService
from kafkatui.kafka.topics import TopicsService
from kafkatui.kafka.worker import ServiceFactory

GROUPS_FIRST_REFRESH_AFTER = 1.5  # seconds after the worker starts


@dataclass(frozen=True, slots=True)
class DashboardOptions:
    since: float | None = None
    alert_log: Path | None = None
    limits: Limits | None = None  # per-sensor and per-group limits (the limits file's, or None)


def dashboard_services(options: DashboardOptions) -> tuple[ServiceFactory, ...]:
    def freezer(ctx: Context) -> Service:
        return FreezerFeed(
            ctx,
            since=options.since,
            alert_log=options.alert_log,
            limits=options.limits,
            limits_path=ctx.settings.limits,
        )

    def groups(ctx: Context) -> Service:
        # the group client process starts with the first refresh: not while the first frame is drawn
        return GroupsService(ctx, first_refresh_after=GROUPS_FIRST_REFRESH_AFTER, limits=options.limits)

    return (freezer, TopicsService, groups, ProducerService, RangeExportService)


# The services the dashboard runs, by class (the worker always adds MetadataService first).
DASHBOARD_SERVICES: tuple[type[Service], ...] = (
    MetadataService,
    FreezerFeed,
    TopicsService,
    GroupsService,
    ProducerService,
    RangeExportService,
)


def dashboard_commands() -> frozenset[type[Command]]:
    """Every command a pane can send: the dashboard's worker refuses to start unless each one has
    a service to handle it (its modules are imported above, so every command type is known)."""
    return command_types()
