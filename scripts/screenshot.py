#!/usr/bin/env python3
"""Make docs/screenshot.svg from the real demo: mock cluster, simulator, worker, app (headless).

Waits until the scheduled door-open spike has raised an alert, then saves the Freezer pane.
Usage: python scripts/screenshot.py [seconds-to-wait, default 40]
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from kafkatui.domain.freezer import FreezerView
from kafkatui.kafka.demo import DemoCluster
from kafkatui.kafka.services import DashboardOptions, dashboard_services
from kafkatui.kafka.worker import Worker
from kafkatui.settings import Settings
from kafkatui.tui.app import KafkaTuiApp

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshot.svg"


async def main(wait: float) -> None:
    demo = DemoCluster().start()
    settings = Settings(_env_file=None, bootstrap_servers=demo.bootstrap, demo=True)  # type: ignore[call-arg]
    services = dashboard_services(DashboardOptions())
    app = KafkaTuiApp(settings, worker_factory=lambda s, emit: Worker(s, emit, extra_services=services))
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.press("2")
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            await pilot.pause(1.0)
            view = app.query_one("#freezer-pane").view  # type: ignore[attr-defined]
            if isinstance(view, FreezerView) and view.active and time.monotonic() > deadline - wait + 20:
                break
        OUT.parent.mkdir(exist_ok=True)
        app.save_screenshot(filename=OUT.name, path=str(OUT.parent))
    demo.stop()
    print(OUT)


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 40.0))
