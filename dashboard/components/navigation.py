"""Moving between views of a page through its address, so that every view can be shared as a link."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from dash import Input, Output, State, callback, clientside_callback, no_update

from dashboard import ids
from dashboard.server.auth import requires
from measures.domain.periods import is_period


def view_search(**query: str | None) -> str:
    """Return the address query of a view from its non-empty values in the order given, e.g. '?period=2023-01';
    '' when there are none."""
    values = {name: value for name, value in query.items() if value not in (None, "")}
    return "?" + urlencode(values) if values else ""


def navigate(search: str, shown: str | None):
    """Return the query to navigate to, or no_update when it is the view already shown.

    Dash fires a page's picker callbacks when the router inserts the page; the view chosen is then the view
    shown, and navigating again would render the page twice.
    """
    return no_update if search == shown else search


def month_navigation(picker_id: str, shown_id: str, permission: str):
    """Register, for a page whose only view choice is the month, the callback that navigates to the month picked
    in `picker_id` (the address is then shareable and the pages router renders that month); `shown_id` holds
    the view already shown. Readers need `permission`. Returns the callback function."""

    @callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(picker_id, "value"),
        State(shown_id, "data"),
        prevent_initial_call=True,
    )
    @requires(permission)
    def choose_month(period: str | None, shown: str | None):
        if not is_period(period):
            return no_update
        return navigate(view_search(period=period), shown)

    return choose_month


def keep_focus_across_views(
    storage_key: str, control_ids: list[str], shown_id: str, kept_id: str, restored_id: str
) -> None:
    """Keep the keyboard focus on the control used when choosing a view navigates and the page is drawn again.

    Choosing a month or a filter navigates, and the page router draws the whole page again, controls included: the
    control used would be gone and the keyboard focus lost to the top of the page. So the control in focus when a
    choice is made among `control_ids` is noted for this tab under `storage_key` (which control, and which of its
    checkboxes or its button, in the store `kept_id`), and when the page is drawn again (`shown_id`, the view's
    store, is new) focus returns to the same place in the new control (the store `restored_id`)."""
    clientside_callback(
        """
        function () {
            var triggered = window.dash_clientside.callback_context.triggered;
            if (!triggered.length) { return window.dash_clientside.no_update; }
            var controlId = triggered[0].prop_id.split(".")[0];
            var control = document.getElementById(controlId);
            var active = document.activeElement;
            // A checkbox keeps its place; a drop-down has closed by now, and its button takes the focus back.
            var inside = control && active && active.tagName === "INPUT" && control.contains(active);
            var used = { control: controlId, value: inside ? active.value : null, at: Date.now() };
            window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(used));
            return window.dash_clientside.no_update;
        }
        """.replace("STORAGE_KEY", json.dumps(storage_key)),
        Output(kept_id, "data"),
        *[Input(control_id, "value") for control_id in control_ids],
        prevent_initial_call=True,
    )
    clientside_callback(
        """
        function (shown) {
            var kept = window.sessionStorage.getItem(STORAGE_KEY);
            if (!kept) { return window.dash_clientside.no_update; }
            window.sessionStorage.removeItem(STORAGE_KEY);
            var used = JSON.parse(kept);
            if (Date.now() - used.at > 30000) { return window.dash_clientside.no_update; }
            var tries = 0;
            function restore() {
                var control = document.getElementById(used.control);
                var target = null;
                if (control) {
                    if (used.value !== null) {
                        target = Array.prototype.find.call(control.querySelectorAll("input"), function (input) {
                            return input.value === used.value;
                        });
                    } else {
                        target = control.tagName === "BUTTON" ? control : control.querySelector("button");
                    }
                }
                if (target) {
                    target.focus({ preventScroll: true });
                    if (document.activeElement === target) { return; }
                }
                if (tries++ < 40) { window.setTimeout(restore, 25); }
            }
            restore();
            return window.dash_clientside.no_update;
        }
        """.replace("STORAGE_KEY", json.dumps(storage_key)),
        Output(restored_id, "data"),
        Input(shown_id, "data"),
    )
