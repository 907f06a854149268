"""The five panes' tabs: TabbedContent that follows only news about the tab open now.

TabbedContent opens the tab of a widget that gets focus, and does so when the message saying
so is handled, not when the focus happened. At start-up the app focuses the Cluster pane's table;
if a pane key (or a test) switches tabs before that message is handled, the stale message pulls
the user back to the Cluster pane. Keys go to panes by number, and a hidden pane's widgets cannot
be focused by the keyboard or the mouse, so a focus message from a tab that is no longer open is
always stale: it is dropped. The same holds for a stale "tab activated" from the tab strip.
"""

from __future__ import annotations

from textual.widgets import TabbedContent, TabPane, Tabs


class PaneTabs(TabbedContent):
    def on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        if event.tab_pane.id != self.active:
            event.stop()
            event.prevent_default()  # TabbedContent's own handler would open that tab again

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tabs.active != (event.tab.id or ""):
            event.stop()
            event.prevent_default()
