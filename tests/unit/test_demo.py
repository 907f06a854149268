"""`kafkatui --demo`: the mock cluster, the simulator and the slow group feed the real worker path."""

from __future__ import annotations

import time

from textual.widgets import DataTable

from kafkatui.kafka.demo import DemoCluster
from kafkatui.kafka.services import DashboardOptions, dashboard_services
from kafkatui.kafka.worker import Worker
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp
from kafkatui.tui.widgets.virtual_table import VirtualTable


async def test_demo_shows_live_readings_within_seconds() -> None:
    started = time.monotonic()
    demo = DemoCluster().start()
    settings = Settings(_env_file=None, bootstrap_servers=demo.bootstrap, demo=True, refresh_interval=1.0)  # type: ignore[call-arg]
    services = dashboard_services(DashboardOptions())
    app = KafkaTuiApp(settings, worker_factory=lambda s, emit: Worker(s, emit, extra_services=services))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("2")
            sensors = app.query_one("#sensors", VirtualTable)
            while sensors.row_count < 3:
                assert time.monotonic() - started < 10, "no live readings"
                await pilot.pause(0.1)
            first_rows = time.monotonic() - started
            assert {str(sensors.get_row(k)[0]) for k in ("sensor0", "sensor1", "sensor2")} == {
                "sensor0",
                "sensor1",
                "sensor2",
            }
            brokers = app.query_one("#brokers", DataTable)
            assert brokers.row_count == 3  # the mock cluster's three brokers
            note = str(app.query_one("#cluster-note").render())
            assert "mock" in note and "not Apache Kafka" in note
            await pilot.press("q")
    finally:
        demo.stop()
    assert first_rows < 5.0
