"""Form fields the pages share."""

from __future__ import annotations

from dash import dcc, html

from measures.storage.edits import MAX_REASON_LENGTH


def picker(
    label: str,
    picker_id: str,
    options: list[dict],
    value: object,
    class_name: str,
    placeholder: str | None = None,
    searchable: bool = False,
) -> html.Div:
    """A labelled drop-down of the pages' controls ("As at", "Area", "Lead"): cleared only when it has a
    `placeholder` to fall back to."""
    return html.Div(
        [
            html.Label(label, htmlFor=picker_id, className="picker-label"),
            dcc.Dropdown(
                id=picker_id,
                options=options,
                value=value,
                placeholder=placeholder,
                clearable=placeholder is not None,
                searchable=searchable,
                className=class_name,
            ),
        ],
        className="control",
    )


def reason_field(field_id: str, label: str, hint: str, hint_id: str | None = None, rows: int = 2) -> html.Div:
    """A labelled box for the reason behind a change (a correction, a withdrawal, a revision of a published
    month), with its hint under the label and at most MAX_REASON_LENGTH characters."""
    return html.Div(
        [
            html.Label(label, htmlFor=field_id, className="field-label"),
            html.P(hint, className="hint", **({"id": hint_id} if hint_id else {})),
            dcc.Textarea(id=field_id, value="", rows=rows, maxLength=MAX_REASON_LENGTH, className="text-input"),
        ],
        className="field",
    )


def file_drop_zone(upload_id: str, what: str, limits: str, accept: str, max_size: int) -> dcc.Upload:
    """The box a file is dropped on or chosen through: "Drop the `what` here or choose a file (`limits`)", taking
    only the types in `accept` and at most `max_size` bytes."""
    return dcc.Upload(
        id=upload_id,
        children=html.Div(
            [
                html.Strong(f"Drop the {what} here"),
                " or ",
                html.Span("choose a file", className="link-like"),
                html.Span(f" ({limits})", className="muted"),
            ]
        ),
        accept=accept,
        max_size=max_size,
        multiple=False,
        className="dropzone",
        className_active="dropzone dropzone-active",
        className_reject="dropzone dropzone-reject",
    )


def checking_preview(preview_id: str, checking: str) -> dcc.Loading:
    """Where a dropped file's report appears, announced to screen readers, with `checking` ("Reading the file and
    checking every cell…") shown over it while the check runs."""
    return dcc.Loading(
        html.Div(id=preview_id, **{"aria-live": "polite"}),
        type="default",
        overlay_style={"visibility": "visible", "opacity": 0.5},
        custom_spinner=html.Div(
            [html.Div(className="spinner"), html.P(checking)],
            className="loading-message",
            role="status",
        ),
    )
