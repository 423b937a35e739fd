"""How a check or import of national figures or neighbour groups reads on the admin page: a verdict, what the file
holds, the counts, and every problem against its row and column. Everything from the file is shown as text."""

from __future__ import annotations

from dash import html

from measures.domain.national_reference import LICENCE, SOURCE_CREDIT
from measures.national.report import LONG_FORM, NationalIssue, NationalReport

MAX_ISSUE_ROWS = 200  # per table: a file with a mistake on every row would make a page of megabytes


def source_credit() -> html.P:
    """The credit every page showing national figures carries."""
    return html.P(f"Source: {SOURCE_CREDIT} ({LICENCE}).", className="source-credit")


def counts_sentence(report: NationalReport) -> str:
    """'16,660 figures: 16,660 new, 0 revised, 0 unchanged.' (groups for a neighbour workbook)."""
    counts = report.counts
    noun = "figure" if report.layout == LONG_FORM else "neighbour group"
    plural = noun if counts["values"] == 1 else noun + "s"
    return (
        f"{counts['values']:,} {plural}: {counts['added']:,} new, {counts['revised']:,} revised (the earlier "
        f"versions kept), {counts['unchanged']:,} unchanged."
    )


def _what_it_holds(report: NationalReport) -> str:
    if report.layout == LONG_FORM:
        years = f"{report.years[0]} to {report.years[-1]}" if len(report.years) > 1 else "".join(report.years)
        return f"LAIT's long form: {len(report.items)} data item(s), years {years}." if report.items else ""
    if report.layout:
        return f"Statistical neighbour groups, {report.edition} edition." if report.edition else ""
    return ""


def _issue_table(issues: list[NationalIssue], caption: str, kind: str) -> html.Div:
    shown = issues[:MAX_ISSUE_ROWS]
    more = len(issues) - len(shown)
    with_sheet = any(issue.sheet for issue in shown)  # a CSV has no sheets: no empty column for them
    headings = ("Sheet", "Row", "Column", "What to do") if with_sheet else ("Row", "Column", "What to do")
    return html.Div(
        [
            html.Table(
                [
                    html.Caption(caption),
                    html.Thead(
                        html.Tr([html.Th(h, scope="col", role="columnheader") for h in headings], role="row"),
                        role="rowgroup",
                    ),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td(issue.sheet, role="cell") if with_sheet else None,
                                    html.Td("" if issue.row is None else str(issue.row), className="mono", role="cell"),
                                    html.Td(issue.column, role="cell"),
                                    html.Td(issue.message, className="advice", role="cell"),
                                ],
                                className=f"issue issue-{kind}",
                                role="row",
                                **{"data-code": issue.code},
                            )
                            for issue in shown
                        ],
                        role="rowgroup",
                    ),
                ],
                className=f"report-table issues-table issues-{kind}",
                role="table",
            ),
            html.P(f"… and {more:,} more, not listed here.", className="muted") if more > 0 else None,
        ]
    )


def national_report(report: NationalReport, *, confirmed: bool) -> html.Div:
    """The report of a check (`confirmed` False: nothing saved yet) or of an import (`confirmed` True)."""
    errors, warnings = report.errors, report.warnings
    if errors:
        verdict = html.Div(
            [
                html.H2("This file cannot be imported"),
                html.P(
                    f"{len(errors) + (report.unlisted if errors else 0):,} problem(s) must be fixed before it can be "
                    "imported. Nothing has been saved."
                ),
            ],
            className="notice notice-error",
            role="alert",
        )
    elif not confirmed:
        verdict = html.Div(
            [
                html.H2("Ready to import"),
                html.P("Check what would change, then confirm. Nothing is saved until you do."),
            ],
            className="notice notice-success",
            role="status",
        )
    elif report.status == "unchanged":
        verdict = html.Div(
            [html.H2("Nothing changed"), html.P("Everything in the file was already stored, so nothing was written.")],
            className="notice notice-success",
            role="status",
        )
    else:
        verdict = html.Div(
            [html.H2("Imported"), html.P(counts_sentence(report))],
            className="notice notice-success",
            role="status",
        )
    holds = _what_it_holds(report)
    return html.Div(
        [
            verdict,
            html.P([html.Strong(report.file), f" — {holds}" if holds else ""]),
            html.P(("Would write: " if not confirmed else "") + counts_sentence(report)) if not errors else None,
            html.P(
                f"{report.later_releases:,} of the new figures {'is' if report.later_releases == 1 else 'are'} a later "
                "release of a year already held (such as 2024 (Rev) beside 2024): the earlier release is kept too."
            )
            if report.later_releases and not errors
            else None,
            _issue_table(errors, f"{len(errors)} error(s): these stop the import", "error") if errors else None,
            _issue_table(warnings, f"{len(warnings)} warning(s): the file can still be imported", "warning")
            if warnings
            else None,
            html.P(f"… and {report.unlisted:,} more problems, not listed.", className="muted")
            if report.unlisted
            else None,
            source_credit(),
        ],
        className="national-report",
    )
