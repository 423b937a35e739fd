"""Targets (`/admin/targets`), for admins: choose a measure, see its target, amber tolerance, objective and
timescale, change them, correct what good looks like (its polarity) with a reason, and see every recent change
with who made it. The changes are audited and kept when the catalogue file is loaded again."""

from __future__ import annotations

import math

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import ids
from dashboard.components.fields import reason_field
from dashboard.components.notices import refusal_notice
from dashboard.server import auth
from dashboard.server.auth import requires
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.catalogue import Catalogue, Measure, Target
from measures.domain.formatting import polarity_text
from measures.domain.periods import long_label
from measures.storage import audit, catalogue_records
from measures.storage.chart_changes import FROM_THE_START
from measures.storage.edits import (
    MAX_REASON_LENGTH,
    MAX_TEXT_FIELD_LENGTH,
    TARGET_HISTORY_KEY,
    EditError,
    TargetChange,
    change_polarity,
    change_target,
    polarity_problems,
    stored_fields,
    target_problems,
)

dash.register_page(
    __name__,
    path="/admin/targets",
    name="Targets",
    title="Targets - Measures that Matter",
    order=41,
    required_permission=users.EDIT_CATALOGUE,
)

TITLE = "Targets"
HISTORY_LIMIT = 30
NO_TARGET = "none"
KIND_LABELS = {
    NO_TARGET: "No target",
    "at_least": "At least a value (higher is on target)",
    "at_most": "At most a value (lower is on target)",
    "band": "A band from a low to a high value",
}
FIELD_LABELS = {
    "target_kind": "Kind of target",
    "target_low": "Lowest acceptable value",
    "target_high": "Highest acceptable value",
    "target_tolerance": "Amber tolerance",
    "target_text": "Target wording",
    "objective": "Objective",
    "timescale": "Timescale",
}
TARGET_FIELDS = ("target_kind", "target_low", "target_high")
POLARITY_LABELS = {
    "higher": "Higher is better",
    "lower": "Lower is better",
    "range": "Within the target band is best (only for a measure whose target is a band)",
    "none": "Neither: no direction is better (no better or worse, no SPC assurance)",
}
KIND_WORDS = {"at_least": "at least", "at_most": "at most", "band": "a band"}


# ---------------------------------------------------------------------------------------------------------------
# Words for targets and changes


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def target_words(kind: str | None, low: float | None, high: float | None) -> str:
    """Return a target in plain words from its kind and values ('at least 85', 'no target'); the wording an
    admin may give instead is left out, so that a change of number always shows."""
    if kind not in ("at_least", "at_most", "band"):
        return "no target"
    if (kind in ("at_least", "band") and low is None) or (kind in ("at_most", "band") and high is None):
        return f"{KIND_WORDS[kind]} (value missing)"
    return Target(kind=kind, low=low, high=high).describe()  # type: ignore[arg-type]


def _field_value(field: str, value) -> str:
    if field == "target_kind":
        return KIND_WORDS.get(value, str(value)) if value else "no target"
    if value is None or value == "":
        return "none"
    if field in ("target_low", "target_high", "target_tolerance"):
        return _number(value)
    return f"“{value}”"


def describe_changes(changed: dict[str, tuple], before: dict | None = None, after: dict | None = None) -> list[str]:
    """Return one line per change, e.g. 'Target: at least 85 → at least 90', from {field: (before, after)}.

    With the whole target before and after (`before`, `after`: target_kind, target_low, target_high) the
    target is said in one line; without them (an audit record keeps only what changed) each part is said
    on its own line.
    """
    lines = []
    target_changed = [field for field in TARGET_FIELDS if field in changed]
    if target_changed and before is not None and after is not None:
        lines.append(
            f"Target: {target_words(before['target_kind'], before['target_low'], before['target_high'])}"
            f" → {target_words(after['target_kind'], after['target_low'], after['target_high'])}"
        )
        fields = [field for field in changed if field not in TARGET_FIELDS]
    else:
        fields = list(changed)
    for field in sorted(fields, key=lambda name: list(FIELD_LABELS).index(name) if name in FIELD_LABELS else 99):
        old, new = (_field_value(field, value) for value in changed[field])
        if old != new:  # an empty wording stored as nothing reads the same either way
            lines.append(f"{FIELD_LABELS.get(field, field)}: {old} → {new}")
    if changed and not lines:
        lines.append("Only empty fields were tidied: nothing visible changed.")
    return lines


# ---------------------------------------------------------------------------------------------------------------
# Sections


def _measure_options(catalogue: Catalogue) -> list[dict]:
    return [{"label": f"{measure.ref} {measure.title}", "value": measure.ref} for measure in catalogue.measures]


def _find(catalogue: Catalogue, ref) -> Measure | None:
    return next((measure for measure in catalogue.measures if measure.ref == ref), None)


def _current(measure: Measure) -> html.Div:
    target = measure.target
    items = [
        ("Good looks like", polarity_text(measure)),
        ("Target", target.describe() if target else "No target is set."),
        ("Amber tolerance", _number(target.tolerance) if target else "Not used: there is no target."),
        ("Objective", measure.objective or "Not stated."),
        ("Timescale", measure.timescale or "Not stated."),
    ]
    return html.Div(
        [
            html.H2(f"{measure.ref} {measure.short_title} now", id="targets-current-heading"),
            html.Dl(
                [part for label, value in items for part in (html.Dt(label), html.Dd(value))], className="measure-about"
            ),
            _targets_over_time(measure),
            html.P(dcc.Link(f"See the page for measure {measure.ref}", href=f"/measure/{measure.ref}")),
        ]
    )


def _target_words(change: TargetChange) -> str:
    if change.kind is None:
        return "no target"
    return Target(kind=change.kind, low=change.low, high=change.high, text=change.text).describe()  # type: ignore[arg-type]


def _targets_over_time(measure: Measure) -> html.Div | None:
    """The measure's targets with the month each applied from, oldest first; None when it has never changed so."""
    if not measure.target_history:
        return None
    items = []
    for number, step in enumerate(measure.target_history):
        when = "Before that" if step.effective_from == FROM_THE_START else f"From {long_label(step.effective_from)}"
        if number + 1 < len(measure.target_history) and step.effective_from == FROM_THE_START:
            when = f"Before {long_label(measure.target_history[number + 1].effective_from)}"
        words = step.target.describe() if step.target is not None else "no target"
        items.append(html.Li([html.Strong(when), f": {words}", f" ({step.reason})" if step.reason else ""]))
    return html.Div([html.H3("Targets over time"), html.Ul(items)], className="targets-over-time")


def _kind_options(polarity: str) -> list[dict]:
    allowed = {"band"} if polarity == "range" else {NO_TARGET, "at_least", "at_most"}
    return [{"label": label, "value": kind, "disabled": kind not in allowed} for kind, label in KIND_LABELS.items()]


def _kind_hint(measure: Measure) -> str:
    if measure.polarity == "range":
        return "This measure is judged against a range, so its target must be a band."
    return "A band is only for measures judged against a range; this one is not."


def _form_values(measure: Measure) -> tuple:
    """The form's values for `measure`: kind, low, high, tolerance, wording, objective, timescale."""
    target = measure.target
    if target is None:
        return NO_TARGET, None, None, 0, "", measure.objective, measure.timescale
    return (target.kind, target.low, target.high, target.tolerance, target.text, measure.objective, measure.timescale)


def _number_field(field_id: str, label: str, hint: str, value, minimum: float | None = None) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=field_id, className="field-label"),
            html.P(hint, className="hint"),
            dcc.Input(
                id=field_id,
                type="number",
                value=value,
                step="any",
                min=minimum,
                inputMode="decimal",
                className="text-input number-input",
            ),
        ],
        className="field",
    )


def _text_field(field_id: str, label: str, hint: str, value: str, rows: int = 0) -> html.Div:
    control = (
        dcc.Textarea(id=field_id, value=value, rows=rows, maxLength=MAX_TEXT_FIELD_LENGTH, className="text-input")
        if rows
        else dcc.Input(id=field_id, type="text", value=value, maxLength=MAX_TEXT_FIELD_LENGTH, className="text-input")
    )
    return html.Div(
        [
            html.Label(label, htmlFor=field_id, className="field-label"),
            html.P(hint, className="hint"),
            control,
        ],
        className="field",
    )


def _form(measure: Measure) -> html.Div:
    kind, low, high, tolerance, text, objective, timescale = _form_values(measure)
    return html.Div(
        [
            html.H2("Change the target", id="targets-form-heading"),
            html.Fieldset(
                [
                    html.Legend("Kind of target", className="field-label"),
                    html.P(_kind_hint(measure), id=ids.TARGETS_KIND_HINT, className="hint"),
                    dcc.RadioItems(
                        id=ids.TARGETS_KIND,
                        options=_kind_options(measure.polarity),
                        value=kind,
                        className="checklist radio-list",
                    ),
                ],
                className="field fieldset",
            ),
            _number_field(
                ids.TARGETS_LOW,
                "Lowest acceptable value",
                "For 'at least' and for a band. Write percentages as numbers: 85 for 85%.",
                low,
            ),
            _number_field(ids.TARGETS_HIGH, "Highest acceptable value", "For 'at most' and for a band.", high),
            _number_field(
                ids.TARGETS_TOLERANCE,
                "Amber tolerance",
                "How far outside the target a figure is rated amber rather than red; 0 for no amber.",
                tolerance,
                minimum=0,
            ),
            _text_field(
                ids.TARGETS_TEXT,
                "Target wording",
                "Shown instead of the numbers, for example 'at least 90%'. Leave it empty to show the numbers. "
                f"Up to {MAX_TEXT_FIELD_LENGTH} characters.",
                text or "",
            ),
            _text_field(
                ids.TARGETS_OBJECTIVE,
                "Objective",
                f"What the improvement plan expects. Up to {MAX_TEXT_FIELD_LENGTH} characters.",
                objective or "",
                rows=3,
            ),
            _text_field(
                ids.TARGETS_TIMESCALE,
                "Timescale",
                f"When the plan expects it, for example 'March 2023'. Up to {MAX_TEXT_FIELD_LENGTH} characters.",
                timescale or "",
            ),
            html.Fieldset(
                [
                    html.Legend("When the new target applies", className="field-label"),
                    html.P(
                        "A month (YYYY-MM) from which the new target applies, and why it changes: both are needed "
                        "for a new target. The months before keep the target they were rated against, and the chart "
                        "draws each month's target as it was. A change to the objective or timescale alone needs "
                        "neither.",
                        className="hint",
                    ),
                    html.Label("Applies from", htmlFor=ids.TARGETS_EFFECTIVE, className="field-label"),
                    dcc.Input(id=ids.TARGETS_EFFECTIVE, type="text", value="", maxLength=7, className="text-input"),
                    reason_field(
                        ids.TARGETS_REASON,
                        "Why the target changes",
                        "Needed with a month; kept with the target's history, e.g. 'Agreed by the board, March 2023'.",
                    ),
                ],
                className="field fieldset",
            ),
            html.P(
                ["Changes are recorded as yours (", html.Strong(auth.current_name()), ") in the audit log."],
                className="hint",
            ),
            html.Div(
                html.Button("Save changes", id=ids.TARGETS_SAVE, n_clicks=0, type="button", className="button"),
                className="actions",
            ),
            html.Div(id=ids.TARGETS_STATUS, role="status"),
            html.Div(id=ids.TARGETS_ALERT, role="alert"),
        ],
        className="targets-form",
    )


def _polarity_form(measure: Measure) -> html.Div:
    """The form that corrects what good looks like, with the reason the audit log keeps."""
    return html.Div(
        [
            html.H2("Correct what good looks like", id="targets-polarity-heading"),
            html.P(
                "Whether higher or lower is better decides 'better' and 'worse', SPC's improvement and concern, and "
                "whether there is an SPC assurance. Correct it only when the source is wrong or silent, and say why.",
                className="hint",
            ),
            html.Fieldset(
                [
                    html.Legend("Good looks like", className="field-label"),
                    dcc.RadioItems(
                        id=ids.TARGETS_POLARITY,
                        options=[{"label": label, "value": value} for value, label in POLARITY_LABELS.items()],
                        value=measure.polarity,
                        className="checklist radio-list",
                    ),
                ],
                className="field fieldset",
            ),
            reason_field(
                ids.TARGETS_POLARITY_REASON,
                "Reason for the change",
                f"Required. Kept in the audit log with your name. Up to {MAX_REASON_LENGTH} characters.",
                rows=3,
            ),
            html.Div(
                html.Button(
                    "Save what good looks like",
                    id=ids.TARGETS_POLARITY_SAVE,
                    n_clicks=0,
                    type="button",
                    className="button",
                ),
                className="actions",
            ),
            html.Div(id=ids.TARGETS_POLARITY_STATUS, role="status"),
            html.Div(id=ids.TARGETS_POLARITY_ALERT, role="alert"),
        ],
        className="targets-form",
    )


def _polarity_history(catalogue: Catalogue) -> list:
    """The latest corrections of what good looks like, newest first, with their reasons (or a sentence)."""
    frame = audit.audit_frame(engine(), action="catalogue.polarity_changed", limit=HISTORY_LIMIT)
    if frame.empty:
        return [html.P("What good looks like has not been corrected in the app yet.")]
    rows = []
    for record in frame.to_dict("records"):
        detail = record["detail"] if isinstance(record["detail"], dict) else {}
        stored = detail.get("polarity")
        change: dict = stored if isinstance(stored, dict) else {}
        before, after = (POLARITY_LABELS.get(str(change.get(key)), str(change.get(key))) for key in ("from", "to"))
        measure = _find(catalogue, record["subject"])
        name = f"{measure.ref} {measure.short_title}" if measure else str(record["subject"])
        rows.append(
            html.Tr(
                [
                    html.Td(_when(record["at"])),
                    html.Td(str(record["actor"])),
                    html.Td(name),
                    html.Td(f"{before} → {after}"),
                    html.Td(str(detail.get("reason", ""))),
                ]
            )
        )
    return [
        html.Div(
            html.Table(
                [
                    html.Caption(
                        f"The latest {HISTORY_LIMIT} corrections of what good looks like, newest first",
                        className="visually-hidden",
                    ),
                    html.Thead(
                        html.Tr(
                            [
                                html.Th(text, scope="col")
                                for text in ("When (UTC)", "Who", "Measure", "What changed", "Reason")
                            ]
                        )
                    ),
                    html.Tbody(rows),
                ],
                className="report-table targets-history-table",
            ),
            className="table-scroll",
            tabIndex="0",
            role="region",
            **{"aria-labelledby": "targets-polarity-history-heading"},
        )
    ]


def _when(moment) -> str:
    return moment.strftime("%d %b %Y %H:%M") if hasattr(moment, "strftime") else str(moment or "")


def _history(catalogue: Catalogue) -> list:
    """The latest changes to targets, newest first, as a table (or a sentence when there are none)."""
    frame = audit.audit_frame(engine(), action="catalogue.target_changed", limit=HISTORY_LIMIT)
    if frame.empty:
        return [html.P("No target has been changed in the app yet.")]
    rows = []
    for record in frame.to_dict("records"):
        detail = record["detail"] if isinstance(record["detail"], dict) else {}
        changed = {
            field: (values.get("from"), values.get("to"))
            for field, values in detail.items()
            if isinstance(values, dict)
        }
        measure = _find(catalogue, record["subject"])
        name = f"{measure.ref} {measure.short_title}" if measure else str(record["subject"])
        rows.append(
            html.Tr(
                [
                    html.Td(_when(record["at"])),
                    html.Td(str(record["actor"])),
                    html.Td(dcc.Link(name, href=f"/measure/{measure.ref}") if measure else name),
                    html.Td(html.Ul([html.Li(line) for line in describe_changes(changed)], className="change-lines")),
                ]
            )
        )
    return [
        html.Div(
            html.Table(
                [
                    html.Caption(
                        f"The latest {HISTORY_LIMIT} changes to targets, newest first", className="visually-hidden"
                    ),
                    html.Thead(
                        html.Tr(
                            [html.Th(text, scope="col") for text in ("When (UTC)", "Who", "Measure", "What changed")]
                        )
                    ),
                    html.Tbody(rows),
                ],
                className="report-table targets-history-table",
            ),
            className="table-scroll",
            tabIndex="0",
            role="region",
            **{"aria-labelledby": "targets-history-heading"},
        )
    ]


@single_query_values
def layout(ref: str | None = None, **_query) -> html.Div:
    """The targets page, for admins; `ref` in the query string chooses the measure (default: the first)."""
    refused = refusal_notice(TITLE, users.EDIT_CATALOGUE)
    if refused:
        return refused
    catalogue = catalogue_records.read_catalogue(engine())
    header = [
        html.H1(TITLE),
        html.P(
            "Change a measure's target, amber tolerance, objective or timescale, or correct what good looks like. "
            "Every page uses the change at once, and every change is recorded with who made it.",
            className="lede",
        ),
    ]
    if not catalogue.measures:
        return html.Div(
            [
                *header,
                html.P(
                    "There are no measures yet: load the catalogue first (python -m measures init).",
                    className="notice notice-warning",
                ),
            ]
        )
    measure = _find(catalogue, ref) or catalogue.measures[0]
    return html.Div(
        [
            *header,
            html.Div(
                [
                    html.Label("Measure", htmlFor=ids.TARGETS_MEASURE, className="picker-label"),
                    dcc.Dropdown(
                        id=ids.TARGETS_MEASURE,
                        options=_measure_options(catalogue),
                        value=measure.ref,
                        clearable=False,
                        searchable=True,
                        className="targets-picker",
                    ),
                ],
                className="control targets-control",
            ),
            html.Section(_current(measure), id=ids.TARGETS_CURRENT, **{"aria-labelledby": "targets-current-heading"}),
            html.Section(_form(measure), **{"aria-labelledby": "targets-form-heading"}),
            html.Section(_polarity_form(measure), **{"aria-labelledby": "targets-polarity-heading"}),
            html.Section(
                [
                    html.H2("Changes to targets", id="targets-history-heading"),
                    html.P(
                        "Changes made here are kept when the catalogue file is loaded again: the file still updates "
                        "everything else about the measure, but not its target, tolerance, wording, objective or "
                        "timescale.",
                        className="hint",
                    ),
                    html.Div(_history(catalogue), id=ids.TARGETS_HISTORY),
                ],
                **{"aria-labelledby": "targets-history-heading"},
            ),
            html.Section(
                [
                    html.H2("Corrections of what good looks like", id="targets-polarity-history-heading"),
                    html.P("A correction made here is kept when the catalogue file is loaded again.", className="hint"),
                    html.Div(_polarity_history(catalogue), id=ids.TARGETS_POLARITY_HISTORY),
                ],
                **{"aria-labelledby": "targets-polarity-history-heading"},
            ),
        ],
        className="targets-page",
    )


# ---------------------------------------------------------------------------------------------------------------
# Callbacks


@callback(
    Output(ids.TARGETS_CURRENT, "children"),
    Output(ids.TARGETS_KIND, "options"),
    Output(ids.TARGETS_KIND, "value"),
    Output(ids.TARGETS_KIND_HINT, "children"),
    Output(ids.TARGETS_LOW, "value"),
    Output(ids.TARGETS_HIGH, "value"),
    Output(ids.TARGETS_TOLERANCE, "value"),
    Output(ids.TARGETS_TEXT, "value"),
    Output(ids.TARGETS_OBJECTIVE, "value"),
    Output(ids.TARGETS_TIMESCALE, "value"),
    Output(ids.TARGETS_STATUS, "children"),
    Output(ids.TARGETS_ALERT, "children"),
    Output(ids.TARGETS_EFFECTIVE, "value"),
    Output(ids.TARGETS_REASON, "value"),
    Input(ids.TARGETS_MEASURE, "value"),
    prevent_initial_call=True,
)
@requires(users.EDIT_CATALOGUE)
def choose_measure(ref: str | None):
    """Show the chosen measure's target and fill the form with it; the month and reason of a change start empty, so
    one measure's are never saved with another's."""
    measure = _find(catalogue_records.read_catalogue(engine()), ref)
    if measure is None:
        return (no_update,) * 14
    kind, low, high, tolerance, text, objective, timescale = _form_values(measure)
    return (
        _current(measure),
        _kind_options(measure.polarity),
        kind,
        _kind_hint(measure),
        low,
        high,
        tolerance,
        text or "",
        objective or "",
        timescale or "",
        "",
        "",
        "",
        "",
    )


def _parse_number(value, label: str, problems: list[str]) -> float | None:
    """The number in a form field (None when empty); adds a sentence to `problems` when it is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = math.nan if isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        problems.append(f"The {label} must be a number.")
        return None
    return number


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _alert(sentences: list[str]) -> html.Div:
    return html.Div([html.P(sentence) for sentence in sentences], className="notice notice-error")


@callback(
    Output(ids.TARGETS_STATUS, "children", allow_duplicate=True),
    Output(ids.TARGETS_ALERT, "children", allow_duplicate=True),
    Output(ids.TARGETS_CURRENT, "children", allow_duplicate=True),
    Output(ids.TARGETS_HISTORY, "children"),
    Input(ids.TARGETS_SAVE, "n_clicks"),
    State(ids.TARGETS_MEASURE, "value"),
    State(ids.TARGETS_KIND, "value"),
    State(ids.TARGETS_LOW, "value"),
    State(ids.TARGETS_HIGH, "value"),
    State(ids.TARGETS_TOLERANCE, "value"),
    State(ids.TARGETS_TEXT, "value"),
    State(ids.TARGETS_OBJECTIVE, "value"),
    State(ids.TARGETS_TIMESCALE, "value"),
    State(ids.TARGETS_EFFECTIVE, "value"),
    State(ids.TARGETS_REASON, "value"),
    prevent_initial_call=True,
)
@requires(users.EDIT_CATALOGUE)
def save_target(
    n_clicks: int | None,
    ref: str | None,
    kind: str | None,
    low,
    high,
    tolerance,
    text: str | None,
    objective: str | None,
    timescale: str | None,
    effective: str | None = None,
    reason: str | None = None,
):
    """Check and save the form as the signed-in admin's change, then say what changed (or that nothing did)."""
    if not n_clicks:
        return no_update, no_update, no_update, no_update
    catalogue = catalogue_records.read_catalogue(engine())
    measure = _find(catalogue, ref)
    if measure is None:
        return "", _alert(["Choose a measure from the list first."]), no_update, no_update
    problems: list[str] = []
    low_number = _parse_number(low, "lowest acceptable value", problems)
    high_number = _parse_number(high, "highest acceptable value", problems)
    tolerance_number = _parse_number(tolerance, "amber tolerance", problems)
    change = TargetChange(
        kind=None if kind in (None, NO_TARGET) else str(kind),
        low=low_number,
        high=high_number,
        tolerance=tolerance_number if tolerance_number is not None else 0.0,
        text=_text(text),
        objective=_text(objective),
        timescale=_text(timescale),
    )
    if not problems:
        problems.extend(target_problems(change, measure.polarity))
    if problems:
        return "", _alert(problems), no_update, no_update
    try:
        month = _text(effective).strip() or None
        changed = change_target(
            engine(), measure.ref, change, actor=auth.current_name(), effective_from=month, reason=_text(reason)
        )
    except EditError as error:
        return "", _alert([str(error)]), no_update, no_update
    if month is not None and TARGET_HISTORY_KEY in changed:
        updated = catalogue_records.read_catalogue(engine())
        message = html.P(
            f"Saved for {measure.ref}: the target from {long_label(month)} is "
            f"{_target_words(change)}; the months before keep theirs.",
            className="notice notice-success",
        )
        return message, "", _current(_find(updated, measure.ref) or measure), _history(updated)
    if not changed:
        message = html.P(
            f"Nothing changed: the form is the same as what is stored for {measure.ref}.",
            className="notice notice-success",
        )
        return message, "", no_update, no_update
    after = stored_fields(change)
    before = {field: changed[field][0] if field in changed else after[field] for field in TARGET_FIELDS}
    lines = describe_changes(changed, before, after)
    if change.text.strip() and "target_text" not in changed and any(field in changed for field in TARGET_FIELDS):
        lines.append(
            f"The target wording “{change.text.strip()}” is still shown instead of the numbers: check it says the same."
        )
    message = html.Div(
        [html.P(f"Saved the changes to {measure.ref}:"), html.Ul([html.Li(line) for line in lines])],
        className="notice notice-success",
    )
    updated = catalogue_records.read_catalogue(engine())
    return message, "", _current(_find(updated, measure.ref) or measure), _history(updated)


@callback(
    Output(ids.TARGETS_POLARITY, "value"),
    Output(ids.TARGETS_POLARITY_REASON, "value"),
    Output(ids.TARGETS_POLARITY_STATUS, "children"),
    Output(ids.TARGETS_POLARITY_ALERT, "children"),
    Input(ids.TARGETS_MEASURE, "value"),
    prevent_initial_call=True,
)
@requires(users.EDIT_CATALOGUE)
def choose_measure_polarity(ref: str | None):
    """Fill the polarity form with the chosen measure's polarity and an empty reason."""
    measure = _find(catalogue_records.read_catalogue(engine()), ref)
    if measure is None:
        return (no_update,) * 4
    return measure.polarity, "", "", ""


@callback(
    Output(ids.TARGETS_POLARITY_STATUS, "children", allow_duplicate=True),
    Output(ids.TARGETS_POLARITY_ALERT, "children", allow_duplicate=True),
    Output(ids.TARGETS_POLARITY_REASON, "value", allow_duplicate=True),
    Output(ids.TARGETS_CURRENT, "children", allow_duplicate=True),
    Output(ids.TARGETS_KIND, "options", allow_duplicate=True),
    Output(ids.TARGETS_KIND_HINT, "children", allow_duplicate=True),
    Output(ids.TARGETS_POLARITY_HISTORY, "children"),
    Input(ids.TARGETS_POLARITY_SAVE, "n_clicks"),
    State(ids.TARGETS_MEASURE, "value"),
    State(ids.TARGETS_POLARITY, "value"),
    State(ids.TARGETS_POLARITY_REASON, "value"),
    prevent_initial_call=True,
)
@requires(users.EDIT_CATALOGUE)
def save_polarity(n_clicks: int | None, ref: str | None, polarity: str | None, reason: str | None):
    """Check and save the corrected polarity as the signed-in admin's change, with its reason, then say what
    changed (or that nothing did)."""
    unchanged = (no_update,) * 5
    if not n_clicks:
        return (no_update, no_update, *unchanged)
    measure = _find(catalogue_records.read_catalogue(engine()), ref)
    if measure is None:
        return ("", _alert(["Choose a measure from the list first."]), *unchanged)
    chosen, why = _text(polarity), _text(reason)
    kind = measure.target.kind if measure.target is not None else None
    problems = polarity_problems(chosen, why, kind)
    if problems:
        return ("", _alert(problems), *unchanged)
    try:
        changed = change_polarity(engine(), measure.ref, chosen, why, actor=auth.current_name())
    except EditError as error:
        return ("", _alert([str(error)]), *unchanged)
    if changed is None:
        message = html.P(
            f"Nothing changed: {measure.ref} already reads '{POLARITY_LABELS[chosen]}'.",
            className="notice notice-success",
        )
        return (message, "", *unchanged)
    updated = catalogue_records.read_catalogue(engine())
    now = _find(updated, measure.ref) or measure
    message = html.P(
        f"Saved for {measure.ref}: good looks like {POLARITY_LABELS[changed[0]]} → {POLARITY_LABELS[changed[1]]}.",
        className="notice notice-success",
    )
    return (
        message,
        "",
        "",
        _current(now),
        _kind_options(now.polarity),
        _kind_hint(now),
        _polarity_history(updated),
    )
