"""Moving between views of a page through its address, so that every view can be shared as a link."""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import urlencode

from dash import Input, Output, State, clientside_callback

from dashboard import ids
from measures.domain.periods import FIRST_YEAR, LAST_YEAR


def view_search(**query: str | None) -> str:
    """Return the address query of a view from its non-empty values in the order given, e.g. '?period=2023-01';
    '' when there are none."""
    values = {name: value for name, value in query.items() if value not in (None, "")}
    return "?" + urlencode(values) if values else ""


# A query part: how one control's value becomes `name=text` in the address (assets/view-navigation.js builds it).
QueryPart = dict[str, object]


def month_part(name: str = "period", *, required: bool = False) -> QueryPart:
    """A month picker's part: its value when it is a month ('YYYY-MM' of a year the app reads), else left out, or,
    when `required`, nothing to navigate to."""
    return {"kind": "month", "name": name, "required": required, "years": [FIRST_YEAR, LAST_YEAR]}


def choices_part(
    name: str, choices: Sequence[str], *, default: Sequence[str] | None = None, none: str | None = None
) -> QueryPart:
    """A checklist's part: the values ticked among `choices`, in that order, joined by commas; left out when none
    is ticked, or, given a `default`, when the ticked ones are the default (then none ticked reads `none`)."""
    part: QueryPart = {"kind": "choices", "name": name, "choices": list(choices)}
    if default is not None:
        part.update(default=list(default), none=none)
    return part


def number_part(name: str, pattern: str = "[0-9]+") -> QueryPart:
    """A number's part (e.g. an area): a whole number written to match `pattern` (ASCII digits), without
    leading zeros; anything else left out."""
    return {"kind": "number", "name": name, "pattern": pattern}


def text_part(
    name: str, *, leave_out: Sequence[str] = (), blank_if_spaces: bool = False, max_length: int | None = None
) -> QueryPart:
    """A text's part (a team, a lead): the text as chosen, at most `max_length` characters; left out when empty
    (or only spaces, with `blank_if_spaces`) or one of `leave_out` (e.g. the choice meaning "all")."""
    return {
        "kind": "text",
        "name": name,
        "leave_out": list(leave_out),
        "blank_if_spaces": blank_if_spaces,
        "max_length": max_length,
    }


def flag_part(name: str, choice: str, value: str = "1") -> QueryPart:
    """A single checkbox's part: `name=value` when `choice` is ticked, else left out."""
    return {"kind": "flag", "name": name, "choice": choice, "value": value}


def view_navigation(controls: Sequence[tuple[str, QueryPart]], shown_id: str, *, encoded: bool = True) -> None:
    """Register, in the browser, the navigation of a page's view controls: when one of `controls` (control id,
    and the query part its value gives, in the order of the address) changes, the address query becomes the view
    they choose (shareable; the pages router then renders the page for it). `shown_id` is the store holding the
    query of the view shown: the same query changes nothing, as when the router inserts the page and Dash fires
    this with the controls as drawn. `encoded`: the query is form-encoded as `urlencode` writes it, else written
    as the parts give it (commas kept).

    No request goes to the server: the query must be built here exactly as the page builds its shown store, or the
    page would be rendered twice."""
    spec = {"parts": [part for _, part in controls], "encoded": encoded}
    clientside_callback(
        "function () { return window.dash_clientside.navigation.chooseView(SPEC, arguments); }".replace(
            "SPEC", json.dumps(spec, sort_keys=True)
        ),
        Output(ids.URL, "search", allow_duplicate=True),
        *[Input(control_id, "value") for control_id, _ in controls],
        State(shown_id, "data"),
        prevent_initial_call=True,
    )


def month_navigation(picker_id: str, shown_id: str) -> None:
    """Register, for a page whose only view choice is the month, the navigation to the month picked in
    `picker_id` (see `view_navigation`; a value that is not a month navigates nowhere); `shown_id` holds the
    query of the view shown, `view_search(period=...)`."""
    view_navigation([(picker_id, month_part(required=True))], shown_id)


def keep_focus_across_views(
    storage_key: str, control_ids: list[str], shown_id: str, kept_id: str, restored_id: str
) -> None:
    """Keep the keyboard focus on the control used when choosing a view navigates and the page is drawn again.

    Choosing a month or a filter navigates, and the page router draws the whole page again, controls included: the
    control used would be gone and the keyboard focus lost to the top of the page. So the control in focus when a
    choice is made among `control_ids` is noted for this tab under `storage_key` (which control, and which of its
    checkboxes or its button, in the store `kept_id`), and when the page is drawn again (`shown_id`, the view's
    store, is new) focus returns to the same place in the new control (the store `restored_id`)."""
    key = json.dumps(storage_key)
    clientside_callback(
        f"function () {{ return window.dash_clientside.navigation.noteControlUsed({key}); }}",
        Output(kept_id, "data"),
        *[Input(control_id, "value") for control_id in control_ids],
        prevent_initial_call=True,
    )
    clientside_callback(
        f"function () {{ return window.dash_clientside.navigation.restoreFocus({key}); }}",
        Output(restored_id, "data"),
        Input(shown_id, "data"),
    )
