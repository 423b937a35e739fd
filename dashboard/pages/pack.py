"""Meeting pack (`/pack?period=2023-01`): every area as at a month, as a document to print or save as PDF.

Councillors often read the pack on paper the evening before a meeting, so it says everything in words: a cover
with the month's sign-off, How to read this pack, a one-page summary, then one section per improvement area
(flowing on, each measure's rows kept on one printed page) with a sentence on what changed, its measures with a
small SPC chart, the committee's three columns, the national comparator and the month's commentary, and its
actions. `dashboard.server.pdf` prints this page with headless Chromium for the "Download PDF" link.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.charts.spc_mini import spc_mini
from dashboard.components.downloads import month_download_links
from dashboard.components.judgements import (
    CHANGE_HEADLINE_LABEL,
    NO_TARGET,
    NOT_RATED,
    change_cell,
    headline_assurance,
    headline_change,
    headline_spc,
    headline_target,
    target_cell,
    variation_cell,
)
from dashboard.components.national import Comparators, short_line
from dashboard.components.navigation import month_navigation, view_search
from dashboard.components.notices import month_notices, refusal_notice, synthetic_notice
from dashboard.components.overview_table import Revisions, figure_cell_marked
from dashboard.components.pack import area_actions, cover_facts, reading_pictures, summary_section
from dashboard.components.palette import SYNTHETIC_MARK
from dashboard.components.publication import draft_banner
from dashboard.server import access
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.catalogue import Area, Catalogue
from measures.domain.council import load_council
from measures.domain.formatting import CHANGE_READING_TEXT, JUDGEMENT_TEXT, change_reading, polarity_text
from measures.domain.periods import MONTH_NAMES, is_period, long_label, previous_period, short_label
from measures.domain.rating_window import rating_window_months
from measures.domain.spc_wording import rules_text
from measures.storage import catalogue_records, publications, reads
from measures.views.measure_model import CommentaryEntry
from measures.views.national_for_pages import comparators_for_pages
from measures.views.national_model import MeasureComparators
from measures.views.national_wording import (
    CREDIT_LINE,
    LICENCE_LINE,
    QUARTILE_MEANING,
    RANK_MEANING,
    newer_year_note,
)
from measures.views.overview import OverviewModel, OverviewRow
from measures.views.pack import PackModel, build_pack

dash.register_page(
    __name__, path="/pack", name="Meeting pack", title="Meeting pack - Measures that Matter", order=30, cached=True
)

PACK_TITLE = "Children and Families – Measures that Matter"


def pdf_href(period: str | None) -> str:
    """Return the address of the PDF of the pack as at `period` (the server's `/pack.pdf` route)."""
    path = dash.get_relative_path("/pack.pdf")
    return f"{path}?period={period}" if period else path


def _day(moment: date) -> str:
    return f"{moment.day} {MONTH_NAMES[moment.month - 1]} {moment.year}"


def _number(count: int, one: str, many: str) -> str:
    """'1 measure', '3 measures', 'no measures'."""
    if count == 0:
        return f"no {many}"
    return f"{count} {one if count == 1 else many}"


def _share(count: int) -> str:
    return "none" if count == 0 else str(count)


def _change_counts(rows: tuple[OverviewRow, ...]) -> list[str]:
    """The compared changes of an area as phrases, in a fixed order: significantly better and worse (a change the
    way the SPC reading goes, `Assessment.significant_change`), then every other move grouped by what it is
    (`change_reading`: 'within normal variation', 'too few months to judge', ...), moves within a target band,
    and no change."""
    better = sum(row.assessment.significant_change and row.assessment.judgement == "better" for row in rows)
    worse = sum(row.assessment.significant_change and row.assessment.judgement == "worse" for row in rows)
    moved: dict[str, int] = {}
    within_range = same = 0
    for row in rows:
        assessment = row.assessment
        if assessment.within_target_range:
            within_range += 1
        elif assessment.judgement == "same":
            same += 1
        elif assessment.judgement in ("better", "worse") and not assessment.significant_change:
            reading = change_reading(assessment.judgement, assessment.variation, False)
            moved[reading] = moved.get(reading, 0) + 1
    phrases = [f"{_share(better)} significantly better", f"{_share(worse)} significantly worse"]
    for reading in CHANGE_READING_TEXT.values():  # one fixed order, whatever the rows' order
        if moved.get(reading):
            words = reading if reading == CHANGE_READING_TEXT["common"] else f"({reading})"
            phrases.append(f"{moved[reading]} moved {words}")
    if within_range:
        phrases.append(f"{within_range} moved {JUDGEMENT_TEXT['within-range']}")
    if same:
        phrases.append(f"{same} stayed the same")
    return phrases


def area_sentence(rows: tuple[OverviewRow, ...], period: str) -> str:
    """Return what changed in an area as a short plain-English paragraph, e.g. 'Of its 5 measures, compared with
    December 2022 only: none significantly better, none significantly worse, 3 moved within normal variation and
    1 stayed the same. 1 is off target. None shows special-cause variation.' Only a significant change (the way
    the SPC reading goes) is called better or worse, as in the rows and the headline; measures that cannot be
    compared, or have no 'good looks like', are counted apart."""
    if not rows:
        return "This area has no measures yet."
    judgements = [row.assessment.judgement for row in rows]
    directions = [row.assessment.direction for row in rows]
    compared = sum(judgement in ("better", "worse", "same") for judgement in judgements)
    uncompared = directions.count("none")
    unjudged = len(rows) - compared - uncompared
    before = long_label(previous_period(period))
    sentences = []
    of_its = "Of its one measure" if len(rows) == 1 else f"Of its {_number(len(rows), 'measure', 'measures')}"
    if compared:
        phrases = _change_counts(rows)
        listed = f"{', '.join(phrases[:-1])} and {phrases[-1]}" if len(phrases) > 1 else phrases[0]
        sentences.append(f"{of_its}, compared with {before} only: {listed}.")
    else:
        sentences.append(f"{of_its}, none can be judged better or worse than in {before}.")
    if unjudged:
        sentences.append(
            f"{unjudged} {'has' if unjudged == 1 else 'have'} no stated “good looks like” to judge the change by."
        )
    if uncompared:
        sentences.append(
            f"{uncompared} could not be compared (no figure, TBC, a new measure, not applicable or suppressed)."
        )
    targeted = [row for row in rows if row.assessment.target_reading != "no-target"]
    rated = [row.assessment.rag for row in targeted if row.assessment.target_reading == "rated"]
    if not targeted:
        sentences.append("No measure in this area has a target.")
    elif not rated:
        sentences.append("No measure could be rated against its target this month.")
    else:
        off, near = rated.count("red"), rated.count("amber")
        earlier = sorted(
            {
                row.assessment.rag_as_of
                for row in targeted
                if row.assessment.off_target and row.assessment.rated_earlier and row.assessment.rag_as_of
            }
        )
        earlier_off = sum(row.assessment.off_target and row.assessment.rated_earlier for row in targeted)
        as_at = (
            f" ({earlier_off} of them as at {' or '.join(long_label(month) for month in earlier)}, "
            "with no figure this month)"
            if earlier_off
            else ""
        )
        sentences.append(f"{off} {'is' if off == 1 else 'are'} off target{as_at}." if off else "None is off target.")
        if near:
            sentences.append(f"{near} {'is' if near == 1 else 'are'} near target.")
        if len(rated) < len(targeted):
            unrated = len(targeted) - len(rated)
            sentences.append(f"{unrated} with a target could not be rated this month.")
    special = sum(row.assessment.special_cause for row in rows)
    sentences.append(
        f"{special} {'shows' if special == 1 else 'show'} special-cause variation."
        if special
        else "None shows special-cause variation."
    )
    return " ".join(sentences)


def _measure(row: OverviewRow) -> html.Td:
    measure = row.measure
    return html.Td(
        [
            html.Span(measure.short_title, className="measure-name"),
            html.Span(
                f"Good looks like: {polarity_text(measure).lower()}"
                if measure.polarity != "none"
                else "Good looks like: not stated",
                className="small block",
            ),
        ],
        className="measure",
    )


def _national_row(row: OverviewRow, national: Mapping[str, Comparators], columns: int) -> html.Tr | None:
    """A full-width line under a measure with national figures: the latest year's comparators, the year first."""
    comparators = national.get(row.measure.ref)
    if not isinstance(comparators, MeasureComparators) or comparators.latest is None:
        return None
    later = newer_year_note(comparators)
    return html.Tr(
        html.Td(
            [
                html.Span(f"{row.measure.ref} nationally (annual figures): ", className="pack-national-label"),
                *short_line(comparators),
                f" · {later[:1].lower()}{later[1:]}" if later else None,
            ],
            colSpan=columns,
            className="pack-national small",
        ),
        className="pack-national-row",
        **{"data-national-ref": row.measure.ref},  # data-ref is the measure's own row
    )


def _committee_cell(label: str, text: str, span: int, class_name: str) -> html.Td:
    """One of the committee's three columns, labelled in the cell as well as in the header (a header printed on
    an earlier page is not beside it)."""
    return html.Td(
        [html.Span(f"{label}: ", className="pack-committee-label"), text or "Not stated"],
        colSpan=span,
        className=f"small pack-committee {class_name}",
    )


def _detail_row(row: OverviewRow, period: str, figures: int) -> html.Tr:
    """Under a measure's figures: its small SPC chart, then the committee's three columns (objective, timescale,
    best practice), under the columns the header names them over."""
    measure = row.measure
    return html.Tr(
        [
            html.Td(spc_mini(measure, row.assessment, period), colSpan=2, className="pack-chart-cell"),
            _committee_cell("Objective", measure.objective, figures, "pack-objective"),
            _committee_cell("Timescale", measure.timescale, 1, "pack-timescale"),
            _committee_cell("Best practice", measure.best_practice, 2, "pack-best-practice"),
        ],
        className="pack-detail-row",
        **{"data-detail-ref": measure.ref},
    )


def _commentary_row(ref: str, entry: CommentaryEntry | None, columns: int) -> html.Tr | None:
    """The month's commentary on a measure as its author wrote it (kept as text, line breaks kept)."""
    if entry is None:
        return None
    when = f", {_day(entry.recorded_at)}" if isinstance(entry.recorded_at, date) else ""
    author = f" by {entry.author}" if entry.author else ""
    return html.Tr(
        html.Td(
            [
                html.Span(f"Commentary on {ref}, {long_label(entry.period)}{author}{when}: ", className="pack-label"),
                html.Span(entry.text, className="pack-commentary-text"),
            ],
            colSpan=columns,
            className="pack-commentary small",
        ),
        className="pack-commentary-row",
        **{"data-commentary-ref": ref},
    )


def _area_table(
    area: Area,
    rows: tuple[OverviewRow, ...],
    pack: PackModel,
    revised: Revisions,
    national: Mapping[str, Comparators] | None = None,
) -> html.Div:
    model = pack.overview
    header = html.Tr(
        [
            html.Th("Ref", scope="col", className="col-ref"),
            html.Th("Measure", scope="col", className="col-measure"),
            *[html.Th(short_label(period), scope="col", className="figure col-figure") for period in model.columns],
            html.Th("Change since last month", scope="col", className="col-change"),
            html.Th("Against target", scope="col", className="col-rag"),
            html.Th("Variation (SPC)", scope="col", className="col-spc"),
        ]
    )
    committee_header = html.Tr(
        [
            html.Th("SPC chart, monthly figures", scope="col", colSpan=2, className="pack-subhead"),
            html.Th("Objective", scope="col", colSpan=len(model.columns), className="pack-subhead"),
            html.Th("Timescale", scope="col", className="pack-subhead"),
            html.Th("Best practice", scope="col", colSpan=2, className="pack-subhead"),
        ],
        className="pack-committee-header",
    )
    columns = len(model.columns) + 5
    # One body per measure, so that its figures, chart, columns, comparator and commentary print together.
    bodies = []
    for row in rows:
        lines = [
            _pack_row(row, revised),
            _detail_row(row, model.as_at, len(model.columns)),
            _national_row(row, national or {}, columns),
            _commentary_row(row.measure.ref, pack.commentary.get(row.measure.ref), columns),
        ]
        bodies.append(html.Tbody([line for line in lines if line is not None], className="pack-measure"))
    # On a phone the table keeps readable columns and scrolls in its own box (see .pack-table-scroll in CSS).
    return html.Div(
        html.Table(
            [
                html.Caption(
                    f"Area {area.number} measures as at {long_label(model.as_at)}", className="visually-hidden"
                ),
                html.Thead([header, committee_header]),
                *bodies,
            ],
            className="pack-table",
        ),
        className="pack-table-scroll",
    )


def _pack_row(row: OverviewRow, revised: Revisions) -> html.Tr:
    return html.Tr(
        [
            html.Th(row.measure.ref, scope="row", className="ref"),
            _measure(row),
            *[
                figure_cell_marked(row, figure, index == len(row.figures) - 1, revised)
                for index, figure in enumerate(row.figures)
            ],
            change_cell(row.measure, row.assessment),
            target_cell(row.measure, row.assessment),
            variation_cell(row.measure, row.assessment),
        ],
        className="pack-row",
        **{"data-ref": row.measure.ref},
    )


def _area_section(
    area: Area,
    rows: tuple[OverviewRow, ...],
    pack: PackModel,
    revised: Revisions | None = None,
    national: Mapping[str, Comparators] | None = None,
) -> html.Section:
    heading = f"pack-area-{area.number}-heading"
    as_at = pack.overview.as_at
    return html.Section(
        [
            html.Div(
                [
                    html.H2(
                        [html.Span(f"Area {area.number}", className="pack-area-number"), f" {area.title}"], id=heading
                    ),
                    html.P(area.description, className="pack-area-description") if area.description else None,
                    html.P(area_sentence(rows, as_at), className="pack-change-sentence"),
                ],
                className="pack-area-opening",
            ),
            _area_table(area, rows, pack, revised or {}, national),
            *area_actions(area.number, pack.actions_in(area.number), as_at),
        ],
        id=f"pack-area-{area.number}",
        className="pack-area",
        **{"aria-labelledby": heading, "data-area": str(area.number)},
    )


def _national_key(national: Mapping[str, Comparators]) -> list:
    """The key's words on national comparisons, with the source; nothing without national figures."""
    if not any(isinstance(item, MeasureComparators) and item.latest is not None for item in national.values()):
        return []
    return [
        html.Li(
            [
                html.Strong("Nationally (annual figures): "),
                "under a measure that has a national comparator, the council's figure for the latest year the "
                "Department for Education has published, England, the average of its statistical neighbours, its "
                f"rank and quartile band. These are annual figures (for a year, or a date in it such as 30 September), "
                f"each naming its year, never the month's. "
                f"{RANK_MEANING} {QUARTILE_MEANING} A measure without this line has no national comparator; its "
                f"page says why. {CREDIT_LINE}. {LICENCE_LINE}",
            ]
        )
    ]


def _headline(model: OverviewModel) -> list[str]:
    counts = model.summary()
    spc_line = "; ".join(f"{number} {words}" for number, words, _ in headline_spc(counts))
    month_line = ", ".join(f"{number} {words}" for number, words, _ in headline_change(counts))
    failing, failing_words, _ = headline_assurance(counts)
    return [
        spc_line,
        f"{failing} {failing_words}",
        f"{CHANGE_HEADLINE_LABEL} {month_line}",
        f"{counts['off_target']} {headline_target(counts, model.off_target_earlier_months())}",
        f"{_number(counts['measures'], 'measure', 'measures')} in "
        f"{_number(len(model.groups), 'improvement area', 'improvement areas')}",
    ]


def _cover(pack: PackModel, produced: date, catalogue: Catalogue) -> html.Section:
    model = pack.overview
    council = load_council()
    synthetic = (
        synthetic_notice(f"Figures marked {SYNTHETIC_MARK}", class_name="pack-synthetic")
        if model.shows_synthetic
        else None
    )
    return html.Section(
        [
            html.P(
                [council.name, html.Br(), council.committee or "Scrutiny committee", " meeting pack"],
                className="pack-kicker",
            ),
            html.H1(PACK_TITLE, className="pack-title"),
            html.P(f"as at {long_label(model.as_at)}", className="pack-as-at"),
            cover_facts(pack, council, catalogue),
            html.P(
                f"Produced on {_day(produced)} from the figures stored then. Arrows, judgements and ratings are "
                "computed from the figures, never typed by hand.",
                className="pack-produced",
            ),
            synthetic,
            html.H2("Contents", className="pack-cover-heading"),
            html.Ol(
                [
                    html.Li(html.A("How to read this pack", href="#pack-reading")),
                    html.Li(html.A("Summary", href="#pack-summary")),
                    *[
                        html.Li(html.A(f"Area {area.number}: {area.title}", href=f"#pack-area-{area.number}"))
                        for area, _ in model.groups
                    ],
                ],
                className="pack-contents",
            ),
        ],
        className="pack-cover",
        **{"aria-label": "Cover"},
    )


def _how_to_read(model: OverviewModel, national: Mapping[str, Comparators]) -> html.Section:
    """How to read this pack: one printed page, the words of each column and the icons, shapes and ratings."""
    return html.Section(
        [
            html.H2("How to read this pack", id="pack-reading-heading"),
            html.Ul(
                [
                    html.Li(
                        [
                            html.Strong("Change since last month: "),
                            "the direction and size of the change. It is called better or worse, in colour, only "
                            "where the SPC reading shows a significant change that way; otherwise it says “within "
                            "normal variation”, “too few months to judge” or “within the target range”.",
                        ]
                    ),
                    html.Li(
                        [
                            html.Strong("Against target: "),
                            "on target, near target or off target. Where the month has no figure (TBC), the "
                            f"latest figure of the {_number(rating_window_months(), 'month', 'months')} before is "
                            "rated and its month named (“Off target, as at December 2022”); an earlier month on "
                            f"target is not counted as on target now. “{NOT_RATED}”: a target but no figure to "
                            f"rate; “{NO_TARGET}”: the plan sets none.",
                        ]
                    ),
                    html.Li(
                        [
                            html.Strong("Variation (SPC): "),
                            "statistical process control as in NHS England’s “Making Data Count”. Common cause "
                            "means no significant change; special cause means a change unlikely to be chance. ",
                            rules_text([row.measure for row in model.rows]),
                            " “Reading up to” names the last month read when the month has no figure.",
                        ]
                    ),
                    html.Li(
                        [
                            html.Strong("Objective, timescale, best practice: "),
                            "the committee's three columns: what the measure is meant to show, by when, and what "
                            "it is compared with. ",
                            html.Strong("Commentary: "),
                            "the officers' words on the month, as written.",
                        ]
                    ),
                    html.Li(
                        [
                            html.Strong("TBC "),
                            "means to be confirmed (never zero); ",
                            html.Strong("New measure "),
                            "means no data yet; ",
                            html.Strong("Not applicable "),
                            "means there is no figure for the month; ",
                            html.Strong("Suppressed "),
                            "means a small number not published so that no one can be identified.",
                        ]
                    ),
                    *_national_key(national),
                ],
                className="pack-key",
            ),
            reading_pictures(),
        ],
        id="pack-reading",
        className="pack-reading",
        **{"aria-labelledby": "pack-reading-heading"},
    )


def _controls(model: OverviewModel, published: bool) -> html.Div:
    """The month picker and, for a published month, the PDF link: the PDF is made of published months only, so a
    draft month (seen by officers and admins) says so instead of offering a link that would be refused."""
    options = [{"label": long_label(p), "value": p} for p in reversed(model.available_periods)]
    print_hint = (
        "To print from the browser, use its Print command "
        "(Ctrl+P, or Cmd+P on a Mac): the cover, the key and the summary take a page each, the areas follow on "
        "and the menus are left out."
    )
    if published:
        pdf: list = [
            html.A(
                "Download PDF",
                href=pdf_href(model.period),
                id=ids.PACK_PDF_LINK,
                className="button pack-pdf-link",
            )
        ]
        hints = [html.P(f"The PDF takes a few seconds to make. {print_hint}", className="hint pack-print-hint")]
    else:
        pdf = []
        hints = [
            html.P(
                f"The PDF is made of published months only: publish {long_label(str(model.period))} first.",
                className="hint pack-pdf-draft",
            ),
            html.P(print_hint, className="hint pack-print-hint"),
        ]
    return html.Div(
        [
            html.Div(
                [
                    html.Label("As at", htmlFor=ids.PACK_PERIOD_PICKER, className="picker-label"),
                    dcc.Dropdown(
                        id=ids.PACK_PERIOD_PICKER,
                        options=options,
                        value=model.period,
                        clearable=False,
                        searchable=False,
                        className="period-picker",
                    ),
                    dcc.Store(id=ids.PACK_SHOWN_PERIOD, data=view_search(period=model.period)),
                    *pdf,
                    month_download_links(model.period),
                ],
                className="controls pack-picker",
            ),
            *hints,
        ],
        className="pack-controls",
    )


def _notices(model: OverviewModel, requested: str | None) -> list:
    return month_notices(requested, model.available_periods, model.period)


@single_query_values
def layout(period: str | None = None, **_query) -> html.Div:
    """Return the pack as at `period` (query string), defaulting to the latest month with figures."""
    refused = refusal_notice("Meeting pack", users.VIEW_SERVICE)
    if refused:
        return refused
    visible = access.visible_months()
    # Only a month the reader may see and that has figures: a pack "as at" a draft month would tell a viewer which
    # draft figures exist, and one as at a month nobody has reported would count every action overdue.
    shown = period if is_period(period) and period in reads.available_periods(engine(), visible) else None
    pack = build_pack(engine(), shown, visible=visible)
    model = pack.overview
    if model.period is None:
        return html.Div(
            [
                html.H1(PACK_TITLE),
                html.P(
                    "There are no figures yet. Import a monthly return to make a pack.", className="notice notice-info"
                ),
            ],
            id=ids.PACK_DOCUMENT,
            className="pack",
        )
    revised = publications.revised_figures(engine(), model.columns)
    national = comparators_for_pages(engine())
    return html.Div(
        [
            _controls(model, pack.publication is not None),
            *_notices(model, period),
            draft_banner(model.period),
            _cover(pack, date.today(), catalogue_records.read_catalogue(engine())),
            _how_to_read(model, national),
            summary_section(pack, _headline(model)),
            *[_area_section(area, rows, pack, revised, national) for area, rows in model.groups],
        ],
        id=ids.PACK_DOCUMENT,
        className="pack",
        **{"data-period": model.period},
    )


month_navigation(ids.PACK_PERIOD_PICKER, ids.PACK_SHOWN_PERIOD)
