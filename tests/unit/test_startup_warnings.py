"""Settings warnings reach the screen at start (unused SASL credentials)."""

from __future__ import annotations

import canned
from kafkatui.tui.app import KafkaTuiApp


async def test_unused_sasl_credentials_are_announced() -> None:
    settings = canned.settings(sasl_username="me", sasl_password="CANARY-pw", security_protocol="PLAINTEXT")
    app = KafkaTuiApp(settings, clock=canned.clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert any("SASL_USERNAME and SASL_PASSWORD are set" in m and "PLAINTEXT" in m for m in shown), shown
        assert not any("CANARY" in m for m in shown)


async def test_no_warning_when_credentials_are_used() -> None:
    app = KafkaTuiApp(canned.settings(sasl_username="me", sasl_password="CANARY-pw"), clock=canned.clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert not [n for n in app._notifications if n.title == "settings"]
