"""One measure in depth (`/measure/3.1?period=2023-01`): the summary in plain English, the key figures, the SPC
chart with its data as a table, every month, benchmarks, commentary, the revision history and what the
committee asked to see beside each measure (objective, timescale, best practice)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import MATCH, Input, Output, State, callback, dcc, html, no_update

from dashboard import ids
from dashboard.components.charts.spc_chart import (
    assurance_icon,
    chart_reading,
    point_reading,
    recalculation_sentences,
    spc_graph,
    variation_icon,
)
from dashboard.components.downloads import chart_download_buttons, table_download_buttons
from dashboard.components.fields import reason_field
from dashboard.components.judgements import (
    SYNTHETIC_TITLE,
    change,
    change_class,
    figure_text,
    spc_basis_words,
    status_explanation,
    synthetic_mark,
    target_badge,
    target_words,
    variation_notes,
)
from dashboard.components.national import (
    credit,
    national_graph,
    national_meaning,
    neighbours_list,
    years_frame,
    years_table,
)
from dashboard.components.navigation import month_navigation, view_search
from dashboard.components.notices import month_notices, refusal_notice, synthetic_notice
from dashboard.components.palette import SYNTHETIC_MARK
from dashboard.components.publication import draft_banner, revision_sentence
from dashboard.components.reading_help import meaning_link
from dashboard.components.stacked_table import SYNTHETIC_FIGURE, stacked_table
from dashboard.server import access, auth
from dashboard.server.auth import requires
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.comparators import KIND_ORDER
from measures.domain.council import load_council
from measures.domain.formatting import (
    STATUS_TEXT,
    format_number,
    format_value,
    polarity_text,
)
from measures.domain.numbers import displayed_number
from measures.domain.periods import is_period, long_label, period_of
from measures.domain.spc_wording import special_cause_rules
from measures.storage import catalogue_records, chart_changes, publications, reads
from measures.storage.edits import MAX_COMMENTARY_LENGTH, EditError, add_commentary
from measures.views.measure import MeasureDetail, MonthRow, build_measure_detail
from measures.views.national_model import NoComparator
from measures.views.national_wording import (
    ANNUAL_MEANING,
    comparator_sentence,
    latest_note,
    no_comparator_sentence,
    year_text,
)
from measures.views.summary import format_benchmark

dash.register_page(
    __name__,
    path_template="/measure/<ref>",
    name="Measure",
    title=lambda ref=None, **_: f"Measure {ref}: Measures that Matter",
    nav=False,
    cached=True,
)

FLAG_TEXT = {
    "value-inconsistent": "A published figure disagrees with its own counts: check it with the data owner.",
    "polarity-from-plan": "What 'good' looks like is taken from the improvement plan, not the published table.",
    "polarity-not-stated": "The source does not say whether higher or lower is better.",
    "polarity-doubtful": "The source's 'good looks like' may be wrong for this measure.",
    "polarity-from-target": "The source does not say whether higher or lower is better; it is taken from the target.",
    "target-interpreted": "The target is interpreted from the plan's wording.",
    "target-extended": "The target is extended by convention from a related measure.",
    "title-typo-fixed": "A typing error in the published title has been corrected.",
    "title-truncated": "The published title was cut short.",
    "definition-unclear": "The definition needs confirming with the data owner.",
    "denominator-from-other-measure": "The denominator comes from another measure.",
    "denominator-not-published": "The denominator was not published.",
    "part-not-published": "Part of this measure was not published.",
    "secondary-percent-in-note": "A second percentage is kept in the notes.",
}


def _query(period: str) -> str:
    return "?" + urlencode({"period": period})


def _anchor(ref: str) -> str:
    return f"measure-{ref.replace('.', '-')}"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rounded(detail: MeasureDetail, value: float | None) -> int | float | None:
    """A value for download, rounded as shown on the page (half up, the measure's decimals)."""
    return displayed_number(value, detail.measure.decimals)


def _figure_text(detail: MeasureDetail, row: MonthRow) -> str:
    return figure_text(detail.measure, row.status, row.value)


def _counts_text(detail: MeasureDetail, row: MonthRow) -> str:
    measure = detail.measure
    if measure.unit != "percent" or row.numerator is None or not row.counted:
        return ""
    if row.denominator is None:
        return f"{format_number(row.numerator)} {measure.numerator_label}".strip()
    return f"{format_number(row.numerator)} of {format_number(row.denominator)} {measure.denominator_label}".strip()


def _small_numbers(row: MonthRow, measure_label: str) -> html.P | None:
    if not row.small_denominator or row.denominator is None:
        return None
    return html.P(
        [
            html.Strong("Small numbers: "),
            f"only {format_number(row.denominator)} {measure_label or 'cases'}, so the percentage can swing widely. "
            "Read it with care.",
        ],
        className="small flag measure-small-numbers",
    )


# ---------------------------------------------------------------------------------------------------------------
# Sections


def _header(detail: MeasureDetail) -> html.Div:
    measure, area = detail.measure, detail.area
    area_link = (
        html.Li(dcc.Link(f"Area {area.number}: {area.short_title}", href=f"/area/{area.number}{_query(detail.period)}"))
        if area
        else None
    )
    return html.Div(
        [
            html.Nav(
                html.Ol(
                    [
                        html.Li(
                            dcc.Link("Measures that Matter", href=f"/{_query(detail.period)}#{_anchor(measure.ref)}")
                        ),
                        area_link,
                        html.Li(f"Measure {measure.ref}", **{"aria-current": "page"}),
                    ],
                    className="breadcrumbs",
                ),
                **{"aria-label": "Breadcrumb"},
            ),
            html.H1([html.Span(measure.ref, className="card-ref"), " ", measure.short_title]),
            html.P(measure.title, className="lede"),
        ],
        className="page-header",
    )


def _picker(detail: MeasureDetail) -> html.Div:
    options = [{"label": long_label(p), "value": p} for p in reversed(detail.available_periods)]
    return html.Div(
        [
            html.Label("As at", htmlFor=ids.MEASURE_PERIOD_PICKER, className="picker-label"),
            dcc.Dropdown(
                id=ids.MEASURE_PERIOD_PICKER,
                options=options,
                value=detail.period,
                clearable=False,
                searchable=False,
                className="period-picker",
            ),
            dcc.Store(id=ids.MEASURE_SHOWN, data=view_search(period=detail.period)),
        ],
        className="controls",
    )


def _notices(detail: MeasureDetail, requested: str | None) -> list:
    notices = month_notices(requested)
    stored = {row.period for row in detail.series if row.status != "missing"}
    if requested and is_period(requested) and requested not in stored:
        notices.append(
            html.P(
                f"There is no figure for this measure for {long_label(requested)}.",
                className="notice notice-warning",
                role="status",
            )
        )
    if detail.shows_synthetic:
        notices.append(
            synthetic_notice(
                f"Figures marked {SYNTHETIC_MARK}, hollow points on the chart and benchmarks labelled synthetic",
                real_months=False,
            )
        )
    return notices


def _summary(detail: MeasureDetail) -> html.Section:
    return html.Section(
        [
            html.H2("In summary", id="summary-heading"),
            # The summary itself carries the small-numbers caveat; the key figure below repeats it beside the figure.
            html.P(detail.summary, className="measure-summary-text"),
        ],
        id=ids.MEASURE_SUMMARY,
        className="measure-summary",
        **{"aria-labelledby": "summary-heading"},
    )


def _card(
    title: str, figure: str, lines: list, key: str, synthetic: bool = False, status: str = "ok", subtitle: str = ""
) -> html.Div:
    figure_children: list = [figure]
    if synthetic:
        figure_children += synthetic_mark()
    classes = "card-figure" + ("" if status == "ok" else f" status-{status}")
    return html.Div(
        [
            html.H3(title),
            html.P(subtitle, className="small muted measure-fact-when") if subtitle else None,
            html.P(figure_children, className=classes),
            *[line for line in lines if line],
        ],
        className=f"measure-fact measure-fact-{key}",
        **{"data-fact": key},
    )


def _month_card(detail: MeasureDetail, title: str, row: MonthRow, key: str, extra: list | None = None) -> html.Div:
    lines: list = []
    counts = _counts_text(detail, row)
    if counts:
        lines.append(html.P(counts, className="card-counts"))
    if not row.counted:
        lines.append(html.P(status_explanation(row.status), className="small muted"))
    lines.extend(extra or [])
    return _card(
        title,
        _figure_text(detail, row),
        lines,
        key,
        row.synthetic,
        row.status if not row.counted else "ok",
        subtitle=row.label,
    )


def _key_figures(detail: MeasureDetail) -> html.Section:
    measure = detail.measure
    assessment = detail.assessment
    change_line = html.P(change(measure, assessment, "Change: "), className=f"card-change {change_class(assessment)}")
    ytd = detail.year_to_date
    ytd_lines: list = []
    if ytd.numerator is not None and ytd.denominator is not None:
        noun = measure.denominator_label
        ytd_lines.append(
            html.P(
                f"{format_number(ytd.numerator)} of {format_number(ytd.denominator)} {noun}".strip(),
                className="card-counts",
            )
        )
    ytd_lines.append(html.P(_capitalise(ytd.label.partition(": ")[2]), className="small muted"))
    ytd_figure = format_value(measure, ytd.value) if ytd.value is not None else "No figures"
    target = measure.target
    # The target itself is the card's figure; with none, the card's figure says so in the rating's own words.
    target_lines: list = []
    if target is not None:
        target_lines.append(html.P(target_badge(assessment)))
        if measure.target_source:
            target_lines.append(html.P(measure.target_source, className="small muted"))
    # In the order of every other page: the variation, how far from a reading or up to when it reads, assurance.
    spc_lines: list = [html.P(variation_icon(detail)), *variation_notes(measure, assessment)]
    assurance = assurance_icon(detail)
    if assurance is not None:
        spc_lines.append(html.P(assurance))
    cards = [
        _month_card(
            detail, "This month", detail.current, "current", [_small_numbers(detail.current, measure.denominator_label)]
        ),
        _month_card(detail, "Previous month", detail.previous, "previous", [change_line]),
        _month_card(detail, "Same month last year", detail.same_month_last_year, "last-year"),
        _card(
            f"Year to date {ytd.financial_year}",
            ytd_figure,
            ytd_lines,
            "year-to-date",
            ytd.synthetic,
            "ok" if ytd.value is not None else "missing",
            subtitle=f"{long_label(ytd.first_period)} to {long_label(ytd.last_period)}"
            if ytd.first_period != ytd.last_period
            else long_label(ytd.last_period),
        ),
        _card(
            "Target",
            target.describe() if target else target_words(assessment),
            target_lines,
            "target",
            status="ok" if target else "missing",
        ),
        _card("Variation (SPC)", "", spc_lines, "spc"),
    ]
    return html.Section(
        [
            html.H2(f"Key figures for {long_label(detail.period)}", id="figures-heading"),
            html.Div(cards, className="measure-facts"),
        ],
        id=ids.MEASURE_FIGURES,
        **{"aria-labelledby": "figures-heading"},
    )


def _table(
    caption: str,
    header: list[str],
    rows: list,
    table_id: str,
    numeric: set[int] | None = None,
    caption_hidden: bool = False,
) -> html.Table:
    return stacked_table(
        caption, header, rows, table_id, "report-table measure-table", numeric or set(), caption_hidden=caption_hidden
    )


def _figure_marks(class_name: str, synthetic: bool) -> dict[str, str]:
    """A table cell's class, and for a synthetic figure the class that draws its mark (a dagger for the eye, the
    word for a screen reader: `.synthetic-figure` in the stylesheet) with its meaning on hover. One cell, not three
    components, for each of the hundreds of synthetic figures a measure's tables may hold."""
    if not synthetic:
        return {"className": class_name} if class_name else {}
    return {"className": f"{class_name} {SYNTHETIC_FIGURE}".strip(), "title": SYNTHETIC_TITLE}


def _chart_table(detail: MeasureDetail) -> html.Table | html.P:
    """The chart's figures as a table: each month's figure, counts and SPC reading."""
    measure = detail.measure
    rows = {row.period: row for row in detail.series}
    table_rows = []
    spc_on = detail.assessment.spc_on
    for period, point in detail.spc_points:
        # With derived monthly figures, the chart's point is the month's own figure, not the year-to-date one.
        row = replace(rows[period], value=point.value) if spc_on == "derived-monthly" else rows[period]
        reading = point_reading(detail, point)
        table_rows.append(
            html.Tr(
                [
                    html.Th(row.label, scope="row"),
                    html.Td(format_value(measure, row.value), **_figure_marks("figure", row.synthetic)),
                    html.Td(_counts_text(detail, row)),
                    html.Td(reading),
                ]
            )
        )
    if not table_rows:
        return html.P("There are no figures to chart yet.")
    return _table(
        f"Chart data for {measure.ref}: each month's figure and its SPC reading",
        ["Month", "Figure", "Counts", "SPC reading"],
        table_rows,
        ids.MEASURE_CHART_TABLE,
        {1},
    )


def _on_demand(detail: MeasureDetail, table: str, summary: str, before: list | None = None) -> html.Details:
    """A Details whose table (`table`: "chart" or "months") is sent by `show_on_demand` when the reader first
    opens it: a page of a measure with ten years of figures sends its hundreds of rows only to who asks."""
    key = {"table": table, "ref": detail.measure.ref, "period": detail.period}
    return html.Details(
        [
            html.Summary(summary, id={"type": ids.MEASURE_ON_DEMAND, **key}),
            *(before or []),
            html.Div(
                html.P("Opening the table…", className="small muted"),
                id={"type": ids.MEASURE_ON_DEMAND_BODY, **key},
                **{"aria-live": "polite"},
            ),
        ],
        className="measure-details",
    )


def _chart_section(detail: MeasureDetail) -> html.Section:
    measure = detail.measure
    filename = f"measure-{measure.ref}-{detail.period}-spc-chart"
    spc_on = detail.assessment.spc_on
    synthetic_help = "Hollow points are synthetic demonstration figures. " if detail.shows_synthetic else ""
    explanation = html.P(
        [
            # With derived monthly figures, say so first.
            f"{spc_basis_words(detail.assessment)} " if spc_on == "derived-monthly" else "",
            "Each point is one month. The solid black line is the average and the dashed lines are the process "
            "limits: the range the figures would be expected to stay within if nothing changed. "
            f"{_capitalise(special_cause_rules(measure.spc))} is a significant change (the method calls it ",
            html.Em("special cause"),
            " variation), marked with its own shape and colour and named in the key. ",
            synthetic_help,
            meaning_link("variation"),
        ]
        if spc_on != "none"
        else [
            f"{detail.assessment.explanation} Each point is one month's figure as reported, shown without an "
            "average or process limits. ",
            synthetic_help,
            meaning_link("variation"),
        ],
        className="measure-chart-help",
    )
    alternative = _on_demand(detail, "chart", "Show the chart's figures as a table", [html.P(chart_reading(detail))])
    if not detail.spc_periods:
        return html.Section(
            [
                html.H2("Monthly figures on an SPC chart", id="chart-heading"),
                html.P(
                    f"There are no figures to chart yet: no month up to {long_label(detail.period)} has a figure "
                    "for this measure."
                ),
            ],
            **{"aria-labelledby": "chart-heading"},
        )
    return html.Section(
        [
            html.H2("Monthly figures on an SPC chart", id="chart-heading"),
            explanation,
            html.Figure(
                [
                    spc_graph(detail, ids.MEASURE_CHART, filename),
                    html.Figcaption(
                        f"SPC chart: {measure.short_title}, monthly, up to "
                        f"{long_label(detail.period)}. The summary above and the table below say the same "
                        "in words.",
                        className="small muted",
                    ),
                ],
                className="measure-chart",
            ),
            *_recalculation_notes(detail),
            _events_list(detail),
            chart_download_buttons(ids.MEASURE_CHART, filename),
            alternative,
        ],
        **{"aria-labelledby": "chart-heading"},
    )


def _recalculation_notes(detail: MeasureDetail) -> list[html.P]:
    """The recalculated limits and what the chart says without them, in words beside the chart."""
    return [html.P(sentence, className="measure-chart-recalculation") for sentence in recalculation_sentences(detail)]


def _events_list(detail: MeasureDetail) -> html.Div | None:
    """What happened in the chart's months, numbered as the chart's markers: the text as typed, shown as text."""
    if not detail.events:
        return None
    return html.Div(
        [
            html.H3("What happened (numbered as on the chart)", id="chart-events-heading"),
            html.Ol(
                [
                    html.Li(
                        [
                            html.Strong(long_label(note.period)),
                            ": Action completed: " if note.kind == "action" else ": ",
                            note.text,
                        ]
                    )
                    for note in detail.events
                ],
                className="measure-chart-events",
                **{"aria-labelledby": "chart-events-heading"},
            ),
        ],
        className="measure-chart-events-list",
    )


# The months the measure page's table shows at first, newest first: a year and the same month the year before.
RECENT_MONTHS = 13


def _with_counts(detail: MeasureDetail) -> bool:
    """A measure reported as a single figure gets no empty count columns."""
    return any(row.numerator is not None or row.denominator is not None for row in detail.series)


def _month_row(detail: MeasureDetail, row: MonthRow, with_counts: bool) -> html.Tr:
    measure = detail.measure
    notes = []
    if row.synthetic:
        notes.append("Synthetic demonstration figure")
    if row.small_denominator:
        notes.append("Small numbers: read with care")
    if row.revised:
        notes.append("Revised: see its history")
    if row.note and not row.synthetic:
        notes.append(row.note)
    status = "Figure reported" if row.counted else STATUS_TEXT.get(row.status, STATUS_TEXT["missing"])
    counts = (
        [
            html.Td(format_number(row.numerator) if row.numerator is not None else "", className="figure"),
            html.Td(format_number(row.denominator) if row.denominator is not None else "", className="figure"),
        ]
        if with_counts
        else []
    )
    return html.Tr(
        [
            html.Th(dcc.Link(row.label, href=f"/measure/{measure.ref}{_query(row.period)}"), scope="row"),
            *counts,
            html.Td(
                _figure_text(detail, row),
                **_figure_marks("figure" + ("" if row.counted else f" status-{row.status}"), row.synthetic),
            ),
            html.Td(status),
            html.Td("; ".join(notes), className="small"),
        ],
        className="current-month" if row.period == detail.period else None,
    )


def _months_header(detail: MeasureDetail, with_counts: bool) -> list[str]:
    measure = detail.measure
    header = ["Month", "Figure", "Status", "Notes"]
    if with_counts:
        header[1:1] = [
            measure.numerator_label.capitalize() or "Numerator",
            measure.denominator_label.capitalize() or "Denominator",
        ]
    return header


def _months_table(detail: MeasureDetail, rows: list[MonthRow], caption: str, table_id: str) -> html.Div:
    """The months `rows` (newest first) as a table in a scrolling region of their own."""
    with_counts = _with_counts(detail)
    return html.Div(
        _table(
            caption,
            _months_header(detail, with_counts),
            [_month_row(detail, row, with_counts) for row in rows],
            table_id,
            {1, 2, 3} if with_counts else {1},
            caption_hidden=True,
        ),
        className="table-scroll table-scroll-limited",
        tabIndex="0",
        role="region",
        **{"aria-label": caption},
    )


def _earlier_months(detail: MeasureDetail) -> html.Div:
    """The months before the RECENT_MONTHS the page shows at first, newest first."""
    earlier = list(reversed(detail.series))[RECENT_MONTHS:]
    return _months_table(
        detail,
        earlier,
        f"The {len(earlier)} months of {detail.measure.ref} before {long_label(detail.series[-RECENT_MONTHS].period)},"
        " newest first",
        ids.MEASURE_EARLIER_MONTHS_TABLE,
    )


def _months_section(detail: MeasureDetail) -> html.Section:
    measure = detail.measure
    with_counts = _with_counts(detail)
    records = []
    for row in reversed(detail.series):
        record: dict[str, object] = {"Ref": measure.ref, "Month": row.period}
        if with_counts:
            record |= {"Numerator": row.numerator, "Denominator": row.denominator}
        records.append(
            record
            | {
                "Value": _rounded(detail, row.value) if row.counted else None,
                "Status": "ok" if row.counted else row.status,
                "Synthetic": "yes" if row.synthetic else "",
                "Note": row.note,
            }
        )
    body: list = [html.H2("Every month", id="months-heading")]
    if not detail.series:
        body.append(html.P("No figures have been reported for this measure yet."))
        return html.Section(body, **{"aria-labelledby": "months-heading"})
    recent = list(reversed(detail.series))[:RECENT_MONTHS]
    shown = len(detail.series)
    body += [
        html.P(
            "Newest first. Choose a month to see the page as at that month."
            + (
                f" The latest {RECENT_MONTHS} months are shown; the rest are a click away."
                if shown > len(recent)
                else ""
            ),
            className="small muted",
        ),
        _months_table(
            detail,
            recent,
            f"Every month of {measure.ref} up to {long_label(detail.period)}, newest first"
            if shown == len(recent)
            else f"The latest {len(recent)} months of {measure.ref} up to {long_label(detail.period)}, newest first",
            ids.MEASURE_MONTHS_TABLE,
        ),
    ]
    if shown > len(recent):
        body.append(_on_demand(detail, "months", f"Show all {shown} months"))
    body.append(
        table_download_buttons(
            ids.MEASURE_MONTHS_TABLE,
            pd.DataFrame(records),
            f"measure-{measure.ref}-monthly-to-{detail.period}",
            "every month",
        )
    )
    return html.Section(body, **{"aria-labelledby": "months-heading"})


def _benchmarks_section(detail: MeasureDetail) -> html.Section:
    measure = detail.measure
    council = load_council()
    body: list = [html.H2(f"How {council.name} compares", id="benchmarks-heading")]
    if not detail.benchmarks:
        body.append(html.P("No benchmarks have been published for this measure."))
        if measure.best_practice:
            body.append(html.P(["Best practice: ", measure.best_practice]))
        return html.Section(body, **{"aria-labelledby": "benchmarks-heading"})
    years = [year.year for year in detail.benchmarks]
    comparators: list[tuple[str, str]] = []
    for year in detail.benchmarks:
        for benchmark in year.values:
            if (benchmark.comparator, benchmark.kind) not in comparators:
                comparators.append((benchmark.comparator, benchmark.kind))
    comparators.sort(key=lambda item: KIND_ORDER[item[1]])
    names = {
        "neighbours": f"{council.neighbours_average} (average)",
        "council": f"{council.name} (published, whole year)",
    }
    rows, records = [], []
    for comparator, kind in comparators:
        cells = []
        record: dict = {"Comparator": names.get(kind, comparator)}
        for year in detail.benchmarks:
            published = year.get(comparator)
            if published is None:
                cells.append(html.Td("", className="figure"))
                record[year.year] = None
                continue
            cells.append(
                html.Td(format_benchmark(measure, published.value), **_figure_marks("figure", published.synthetic))
            )
            record[year.year] = displayed_number(published.value, measure.decimals)
        record["Synthetic"] = (
            "yes" if any((b := y.get(comparator)) is not None and b.synthetic for y in detail.benchmarks) else ""
        )
        rows.append(html.Tr([html.Th(names.get(kind, comparator), scope="row"), *cells], className=f"benchmark-{kind}"))
        records.append(record)
    sources = sorted({b.source for year in detail.benchmarks for b in year.values if b.source})
    body += [
        html.P(
            f"Benchmarks are for whole financial years (April to March). The summary compares "
            f"{long_label(detail.period)} with "
            f"{detail.benchmark_year.year if detail.benchmark_year else 'the latest year published'}. "
            "On the chart each is a line across its year; choose a neighbour in the chart's key to show it.",
            className="small muted",
        ),
        html.Div(
            _table(
                f"Benchmarks for {measure.ref} by year",
                ["Comparator", *years],
                rows,
                ids.MEASURE_BENCHMARKS_TABLE,
                set(range(1, len(years) + 1)),
                caption_hidden=True,
            ),
            className="table-scroll",
            tabIndex="0",
            role="region",
            **{"aria-labelledby": "benchmarks-heading"},
        ),
        table_download_buttons(
            ids.MEASURE_BENCHMARKS_TABLE, pd.DataFrame(records), f"measure-{measure.ref}-benchmarks", "benchmarks"
        ),
        html.Details(
            [
                html.Summary("Sources of these benchmarks"),
                html.Ul([html.Li(source, className="small") for source in sources]),
            ],
            className="measure-details",
        )
        if sources
        else None,
    ]
    return html.Section(body, **{"aria-labelledby": "benchmarks-heading"})


def _national_section(detail: MeasureDetail) -> html.Section | None:
    """The measure's national comparators: the latest year in words, an annual chart and a table by year, each
    neighbour, the way to every council, and the source. Absent when national figures were not read."""
    national = detail.national
    if national is None:
        return None
    heading = html.H2("Compared nationally", id="national-heading", tabIndex="-1")
    if isinstance(national, NoComparator):
        return html.Section(
            [heading, html.P(no_comparator_sentence(national)), national_meaning()],
            className="national-section",
            **{"aria-labelledby": "national-heading"},
        )
    measure = detail.measure
    latest = national.latest
    if latest is None:
        return html.Section(
            [heading, html.P(comparator_sentence(national)), credit()],
            className="national-section",
            **{"aria-labelledby": "national-heading"},
        )
    filename = f"measure-{measure.ref}-national"
    body: list = [
        heading,
        html.P(
            [html.Strong(f"{latest_note(national)}."), f" {ANNUAL_MEANING}"],
            className="national-latest",
        ),
        html.P(comparator_sentence(national), className="national-sentence"),
        html.P(
            ["Compared with the Department for Education's item: ", html.Q(national.item_title), "."], className="small"
        ),
    ]
    if national.note:
        body.append(html.P(["How the definitions differ: ", national.note], className="notice notice-info small"))
    body += [
        html.Figure(
            [
                national_graph(national, ids.MEASURE_NATIONAL_CHART, filename + "-chart"),
                html.Figcaption(
                    f"National comparison by year: {measure.short_title}. One point a year; the table below says the "
                    "same in words.",
                    className="small muted",
                ),
            ],
            className="national-chart",
        ),
        chart_download_buttons(ids.MEASURE_NATIONAL_CHART, filename + "-chart"),
        html.H3("By year", id="national-years-heading"),
        html.Div(
            years_table(national, ids.MEASURE_NATIONAL_TABLE),
            className="table-scroll",
            tabIndex="0",
            role="region",
            **{"aria-labelledby": "national-years-heading"},
        ),
        table_download_buttons(ids.MEASURE_NATIONAL_TABLE, years_frame(national), filename, "national figures by year"),
    ]
    if latest.neighbours:
        body.append(
            html.Details(
                [
                    html.Summary(f"Each statistical neighbour in {year_text(latest)}"),
                    html.Div(neighbours_list(national, latest), className="table-scroll"),
                ],
                className="measure-details",
            )
        )
    body += [
        html.P(
            dcc.Link(
                f"Compared with every council in {year_text(latest)}",
                href=f"/compare/{measure.ref}",
                className="button button-secondary",
            )
        ),
        national_meaning(),
        credit(),
    ]
    return html.Section(body, className="national-section", **{"aria-labelledby": "national-heading"})


def _commentary_list(detail: MeasureDetail) -> list:
    """The latest commentary of each month up to the month shown, newest first (as text, never markup)."""
    if not detail.commentary:
        return [html.P(f"No commentary has been recorded for this measure up to {long_label(detail.period)}.")]
    entries = []
    for entry in detail.commentary:
        when = entry.recorded_at.strftime("%d %B %Y") if hasattr(entry.recorded_at, "strftime") else ""
        recorded = " ".join(
            part
            for part in ("Recorded", f"by {entry.author}" if entry.author else "", f"on {when}" if when else "")
            if part
        )
        entries.append(
            html.Li(
                [
                    html.H3(long_label(entry.period)),
                    html.P(entry.text, className="measure-comment-text"),
                    html.P(recorded, className="small muted") if recorded != "Recorded" else None,
                ],
                className="measure-comment",
            )
        )
    return [html.Ul(entries, className="measure-commentary-list")]


def _commentary_form(detail: MeasureDetail) -> html.Div:
    """The form officers and admins write commentary with, for the month shown."""
    month = long_label(detail.period)
    return html.Div(
        [
            dcc.Store(id=ids.MEASURE_COMMENTARY_TARGET, data={"ref": detail.measure.ref, "period": detail.period}),
            html.Label(f"Add commentary for {month}", htmlFor=ids.MEASURE_COMMENTARY_TEXT, className="field-label"),
            html.P(
                f"Up to {MAX_COMMENTARY_LENGTH:,} characters. Commentary is shown to the improvement board and the "
                f"scrutiny committee, and your name is recorded with it. If {month} already "
                "has commentary, yours is shown instead; the earlier text is kept.",
                className="hint",
            ),
            dcc.Textarea(
                id=ids.MEASURE_COMMENTARY_TEXT,
                value="",
                rows=5,
                maxLength=MAX_COMMENTARY_LENGTH,
                className="text-input commentary-input",
            ),
            html.Div(
                html.Button(
                    "Save commentary", id=ids.MEASURE_COMMENTARY_SAVE, n_clicks=0, type="button", className="button"
                ),
                className="actions",
            ),
            html.Div(id=ids.MEASURE_COMMENTARY_STATUS, role="status"),
            html.Div(id=ids.MEASURE_COMMENTARY_ALERT, role="alert"),
        ],
        className="field commentary-form",
    )


def _commentary_section(detail: MeasureDetail) -> html.Section:
    body: list = [
        html.H2("Commentary", id="commentary-heading"),
        html.Div(_commentary_list(detail), id=ids.MEASURE_COMMENTARY_LIST),
    ]
    if auth.may(users.COMMENT):
        body.append(_commentary_form(detail))
    return html.Section(body, id=ids.MEASURE_COMMENTARY, **{"aria-labelledby": "commentary-heading"})


def _commentary_target(data) -> tuple[str, str]:
    """The measure and month the form was rendered for, as strings (checked again by `add_commentary`)."""
    if not isinstance(data, dict):
        return "", ""
    ref, period = data.get("ref"), data.get("period")
    return (ref if isinstance(ref, str) else ""), (period if isinstance(period, str) else "")


def _revision_figure(detail: MeasureDetail, revision) -> str:
    row = MonthRow(
        detail.period,
        revision.numerator,
        revision.denominator,
        revision.value if revision.status == "ok" else None,
        revision.status,
    )
    counts = _counts_text(detail, row)
    figure = _figure_text(detail, row)
    return f"{figure} ({counts})" if counts else figure


def _revisions_section(detail: MeasureDetail) -> html.Section:
    measure = detail.measure
    month = long_label(detail.period)
    body: list = [html.H2(f"Changes to the {month} figure", id="revisions-heading")]
    if not detail.revisions:
        body.append(html.P(f"No figure has been recorded for {month}."))
    else:
        if len(detail.revisions) == 1:
            since = "it was published" if detail.since_publication else "it was first recorded"
            body.append(html.P(f"The {month} figure has not been changed since {since}."))
        rows, records = [], []
        for revision in detail.revisions:
            when = revision.recorded_at.strftime("%d %b %Y %H:%M") if hasattr(revision.recorded_at, "strftime") else ""
            figure = _revision_figure(detail, revision)
            rows.append(
                html.Tr(
                    [
                        html.Th(str(revision.version), scope="row"),
                        html.Td(figure, **_figure_marks("", revision.synthetic)),
                        html.Td(when),
                        html.Td(revision.recorded_by),
                        html.Td(revision.source),
                        html.Td("In force" if revision.current else "Replaced"),
                    ]
                )
            )
            records.append(
                {
                    "Ref": measure.ref,
                    "Month": detail.period,
                    "Version": revision.version,
                    "Numerator": revision.numerator,
                    "Denominator": revision.denominator,
                    "Value": _rounded(detail, revision.value),
                    "Status": revision.status,
                    "Synthetic": "yes" if revision.synthetic else "",
                    "Recorded": when,
                    "Recorded by": revision.recorded_by,
                    "Source": revision.source,
                    "In force": "yes" if revision.current else "",
                }
            )
        body += [
            html.Div(
                _table(
                    f"Every recorded version of the {month} figure, oldest first",
                    ["Version", "Figure", "Recorded", "By", "From", "Status"],
                    rows,
                    ids.MEASURE_REVISIONS_TABLE,
                ),
                className="table-scroll",
                tabIndex="0",
                role="region",
                **{"aria-labelledby": "revisions-heading"},
            ),
            table_download_buttons(
                ids.MEASURE_REVISIONS_TABLE,
                pd.DataFrame(records),
                f"measure-{measure.ref}-{detail.period}-revisions",
                f"revisions of {month}",
            ),
        ]
    others = [p for p in detail.revised_periods if p != detail.period]
    if others:
        body.append(
            html.P(
                [
                    "Other months whose figure has been revised: ",
                    *[
                        item
                        for p in others
                        for item in (dcc.Link(long_label(p), href=f"/measure/{measure.ref}{_query(p)}"), ", ")
                    ][:-1],
                    ".",
                ]
            )
        )
    elif detail.period not in detail.revised_periods:
        since = " since it was published" if detail.since_publication else ""
        body.append(html.P(f"No month of this measure has had its figure revised{since}.", className="small muted"))
    return html.Section(body, **{"aria-labelledby": "revisions-heading"})


def _about_section(detail: MeasureDetail) -> html.Section:
    measure, area = detail.measure, detail.area
    target = measure.target
    items: list[tuple[str, object]] = [
        ("Measure", measure.title),
        ("Improvement area", f"{area.number}. {area.title}" if area else str(measure.area)),
        (
            "Good looks like",
            polarity_text(measure)
            + (
                f" (the published table says “{measure.good_looks_like}”)"
                if measure.good_looks_like and measure.good_looks_like != polarity_text(measure)
                else ""
            ),
        ),
        ("Target", f"{target.describe()}. {measure.target_source}".strip() if target else "No target is set."),
        ("Objective", measure.objective or "Not stated."),
        ("Timescale", measure.timescale or "Not stated."),
        ("Best practice", measure.best_practice or "Not stated."),
    ]
    if measure.numerator_label:
        items.append(("Counted (numerator)", measure.numerator_label))
    if measure.denominator_label:
        items.append(("Out of (denominator)", measure.denominator_label))
    if measure.source:
        items.append(("Source", measure.source))
    if measure.source_note and access.may_see_officer_notes():
        items.append(("Notes for officers on the sources", measure.source_note))
    if measure.flags:
        items.append(
            (
                "Points to check",
                html.Ul([html.Li(FLAG_TEXT.get(flag, flag.replace("-", " ").capitalize())) for flag in measure.flags]),
            )
        )
    links: list = []
    if detail.has_team_figures and access.may_see_teams():
        links.append(
            html.Li(dcc.Link(f"See {measure.ref} for each team", href=f"/teams/{measure.ref}{_query(detail.period)}"))
        )
    if detail.area:
        links.append(
            html.Li(
                dcc.Link(
                    f"See every measure of area {detail.area.number}",
                    href=f"/area/{detail.area.number}{_query(detail.period)}",
                )
            )
        )
    links.append(
        html.Li(
            dcc.Link("Back to the Measures that Matter table", href=f"/{_query(detail.period)}#{_anchor(measure.ref)}")
        )
    )
    return html.Section(
        [
            html.H2("About this measure", id="about-heading"),
            html.P(
                "The committee asked to see each measure's objective, timescale and best practice beside it.",
                className="small muted",
            ),
            html.Dl(
                [part for label, value in items for part in (html.Dt(label), html.Dd(value))], className="measure-about"
            ),
            html.H3("Related pages"),
            html.Ul(links, className="measure-links"),
        ],
        **{"aria-labelledby": "about-heading"},
    )


def _not_found(ref: str | None) -> html.Div:
    catalogue = catalogue_records.read_catalogue(engine())
    area_number = str(ref or "").partition(".")[0]
    same_area = [m for m in catalogue.measures if str(m.area) == area_number]
    suggestions = None
    if same_area:
        suggestions = html.Div(
            [
                html.H2(f"Measures in improvement area {area_number}"),
                html.Ul([html.Li(dcc.Link(f"{m.ref} {m.short_title}", href=f"/measure/{m.ref}")) for m in same_area]),
            ]
        )
    return html.Div(
        [
            html.H1(f"No measure {ref}" if ref else "No measure chosen"),
            html.P(
                "There is no measure with that reference in the Measures that Matter. References look like 3.1: "
                "the improvement area, a dot, and the measure's number."
            ),
            suggestions,
            html.P(dcc.Link("Go to the Measures that Matter table to choose a measure", href="/")),
        ],
        className="not-found measure-not-found",
    )


# The page fills every month from a measure's first figure to the month asked for, so a month far in the future
# (9000-01) cost half a minute and a 75 MB answer, and a month before any calendar the code knows failed.
EARLIEST_SHOWN = "1900-01"


def _revised_since_publication(detail: MeasureDetail) -> html.Div | None:
    """Each figure of this measure, up to the month shown, revised after its month was published: what was
    published, what it is now, when, by whom and why."""
    months = [period for period in detail.available_periods if period <= detail.period]
    revisions = publications.revised_figures(engine(), months)
    mine = sorted((r for (ref, _), r in revisions.items() if ref == detail.measure.ref), key=lambda r: r.period)
    if not mine:
        return None
    return html.Div(
        [
            html.H2("Figures revised since publication", className="h3"),
            html.Ul(
                [
                    html.Li(
                        [html.Strong(f"{long_label(r.period)}, "), html.Span("revised", className="revised-mark"), ": "]
                        + [revision_sentence(detail.measure, r)[len("Revised since publication: ") :]]
                    )
                    for r in reversed(mine)
                ]
            ),
        ],
        className="notice notice-info revised-notice",
        role="note",
    )


def _showable(period: str) -> bool:
    """True for a month from EARLIEST_SHOWN up to this month or the latest month with figures, if that is later."""
    latest = max(period_of(date.today()), reads.latest_period(engine(), access.visible_months()) or "")
    return EARLIEST_SHOWN <= period <= latest


@single_query_values
def layout(ref: str | None = None, period: str | None = None, **_other) -> html.Div:
    """Return the page for measure `ref` as at `period` (query string; default the latest month), or a
    helpful page naming the missing measure."""
    refused = refusal_notice("Measure", users.VIEW_SERVICE)
    if refused:
        return refused
    chosen = period if is_period(period) else None
    beyond = chosen is not None and not _showable(chosen)
    try:
        detail = build_measure_detail(
            engine(), str(ref), period=None if beyond else chosen, visible=access.visible_months()
        )
    except KeyError:
        return _not_found(ref)
    return html.Div(
        [
            _header(detail),
            _picker(detail),
            *(
                [
                    html.P(
                        f"There can be no figures as at {period}: the latest month is shown.",
                        className="notice notice-warning",
                        role="status",
                    )
                ]
                if beyond
                else _notices(detail, period)
            ),
            draft_banner(detail.period),
            _revised_since_publication(detail),
            _summary(detail),
            _key_figures(detail),
            html.Div(_chart_section(detail), id=ids.MEASURE_CHART_SECTION),
            _national_section(detail),
            _months_section(detail),
            _benchmarks_section(detail),
            _commentary_section(detail),
            _chart_changes_section(detail),
            _revisions_section(detail),
            _about_section(detail),
        ],
        className="measure-page",
        **{"data-ref": detail.measure.ref, "data-period": detail.period},
    )


@callback(
    Output(ids.MEASURE_COMMENTARY_LIST, "children"),
    Output(ids.MEASURE_COMMENTARY_TEXT, "value"),
    Output(ids.MEASURE_COMMENTARY_STATUS, "children"),
    Output(ids.MEASURE_COMMENTARY_ALERT, "children"),
    Input(ids.MEASURE_COMMENTARY_SAVE, "n_clicks"),
    State(ids.MEASURE_COMMENTARY_TEXT, "value"),
    State(ids.MEASURE_COMMENTARY_TARGET, "data"),
    prevent_initial_call=True,
)
@requires(users.COMMENT)
def save_commentary(n_clicks: int | None, text: str | None, target: dict | None):
    """Save the commentary as the signed-in user's, then show the list again with it, empty the box and confirm.
    A refusal (empty, too long, unknown measure or month) is said in an alert and the text is kept."""
    if not n_clicks:
        return no_update, no_update, no_update, no_update
    ref, period = _commentary_target(target)
    try:
        add_commentary(engine(), ref, period, text if isinstance(text, str) else "", auth.current_name())
    except EditError as error:
        return no_update, no_update, "", html.P(str(error), className="notice notice-error")
    detail = build_measure_detail(engine(), ref, period=period, visible=access.visible_months())
    confirmation = html.P(
        f"Your commentary for {long_label(period)} has been saved.", className="notice notice-success"
    )
    return _commentary_list(detail), "", confirmation, ""


@callback(
    Output({"type": ids.MEASURE_ON_DEMAND_BODY, "table": MATCH, "ref": MATCH, "period": MATCH}, "children"),
    Input({"type": ids.MEASURE_ON_DEMAND, "table": MATCH, "ref": MATCH, "period": MATCH}, "n_clicks"),
    prevent_initial_call=True,
)
@requires(users.VIEW_SERVICE)
def show_on_demand(n_clicks: int | None):
    """Send the table of an on-demand Details (the chart's figures, or the months before the latest) the first time
    its summary is clicked, for the months the signed-in reader may see; a table already sent is left as it is."""
    key = dash.ctx.triggered_id
    if not n_clicks or not isinstance(key, dict) or n_clicks != 1:
        return no_update
    table, ref, period = key.get("table"), key.get("ref"), key.get("period")
    if table not in ("chart", "months") or not isinstance(ref, str) or not is_period(period):
        return no_update
    try:
        detail = build_measure_detail(engine(), ref, period=period, visible=access.visible_months())
    except KeyError:
        return html.P(f"There is no measure {ref}.", className="notice notice-error")
    if detail.period != period:
        return html.P(f"There are no figures for {long_label(str(period))} to show.", className="small muted")
    if table == "chart":
        return _chart_table(detail)
    if len(detail.series) <= RECENT_MONTHS:
        return html.P("Every month is in the table above.", className="small muted")
    return _earlier_months(detail)


month_navigation(ids.MEASURE_PERIOD_PICKER, ids.MEASURE_SHOWN)


# ---------------------------------------------------------------------------------------------
# What happened on the chart: events (officers and admins), process changes and baselines (admins)


def _month_field(field_id: str, label: str, value: str) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=field_id, className="field-label"),
            html.P("A month as YYYY-MM, e.g. 2022-08.", className="hint"),
            dcc.Input(id=field_id, type="text", value=value, maxLength=7, className="text-input month-input"),
        ],
        className="field",
    )


def _event_options(ref: str) -> list[dict]:
    return [
        {"label": f"{long_label(event.period)}: {event.text}", "value": event.key}
        for event in chart_changes.chart_events(engine(), ref)
    ]


def _spc_change_options(ref: str) -> list[dict]:
    options = []
    for record in chart_changes.spc_changes(engine(), ref):
        if record.kind == "baseline":
            label = f"Limits fixed on {long_label(record.period)} to {long_label(record.period_end or record.period)}"
        else:
            label = f"Limits recalculated from {long_label(record.period)}"
        options.append({"label": f"{label}: {record.reason}", "value": record.key})
    return options


def _event_form(detail: MeasureDetail) -> html.Div:
    ref = detail.measure.ref
    return html.Div(
        [
            html.H3("Note an event on the chart"),
            html.P(
                "Something that happened in a month and may have moved the figures, e.g. 'MASH co-located'. "
                "It is shown on the chart to every reader with its month, and your name is recorded with it.",
                className="hint",
            ),
            _month_field(ids.MEASURE_EVENT_MONTH, "Month of the event", detail.period),
            html.Div(
                [
                    html.Label("What happened", htmlFor=ids.MEASURE_EVENT_TEXT, className="field-label"),
                    dcc.Input(
                        id=ids.MEASURE_EVENT_TEXT,
                        type="text",
                        value="",
                        maxLength=chart_changes.MAX_EVENT_LENGTH,
                        className="text-input",
                    ),
                ],
                className="field",
            ),
            html.Div(
                html.Button("Add the event", id=ids.MEASURE_EVENT_SAVE, n_clicks=0, type="button", className="button"),
                className="actions",
            ),
            html.Label("Take an event off the chart", htmlFor=ids.MEASURE_EVENT_REMOVE_CHOICE, className="field-label"),
            dcc.Dropdown(id=ids.MEASURE_EVENT_REMOVE_CHOICE, options=_event_options(ref), clearable=True),
            reason_field(ids.MEASURE_EVENT_REMOVE_REASON, "Why it is taken off", "Kept with the event's history."),
            html.Div(
                html.Button(
                    "Take the event off", id=ids.MEASURE_EVENT_REMOVE, n_clicks=0, type="button", className="button"
                ),
                className="actions",
            ),
            html.Div(id=ids.MEASURE_EVENT_STATUS, role="status"),
            html.Div(id=ids.MEASURE_EVENT_ALERT, role="alert"),
        ],
        className="chart-event-form",
    )


def _spc_change_form(detail: MeasureDetail) -> html.Div:
    ref = detail.measure.ref
    return html.Div(
        [
            html.H3("Recalculate the limits at a change, or fix them on a baseline"),
            html.P(
                "Mark the month the way the service works changed: the chart then shows a separate average and "
                "limits before and after it, and reads the latest month against the new ones. Or fix the limits on "
                "a baseline period. The chart still shows every reader what it says without the recalculation, "
                "and your reason.",
                className="hint",
            ),
            html.Div(
                [
                    html.Label("What to record", htmlFor=ids.MEASURE_SPC_CHANGE_KIND, className="field-label"),
                    dcc.RadioItems(
                        id=ids.MEASURE_SPC_CHANGE_KIND,
                        options=[
                            {"label": "The process changed from a month", "value": "change"},
                            {"label": "Fix the limits on a baseline period", "value": "baseline"},
                        ],
                        value="change",
                    ),
                ],
                className="field",
            ),
            _month_field(ids.MEASURE_SPC_CHANGE_MONTH, "Month of the change (or the baseline's first month)", ""),
            _month_field(ids.MEASURE_SPC_CHANGE_END, "The baseline's last month (a baseline only)", ""),
            reason_field(
                ids.MEASURE_SPC_CHANGE_REASON, "Why", "Shown beside the chart to every reader, e.g. 'MASH co-located'."
            ),
            html.Div(
                html.Button("Record it", id=ids.MEASURE_SPC_CHANGE_SAVE, n_clicks=0, type="button", className="button"),
                className="actions",
            ),
            html.Label(
                "Take a recalculation or baseline away",
                htmlFor=ids.MEASURE_SPC_CHANGE_REMOVE_CHOICE,
                className="field-label",
            ),
            dcc.Dropdown(id=ids.MEASURE_SPC_CHANGE_REMOVE_CHOICE, options=_spc_change_options(ref), clearable=True),
            reason_field(ids.MEASURE_SPC_CHANGE_REMOVE_REASON, "Why it is taken away", "Kept with its history."),
            html.Div(
                html.Button(
                    "Take it away", id=ids.MEASURE_SPC_CHANGE_REMOVE, n_clicks=0, type="button", className="button"
                ),
                className="actions",
            ),
            html.Div(id=ids.MEASURE_SPC_CHANGE_STATUS, role="status"),
            html.Div(id=ids.MEASURE_SPC_CHANGE_ALERT, role="alert"),
        ],
        className="spc-change-form",
    )


def _chart_changes_section(detail: MeasureDetail) -> html.Section | None:
    """The forms for the chart's events (officers and admins) and its recalculations (admins); None for readers."""
    forms = []
    if auth.may(users.COMMENT):
        forms.append(_event_form(detail))
    if auth.may(users.EDIT_CATALOGUE):
        forms.append(_spc_change_form(detail))
    if not forms:
        return None
    return html.Section(
        [
            html.H2("Events and recalculations on the chart", id="chart-changes-heading"),
            dcc.Store(id=ids.MEASURE_CHART_CHANGES_TARGET, data={"ref": detail.measure.ref, "period": detail.period}),
            *forms,
        ],
        id=ids.MEASURE_CHART_CHANGES,
        **{"aria-labelledby": "chart-changes-heading"},
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _redrawn(ref: str, period: str):
    """The chart section drawn again after a change, as the signed-in reader sees it."""
    detail = build_measure_detail(engine(), ref, period=period, visible=access.visible_months())
    return _chart_section(detail)


def _refused(problems: list[str]) -> html.Div:
    return html.Div([html.P(problem) for problem in problems], className="notice notice-error")


@callback(
    Output(ids.MEASURE_CHART_SECTION, "children", allow_duplicate=True),
    Output(ids.MEASURE_EVENT_REMOVE_CHOICE, "options"),
    Output(ids.MEASURE_EVENT_TEXT, "value"),
    Output(ids.MEASURE_EVENT_STATUS, "children"),
    Output(ids.MEASURE_EVENT_ALERT, "children"),
    Input(ids.MEASURE_EVENT_SAVE, "n_clicks"),
    Input(ids.MEASURE_EVENT_REMOVE, "n_clicks"),
    State(ids.MEASURE_EVENT_MONTH, "value"),
    State(ids.MEASURE_EVENT_TEXT, "value"),
    State(ids.MEASURE_EVENT_REMOVE_CHOICE, "value"),
    State(ids.MEASURE_EVENT_REMOVE_REASON, "value"),
    State(ids.MEASURE_CHART_CHANGES_TARGET, "data"),
    prevent_initial_call=True,
)
@requires(users.COMMENT)
def change_events(add_clicks, remove_clicks, month, text, chosen, reason, target):
    """Add an event to the chart, or take one off with a reason, then draw the chart again; a refusal is said in
    an alert naming every problem."""
    ref, period = _commentary_target(target)
    removing = dash.ctx.triggered_id == ids.MEASURE_EVENT_REMOVE
    try:
        if removing:
            if not isinstance(chosen, str) or not chosen:
                return no_update, no_update, no_update, "", _refused(["Choose the event to take off the chart."])
            chart_changes.remove_event(engine(), chosen, reason=_text(reason), actor=auth.current_name())
            done = "The event has been taken off the chart; its history is kept."
        else:
            event = chart_changes.add_event(engine(), ref, _text(month).strip(), _text(text), actor=auth.current_name())
            done = f"The event has been added to the chart in {long_label(event.period)}."
    except chart_changes.ChartChangeError as error:
        return no_update, no_update, no_update, "", _refused(error.problems)
    except KeyError:
        return no_update, no_update, no_update, "", _refused(["That event is no longer on the chart."])
    confirmation = html.P(done, className="notice notice-success")
    return _redrawn(ref, period), _event_options(ref), "" if not removing else no_update, confirmation, ""


@callback(
    Output(ids.MEASURE_CHART_SECTION, "children", allow_duplicate=True),
    Output(ids.MEASURE_SPC_CHANGE_REMOVE_CHOICE, "options"),
    Output(ids.MEASURE_SPC_CHANGE_STATUS, "children"),
    Output(ids.MEASURE_SPC_CHANGE_ALERT, "children"),
    Input(ids.MEASURE_SPC_CHANGE_SAVE, "n_clicks"),
    Input(ids.MEASURE_SPC_CHANGE_REMOVE, "n_clicks"),
    State(ids.MEASURE_SPC_CHANGE_KIND, "value"),
    State(ids.MEASURE_SPC_CHANGE_MONTH, "value"),
    State(ids.MEASURE_SPC_CHANGE_END, "value"),
    State(ids.MEASURE_SPC_CHANGE_REASON, "value"),
    State(ids.MEASURE_SPC_CHANGE_REMOVE_CHOICE, "value"),
    State(ids.MEASURE_SPC_CHANGE_REMOVE_REASON, "value"),
    State(ids.MEASURE_CHART_CHANGES_TARGET, "data"),
    prevent_initial_call=True,
)
@requires(users.EDIT_CATALOGUE)
def change_recalculations(add_clicks, remove_clicks, kind, month, end, reason, chosen, remove_reason, target):
    """Record a process change or a baseline, or take one away with a reason, then draw the chart again (admins
    only); a refusal is said in an alert naming every problem."""
    ref, period = _commentary_target(target)
    actor = auth.current_name()
    try:
        if dash.ctx.triggered_id == ids.MEASURE_SPC_CHANGE_REMOVE:
            if not isinstance(chosen, str) or not chosen:
                return no_update, no_update, "", _refused(["Choose the recalculation or baseline to take away."])
            chart_changes.remove_spc_change(engine(), chosen, reason=_text(remove_reason), actor=actor)
            done = "It has been taken away; its history is kept."
        elif kind == "baseline":
            first, last = _text(month).strip(), _text(end).strip()
            chart_changes.set_baseline(engine(), ref, first, last, reason=_text(reason), actor=actor)
            done = f"The limits are now fixed on {long_label(first)} to {long_label(last)}."
        else:
            recorded = chart_changes.add_process_change(
                engine(), ref, _text(month).strip(), reason=_text(reason), actor=actor
            )
            done = f"The limits are now recalculated from {long_label(recorded.period)}."
    except chart_changes.ChartChangeError as error:
        return no_update, no_update, "", _refused(error.problems)
    except KeyError:
        return no_update, no_update, "", _refused(["That recalculation is no longer recorded."])
    confirmation = html.P(done, className="notice notice-success")
    return _redrawn(ref, period), _spc_change_options(ref), confirmation, ""
