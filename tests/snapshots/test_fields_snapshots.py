"""Snapshots of the Freezer pane's field mapping line and the field picker (canned data, fixed clock)."""

from __future__ import annotations

from typing import Any

import canned
from kafkatui.domain.mapping import FieldsFound, FieldStat, MappingView
from kafkatui.domain.readings import ParseRules
from kafkatui.tui.app import KafkaTuiApp

SMALL = (80, 24)
LARGE = (160, 48)
FOUND = FieldsFound(
    (
        FieldStat("temp_c", "-19.5", 180),
        FieldStat("readings.celsius", "-18.25", 20),
        FieldStat("samples.0.v", "1.5", 20),
        FieldStat("door_open_s", "0", 7),
    ),
    200,
    187,  # 13 plain values among them
)


def _feed(picker: bool) -> Any:
    async def feed(pilot: Any) -> None:
        app = pilot.app
        app.apply(canned.CONNECTED)
        app.apply(canned.cluster())
        await pilot.press("2")
        app.apply(MappingView(ParseRules.mapped("temp_c", "device")))
        app.apply(canned.freezer_view())
        await pilot.pause()
        if picker:
            await pilot.press("p")
            app.apply(FOUND)
            await pilot.pause()
            await pilot.pause(0.2)

    return feed


def _app() -> KafkaTuiApp:
    return KafkaTuiApp(canned.settings(), clock=canned.clock)


def test_freezer_mapping_80x24(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=SMALL, run_before=_feed(False))


def test_freezer_mapping_160x48(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=LARGE, run_before=_feed(False))


def test_field_picker_80x24(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=SMALL, run_before=_feed(True))


def test_field_picker_160x48(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=LARGE, run_before=_feed(True))
