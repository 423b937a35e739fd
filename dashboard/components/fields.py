"""Form fields the pages share."""

from __future__ import annotations

from dash import dcc, html

from measures.storage.edits import MAX_REASON_LENGTH


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
