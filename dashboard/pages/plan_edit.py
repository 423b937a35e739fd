"""Edit the improvement plan (`/admin/plan`), for admins: add an action, reword it, change its lead, re-date it,
change the measures it should move, or close it; each change with a reason. A change adds a version of the action
and never overwrites the one before: the action's page shows them all."""

from __future__ import annotations

import re
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import ids
from dashboard.components.fields import reason_field
from dashboard.components.notices import refusal_notice
from dashboard.server import auth
from dashboard.server.auth import requires
from dashboard.server.data import engine
from measures.accounts import users
from measures.domain.plan import Action
from measures.storage import plan as plan_store

dash.register_page(
    __name__,
    path="/admin/plan",
    name="Edit the plan",
    title="Edit the improvement plan - Measures that Matter",
    order=42,
    required_permission=users.EDIT_CATALOGUE,
)

TITLE = "Edit the improvement plan"
NEW = "new"
FIELD_LIMIT = 2000
_NUMBER = re.compile(r"^\s*([1-9]\d?)\.[1-9]\d?\s*$")


def _options() -> list[dict]:
    return [{"label": "Add a new action", "value": NEW}] + [
        {
            "label": f"{action.number} {action.text[:80]}" + (" (closed)" if action.closed else ""),
            "value": action.number,
        }
        for action in plan_store.current_actions(engine())
    ]


def _text_field(field_id: str, label: str, hint: str, value: str = "", textarea: bool = False) -> html.Div:
    hint_id = f"{field_id}-hint"
    control = (
        dcc.Textarea(
            id=field_id,
            value=value,
            rows=3,
            maxLength=FIELD_LIMIT,
            className="text-input",
        )
        if textarea
        else dcc.Input(
            id=field_id,
            value=value,
            type="text",
            maxLength=FIELD_LIMIT,
            className="text-input",
            debounce=False,
        )
    )
    return html.Div(
        [
            html.Label(label, htmlFor=field_id, className="field-label"),
            html.P(hint, className="hint", id=hint_id),
            control,
        ],
        className="field",
    )


def _fields(action: Action | None) -> list:
    """The form's fields, filled with `action`'s current version (empty for a new action)."""
    number = action.number if action is not None else ""
    fields: list = [
        html.H2(
            "A new action" if action is None else f"Action {action.number}" + (" (closed)" if action.closed else ""),
            id="edit-heading",
        )
    ]
    if action is None:
        fields.append(_text_field(ids.PLAN_EDIT_NUMBER, "Number", "The area and the action, for example 2.9.", number))
    else:
        # The number of an existing action never changes; the field is kept (hidden) so the form is the same.
        fields.append(html.Div(dcc.Input(id=ids.PLAN_EDIT_NUMBER, value=number, type="hidden")))
    fields += [
        _text_field(ids.PLAN_EDIT_TEXT, "Action", "As the plan words it.", action.text if action else "", True),
        _text_field(ids.PLAN_EDIT_LEAD, "Lead", "Who leads it, as the plan names them.", action.lead if action else ""),
        _text_field(
            ids.PLAN_EDIT_DEADLINE,
            "Deadline month",
            "The month by the end of which it is due, as YYYY-MM, for example 2023-05.",
            action.deadline if action else "",
        ),
        _text_field(
            ids.PLAN_EDIT_DEADLINE_TEXT,
            "Deadline as published",
            "The words the plan uses, for example Spring 2023 (optional).",
            action.deadline_text if action else "",
        ),
        _text_field(
            ids.PLAN_EDIT_MEASURES,
            "Measures",
            "The refs of the measures it should move, separated by spaces, for example 3.1 3.2.",
            " ".join(action.measures) if action else "",
        ),
        reason_field(
            ids.PLAN_EDIT_REASON,
            "Why is the plan changing?",
            "Required. Kept with the action's history and the audit log.",
            hint_id=ids.PLAN_EDIT_REASON_HINT,
        ),
        html.Div(
            [
                html.Button(
                    "Add the action" if action is None else "Save the change",
                    id=ids.PLAN_EDIT_SAVE,
                    className="button",
                    n_clicks=0,
                ),
                html.Button(
                    f"{'Reopen' if action is not None and action.closed else 'Close'} action {number}",
                    id=ids.PLAN_EDIT_CLOSE,
                    className="button button-secondary",
                    n_clicks=0,
                    hidden=action is None,
                ),
            ],
            className="button-row",
        ),
    ]
    return fields


def layout(**_query) -> html.Div:
    """The page, for admins."""
    refused = refusal_notice(TITLE, users.EDIT_CATALOGUE)
    if refused:
        return refused
    return html.Div(
        [
            html.H1(TITLE),
            html.P(
                "Add an action, reword it, change its lead, deadline or measures, or close it. Every change needs a "
                "reason and is kept as a new version beside the earlier ones.",
                className="lede",
            ),
            html.Div(
                [
                    html.Label("Action", htmlFor=ids.PLAN_EDIT_ACTION, className="picker-label"),
                    dcc.Dropdown(
                        id=ids.PLAN_EDIT_ACTION,
                        options=_options(),
                        value=NEW,
                        clearable=False,
                        searchable=True,
                        className="action-picker",
                    ),
                ],
                className="controls",
            ),
            html.Div(id=ids.PLAN_EDIT_STATUS, role="status"),
            html.Div(_fields(None), id=ids.PLAN_EDIT_FIELDS),
        ],
        className="plan-edit-page",
    )


@callback(
    Output(ids.PLAN_EDIT_FIELDS, "children"),
    Input(ids.PLAN_EDIT_ACTION, "value"),
    prevent_initial_call=True,
)
@requires(users.EDIT_CATALOGUE)
def choose_action(number: Any):
    """Show the chosen action's fields (empty ones for a new action). The status is left as it is: saving a new
    action chooses it, and what saving said must stay."""
    action = plan_store.action(engine(), number) if isinstance(number, str) and number != NEW else None
    return _fields(action)


def _text(value: Any) -> str:
    return value.strip()[:FIELD_LIMIT] if isinstance(value, str) else ""


def measure_refs(value: Any) -> tuple[str, ...]:
    """Return the refs typed in the measures field, in the order typed, once each ("3.1, 3.2 3.1" -> 3.1, 3.2)."""
    refs = [ref for ref in re.split(r"[\s,;]+", _text(value)) if ref]
    return tuple(dict.fromkeys(refs))


def changes(current: Action, typed: dict) -> dict:
    """Return the fields of `typed` (text, lead, deadline, deadline_text, measures) that differ from the action's
    `current` version, for `change_action`. A deadline re-dated with its published words left as they were drops
    those words, so the store words the new month by its name instead of keeping words that no longer fit."""
    found = {
        field: value
        for field, value in typed.items()
        if (tuple(value) if field == "measures" else value) != getattr(current, field)
    }
    if "deadline" in found and "deadline_text" not in found:
        found["deadline_text"] = ""
    return found


def _problems(problems: list[str]) -> html.Div:
    return html.Div(
        [
            html.P("Nothing was saved: put these right first.", className="notice-title"),
            html.Ul([html.Li(problem) for problem in problems]),
        ],
        className="notice notice-error",
        role="alert",
    )


def _saved(action: Action, what: str):
    return (
        html.P(
            [
                f"Action {action.number} {what} (version {action.version}). ",
                dcc.Link("See its history", href=f"/plan/{action.number}"),
            ],
            className="notice notice-success",
        ),
        _fields(action),
        _options(),
        action.number,
    )


@callback(
    Output(ids.PLAN_EDIT_STATUS, "children", allow_duplicate=True),
    Output(ids.PLAN_EDIT_FIELDS, "children", allow_duplicate=True),
    Output(ids.PLAN_EDIT_ACTION, "options"),
    Output(ids.PLAN_EDIT_ACTION, "value"),
    Input(ids.PLAN_EDIT_SAVE, "n_clicks"),
    State(ids.PLAN_EDIT_ACTION, "value"),
    State(ids.PLAN_EDIT_NUMBER, "value"),
    State(ids.PLAN_EDIT_TEXT, "value"),
    State(ids.PLAN_EDIT_LEAD, "value"),
    State(ids.PLAN_EDIT_DEADLINE, "value"),
    State(ids.PLAN_EDIT_DEADLINE_TEXT, "value"),
    State(ids.PLAN_EDIT_MEASURES, "value"),
    State(ids.PLAN_EDIT_REASON, "value"),
    prevent_initial_call=True,
)
@requires(users.EDIT_CATALOGUE)
def save_action(n_clicks, chosen, number, text, lead, deadline, deadline_text, measures, reason):
    """Add the new action, or save the change to the chosen one, as the signed-in admin; say so, or every
    problem."""
    if not n_clicks:
        return no_update, no_update, no_update, no_update
    text_, lead_, deadline_, deadline_text_ = _text(text), _text(lead), _text(deadline), _text(deadline_text)
    refs = measure_refs(measures)
    typed = {"text": text_, "lead": lead_, "deadline": deadline_, "deadline_text": deadline_text_, "measures": refs}
    try:
        if chosen == NEW:
            new_number = _text(number)
            match = _NUMBER.match(new_number)
            # The store names a malformed number among every other problem; its area is then no area at all.
            added = plan_store.add_action(
                engine(),
                number=new_number,
                area=int(match.group(1)) if match else 0,
                text=text_,
                lead=lead_,
                deadline=deadline_,
                deadline_text=deadline_text_,
                measures=refs,
                actor=auth.current_name(),
                reason=_text(reason),
            )
            return _saved(added, "is added")
        current = plan_store.action(engine(), str(chosen))
        if current is None:
            raise KeyError(chosen)
        changed = plan_store.change_action(
            engine(), str(chosen), actor=auth.current_name(), reason=_text(reason), **changes(current, typed)
        )
        return _saved(changed, "is changed")
    except plan_store.PlanError as error:
        return _problems(error.problems), no_update, no_update, no_update
    except KeyError:
        return _problems([f"There is no action {str(chosen)[:40]}."]), no_update, no_update, no_update


@callback(
    Output(ids.PLAN_EDIT_STATUS, "children", allow_duplicate=True),
    Output(ids.PLAN_EDIT_FIELDS, "children", allow_duplicate=True),
    Output(ids.PLAN_EDIT_ACTION, "options", allow_duplicate=True),
    Output(ids.PLAN_EDIT_ACTION, "value", allow_duplicate=True),
    Input(ids.PLAN_EDIT_CLOSE, "n_clicks"),
    State(ids.PLAN_EDIT_ACTION, "value"),
    State(ids.PLAN_EDIT_REASON, "value"),
    prevent_initial_call=True,
)
@requires(users.EDIT_CATALOGUE)
def close_action(n_clicks, chosen, reason):
    """Close the chosen open action, or reopen the chosen closed one, for the reason typed, as the signed-in admin;
    say so, or why not."""
    if not n_clicks or chosen == NEW or not isinstance(chosen, str):
        return no_update, no_update, no_update, no_update
    current = plan_store.action(engine(), chosen)
    if current is None:
        return _problems([f"There is no action {chosen[:40]}."]), no_update, no_update, no_update
    change = plan_store.reopen_action if current.closed else plan_store.close_action
    try:
        changed = change(engine(), chosen, actor=auth.current_name(), reason=_text(reason))
    except plan_store.PlanError as error:
        return _problems(error.problems), no_update, no_update, no_update
    except KeyError:
        return _problems([f"There is no action {chosen[:40]}."]), no_update, no_update, no_update
    return _saved(changed, "is closed" if changed.closed else "is reopened")
