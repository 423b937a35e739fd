"""How an import's preview and outcome read on the upload page: counts, every problem against its cell,
and what would change."""

from __future__ import annotations

from dash import dcc, html

from measures.domain.catalogue import Catalogue
from measures.domain.formatting import format_figure
from measures.domain.periods import long_label
from measures.returns.report import ImportReport, Issue

MAX_CHANGE_ROWS = 200
MAX_ISSUE_ROWS = 200  # per table: a file with a mistake on every one of 50,000 rows made a 36 MB page


def _issue_table(issues: list[Issue], caption: str, kind: str) -> html.Div:
    shown = issues[:MAX_ISSUE_ROWS]
    more = len(issues) - len(shown)
    what = "errors" if kind == "error" else "warnings"
    return html.Div(
        [
            _issue_rows(shown, caption, kind),
            html.P(
                f"… and {more:,} more {what}, not listed here. Correct the cells listed (the same mistake is often "
                "repeated down a column), then upload the file again to see any that remain.",
                className="muted",
            )
            if more > 0
            else None,
        ]
    )


def _issue_rows(issues: list[Issue], caption: str, kind: str) -> html.Table:
    # On a phone each issue is laid out as a grid (its place on one line, the advice below it, in CSS); the
    # roles are explicit because a browser drops a table's own semantics once its rows are displayed as grids.
    headings = ("Sheet", "Cell", "Measure", "Month", "What to do")
    return html.Table(
        [
            html.Caption(caption),
            html.Thead(
                html.Tr([html.Th(h, scope="col", role="columnheader") for h in headings], role="row"), role="rowgroup"
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(issue.sheet, role="cell"),
                            html.Td(issue.cell, className="mono", role="cell"),
                            html.Td(issue.ref, role="cell"),
                            html.Td(long_label(issue.period) if issue.period else "", role="cell"),
                            html.Td(issue.detail or issue.message, className="advice", role="cell"),
                        ],
                        className=f"issue issue-{kind}",
                        role="row",
                        **{"data-code": issue.code},
                    )
                    for issue in issues
                ],
                role="rowgroup",
            ),
        ],
        className=f"report-table issues-table issues-{kind}",
        role="table",
    )


def _figure_text(catalogue: Catalogue, ref: str, record: dict | None) -> str:
    if record is None:
        return ""
    try:
        return format_figure(catalogue.measure(ref), record)
    except KeyError:
        return ""


def _changes_table(report: ImportReport, catalogue: Catalogue) -> html.Div:
    # Revisions first: they change what readers have already seen, and at the foot of a long list they hid.
    interesting = sorted(
        (c for c in report.changes if c["change"] != "unchanged"), key=lambda c: c["change"] != "revised"
    )
    shown = interesting[:MAX_CHANGE_ROWS]
    rows = []
    for change in shown:
        row = change["row"]
        new = {"status": row.status, "numerator": row.numerator, "denominator": row.denominator, "value": row.value}
        rows.append(
            html.Tr(
                [
                    html.Td(
                        html.Span(
                            "New" if change["change"] == "added" else "Revised",
                            className=f"badge change-{change['change']}",
                        )
                    ),
                    html.Td(row.ref),
                    html.Td(long_label(row.period)),
                    html.Td(row.team or "Whole service"),
                    html.Td(_figure_text(catalogue, row.ref, change["old"])),
                    html.Td(_figure_text(catalogue, row.ref, new)),
                ]
            )
        )
    more = len(interesting) - len(shown)
    return html.Div(
        [
            html.Div(
                html.Table(
                    [
                        html.Caption("What would change"),
                        html.Thead(
                            html.Tr(
                                [
                                    html.Th(h, scope="col")
                                    for h in ("Change", "Measure", "Month", "Team", "Stored now", "From this file")
                                ]
                            )
                        ),
                        html.Tbody(rows),
                    ],
                    className="report-table changes",
                ),
                className="table-scroll report-scroll",
            )
            if rows
            else html.P("No figure would change: every figure in the file is already stored."),
            html.P(f"… and {more} more changes.", className="muted") if more > 0 else None,
        ]
    )


def counts_sentence(report: ImportReport) -> str:
    """'38 figures for February 2023: 36 new, 2 revised, 0 unchanged.'"""
    counts = report.counts
    months = ", ".join(long_label(p) for p in report.periods[-3:])
    if len(report.periods) > 3:
        months = f"{len(report.periods)} months up to {long_label(report.periods[-1])}"
    where = f" for {months}" if months else ""
    noun = "figure" if counts["values"] == 1 else "figures"
    return (
        f"{counts['values']} {noun}{where}: {counts['added']} new, {counts['revised']} revised, "
        f"{counts['unchanged']} unchanged."
    )


def ratings_sentence(report: ImportReport) -> str:
    """'Actions sheet: 12 BRAG ratings for February 2023: 9 new, 2 changed, 1 unchanged.' ('' when the return
    rates no action)."""
    counts = report.rating_counts
    if not counts:
        return ""
    month = f" for {long_label(report.ratings_month)}" if report.ratings_month else ""
    noun = "BRAG rating" if counts.get("ratings", 0) == 1 else "BRAG ratings"
    return (
        f"Actions sheet: {counts.get('ratings', 0)} {noun} of the improvement plan's actions{month}: "
        f"{counts.get('added', 0)} new, {counts.get('revised', 0)} changed, {counts.get('unchanged', 0)} unchanged."
    )


def preview(report: ImportReport, catalogue: Catalogue) -> html.Div:
    """The dry-run result: a verdict, the counts, errors and warnings against their cells, and the changes."""
    errors, warnings = report.errors, report.warnings
    if errors:
        verdict = html.Div(
            [
                html.H2("This file cannot be imported yet"),
                html.P(
                    f"{len(errors)} problem(s) must be fixed in the file before it can be imported. "
                    "Nothing has been saved. Correct the cells listed below and upload the file again."
                ),
            ],
            className="notice notice-error",
            role="alert",
        )
    else:
        verdict = html.Div(
            [
                html.H2("Ready to import"),
                html.P("Check the changes below, then confirm. Nothing is saved until you do."),
            ],
            className="notice notice-success",
            role="status",
        )
    layout = {"template": "the return template", "committee": "the committee table"}.get(report.layout, "")
    return html.Div(
        [
            verdict,
            # A refused file's counts would name only the rows that passed, or the month that was wrong ('1 figures
            # for December 1899: 0 new'), as if part of it were about to be saved: its errors say it all.
            html.P(
                [
                    html.Strong(report.file),
                    f" — read as {layout}. " if layout else " — ",
                    counts_sentence(report) if not errors else "",
                ]
            ),
            html.P(ratings_sentence(report), className="ratings-counts")
            if report.rating_counts and not errors
            else None,
            _issue_table(errors, f"{len(errors)} error(s): these stop the import", "error") if errors else None,
            _issue_table(warnings, f"{len(warnings)} warning(s): the file can still be imported", "warning")
            if warnings
            else None,
            _changes_table(report, catalogue) if not errors else None,
        ]
    )


def outcome(report: ImportReport) -> html.Div:
    """What happened after the officer confirmed, with links to the table as at the months imported."""
    if report.status == "unchanged":
        title, body = "Nothing changed", "Every figure in the file was already stored, so nothing was written."
    elif report.status == "imported":
        title, body = "Imported", " ".join(filter(None, (counts_sentence(report), ratings_sentence(report))))
    else:
        return preview(report, Catalogue((), ()))
    links = []
    if report.periods:
        latest = report.periods[-1]
        links.append(
            dcc.Link(f"See the Measures that Matter table as at {long_label(latest)}", href=f"/?period={latest}")
        )
    revised = [c["row"] for c in report.changes if c["change"] == "revised"]
    return html.Div(
        [
            html.Div([html.H2(title), html.P(body)], className="notice notice-success", role="status"),
            html.P(links) if links else None,
            html.Div(
                [
                    html.H3("Revised figures (the earlier versions are kept in the history)"),
                    html.Ul(
                        [
                            html.Li(
                                dcc.Link(
                                    f"{row.ref}, {long_label(row.period)}, {row.team or 'whole service'}",
                                    href=f"/?period={row.period}#measure-{row.ref.replace('.', '-')}",
                                )
                            )
                            for row in revised[:50]
                        ]
                    ),
                ]
            )
            if revised
            else None,
        ]
    )
