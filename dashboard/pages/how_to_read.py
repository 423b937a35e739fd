"""How to read these pages (`/how-to-read`): what the change, the rating against target, variation, assurance,
the revised mark, draft months and the words in place of a figure mean, in plain English, each beside the
picture the pages draw (the same badges and icons, made by the same pieces). Linked from every page's header
and from each judgement; its section anchors are in `dashboard/components/reading_help.py`."""

from __future__ import annotations

from datetime import UTC, datetime

import dash
from dash import dcc, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.components.charts.spc_chart import assurance_icon_of, variation_icon_of
from dashboard.components.judgements import (
    NO_TARGET,
    NOT_RATED,
    assurance_line_of,
    rating_badge,
    synthetic_mark,
    variation_badge_of,
)
from dashboard.components.plan import OVERDUE_MEANING, OVERDUE_TEXT, STALLED_MEANING, STALLED_TEXT, brag_badge
from dashboard.components.publication import draft_banner_of, revised_mark
from dashboard.components.reading_help import HOW_TO_READ_PATH, SECTIONS, Section
from dashboard.server import auth, response_cache
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.domain.catalogue import Measure
from measures.domain.formatting import (
    DIRECTION_ARROW,
    RAG_TEXT,
    STATUS_EXPLANATION,
    STATUS_TEXT,
)
from measures.domain.plan import brag_label
from measures.domain.spc_wording import minimum_rule, settings_in_force, special_cause_rules
from measures.storage.catalogue_records import read_catalogue
from measures.storage.publications import Figure, Revision
from measures.views.national_wording import ANNUAL_MEANING, CREDIT_LINE, LICENCE_LINE, QUARTILE_MEANING, RANK_MEANING
from measures.views.plan import BRAG_ORDER

dash.register_page(
    __name__,
    path=HOW_TO_READ_PATH,
    name="How to read these pages",
    title="How to read these pages - Measures that Matter",
    order=35,
    # It holds no figures: anyone who can open a page can read what its words mean.
    required_permission=auth.PUBLIC,
    cached=True,
)


def _measures() -> tuple[Measure, ...]:
    """The catalogue's measures, for the SPC settings in force; none when the database cannot be read (the page
    then describes the built-in settings)."""
    try:
        return read_catalogue(engine()).measures
    except SQLAlchemyError:
        response_cache.do_not_store()  # the built-in settings stand in only until the database answers again
        return ()


def _section(section: Section, heading: str, *children) -> html.Section:
    anchor = SECTIONS[section]
    return html.Section(
        [html.H2(heading, id=anchor, tabIndex="-1"), *children],
        className="reading-section",
        **{"aria-labelledby": anchor},
    )


# An example of a revised figure, drawn by the same piece as on the pages (the figures are made up).
EXAMPLE_MEASURE = Measure(
    ref="3.1",
    area=3,
    title="Assessments completed in time",
    short_title="Assessments",
    unit="percent",
    polarity="higher",
    decimals=1,
    counts=True,
)
EXAMPLE_REVISION = Revision(
    ref="3.1",
    period="2023-01",
    published=Figure(236, 304, 236 / 304 * 100, "ok"),
    current=Figure(240, 304, 240 / 304 * 100, "ok"),
    at=datetime(2023, 3, 6, tzinfo=UTC),
    by="Olu Officer",
    reason="four assessments were recorded late",
)
EXAMPLE_REVISION_WORDS = (
    "A figure corrected after its month was published (an example). The mark's pop-up says: published as 236/304 "
    "77.6%, now 240/304 78.9%, revised on 6 March 2023 by Olu Officer, and why."
)


def _pictures(rows: list[tuple[object, str]], caption: str) -> html.Table:
    """A two-column table: the picture as the pages draw it, and what it means."""
    return html.Table(
        [
            html.Caption(caption, className="visually-hidden"),
            html.Thead(html.Tr([html.Th("On the pages", scope="col"), html.Th("What it means", scope="col")])),
            html.Tbody(
                [html.Tr([html.Td(picture, className="reading-picture"), html.Td(words)]) for picture, words in rows]
            ),
        ],
        className="report-table reading-table",
    )


def _contents() -> html.Nav:
    headings: list[tuple[Section, str]] = [
        ("change", "The change since last month"),
        ("target", "Against target"),
        ("variation", "Variation: has anything really changed?"),
        ("assurance", "Assurance: will the target be met?"),
        ("revised", "Revised figures"),
        ("draft", "Draft months"),
        ("words", "Words in place of a figure"),
        ("national", "National comparisons"),
        ("plan", "The improvement plan's ratings"),
    ]
    return html.Nav(
        [
            html.H2("On this page", id="reading-contents"),
            html.Ul([html.Li(html.A(text, href=f"#{SECTIONS[key]}")) for key, text in headings]),
        ],
        className="reading-contents",
        **{"aria-labelledby": "reading-contents"},
    )


def _change_section() -> html.Section:
    return _section(
        "change",
        "The change since last month",
        html.P(
            [
                "An arrow shows which way the figure moved since the month before: ",
                html.Span(DIRECTION_ARROW["up"], className="arrow", **{"aria-hidden": "true"}),
                " up, ",
                html.Span(DIRECTION_ARROW["down"], className="arrow", **{"aria-hidden": "true"}),
                " down, ",
                html.Span(DIRECTION_ARROW["flat"], className="arrow", **{"aria-hidden": "true"}),
                " no change. The words beside it say whether that is better or worse, from what good looks like for "
                "the measure (for some, higher is better; for others, lower). Arrows and words are worked out "
                "from the figures, never typed by hand.",
            ]
        ),
        html.P(
            "A change between two months is often only the ordinary ups and downs of the figures. Whether something "
            "has really changed is shown under Variation, below, which looks at many months together."
        ),
    )


def _target_section() -> html.Section:
    rows: list[tuple[object, str]] = [
        (
            rating_badge("green", True),
            "The figure meets the target the improvement plan sets, e.g. at least 90%.",
        ),
        (
            rating_badge("amber", True),
            "The figure misses the target, but only by a small margin set for each measure (given on its page).",
        ),
        (rating_badge("red", True), "The figure misses the target by more than that margin."),
        (
            rating_badge("none", True),
            "The measure has a target, but there is no figure for the month to rate (for example it is to be "
            "confirmed). It is never counted as on target.",
        ),
        (rating_badge("none", False), "The improvement plan sets no target for this measure, so it is not rated."),
    ]
    return _section(
        "target",
        "Against target",
        html.P(
            f"Measures with a target are rated {RAG_TEXT['green'].lower()}, {RAG_TEXT['amber'].lower()} or "
            f"{RAG_TEXT['red'].lower()}; the words are always there as well as the colour. Targets come from the "
            "improvement plan; each measure's page names where its target comes from."
        ),
        _pictures(rows, f"The ratings against target, from {RAG_TEXT['green']} to {NOT_RATED} and {NO_TARGET}"),
    )


def _variation_section(measures: tuple[Measure, ...]) -> html.Section:
    options, others = settings_in_force(measures)
    own = (
        html.P(
            f"{'Measure' if len(others) == 1 else 'Measures'} {', '.join(others)} "
            f"{'uses' if len(others) == 1 else 'use'} settings of {'its' if len(others) == 1 else 'their'} own, "
            "given on the measure's page."
        )
        if others
        else None
    )
    meanings = {
        "common": "The figures are moving up and down within their usual range. Nothing significant has changed, "
        "even if this month is higher or lower than last.",
        "improvement": "The figures have changed by more than chance would explain, in the direction that is better "
        "for this measure.",
        "concern": "The figures have changed by more than chance would explain, in the direction that is worse for "
        "this measure. It is worth asking why.",
        "neither": "The figures have changed by more than chance would explain, but the measure does not say whether "
        "higher or lower is better.",
        "insufficient": f"There are not enough months yet to tell ordinary variation from a real change: a reading "
        f"needs {minimum_rule(options)}. The pages say how many there are so far.",
        "no-reading": "Some figures are not one month's count: a rolling 12-month figure, or a figure for the year "
        "so far. Each month repeats most of the months before it, so the method cannot tell a real change from "
        "the overlap. The figures are still shown, and the page says why there is no reading.",
    }
    sides = {
        "improvement": "high",
        "concern": "low",
        "neither": "high",
        "common": None,
        "insufficient": None,
        "no-reading": None,
    }
    rows: list[tuple[object, str]] = [
        (html.Div([variation_badge_of(kind), html.Div(variation_icon_of(kind, sides[kind], explained=False))]), words)
        for kind, words in meanings.items()
    ]
    return _section(
        "variation",
        "Variation: has anything really changed?",
        html.P(
            "Every figure goes up and down from month to month, even when nothing about the service has changed. "
            "The pages tell those ordinary ups and downs from a real change with the method the NHS uses for its own "
            "figures (statistical process control, from NHS England's “Making Data Count”)."
        ),
        html.P(
            "It works out the usual range of a measure from its past months: the average, and limits above and "
            f"below it. A change counts as significant when there is {special_cause_rules(options)}. "
            f"A reading needs {minimum_rule(options)}."
        ),
        own,
        html.P(
            "On a measure's page the same reading is drawn as a round icon. Its letter shows which way the unusual "
            "months point: H when they are higher than usual, L when lower, and ~ when there is only normal "
            "variation. In the chart, months that are part of a significant change are drawn in their own shape "
            "and colour, named in the chart's key."
        ),
        _pictures(rows, "The variation readings: the badge in the tables and the icon on a measure's page"),
    )


def _assurance_section() -> html.Section:
    meanings = {
        "pass": "If things carry on as they are, the figure will meet the target every month: the whole usual range "
        "is on the right side of the target.",
        "fail": "If things carry on as they are, the figure will miss the target every month: the whole usual range "
        "is on the wrong side of the target. Something has to change for the target to be met.",
        "hit-or-miss": "The target is inside the usual range, so from month to month the figure will sometimes meet "
        "it and sometimes miss it, by chance alone.",
    }
    rows: list[tuple[object, str]] = [
        (html.Div([assurance_line_of(kind), html.Div(assurance_icon_of(kind, explained=False))]), words)
        for kind, words in meanings.items()
    ]
    return _section(
        "assurance",
        "Assurance: will the target be met?",
        html.P(
            "Assurance looks at the usual range of a measure (see Variation) against its target, to say whether the "
            "target can be relied on to be met. It is given only for a measure with a target, where higher or "
            "lower is clearly better, once there are enough months for a reading."
        ),
        _pictures(rows, "The assurance readings: the words in the tables and the icon on a measure's page"),
    )


def _revised_section() -> html.Section:
    return _section(
        "revised",
        "Revised figures",
        html.P(
            "Once a month is published, its figures stay as they were signed off. When one of them has to be "
            "corrected later, the corrected figure carries a “revised” mark. Point at the mark, or move to it "
            "with the keyboard, to see what was published, what it is now, when it was changed, by whom and why; "
            "the measure's page lists the same under Revisions."
        ),
        html.P("Nothing is overwritten: every earlier version of a figure is kept."),
        _pictures(
            [(html.Span(["240/304 78.9% ", revised_mark(EXAMPLE_MEASURE, EXAMPLE_REVISION)]), EXAMPLE_REVISION_WORDS)],
            "The revised mark, as it appears beside a figure",
        ),
    )


def _draft_section() -> html.Section:
    return _section(
        "draft",
        "Draft months",
        html.P(
            "A month's figures are a draft until the council checks them and publishes the month. Board and "
            "committee members see published months only."
        ),
        html.P(
            "Officers preparing the figures can also see draft months. Every page showing a draft month has a "
            "DRAFT banner at the top, with how many measures have a figure for that month so far. A draft month "
            "is not signed off and must not be quoted."
        ),
        _pictures(
            [
                (
                    draft_banner_of("2023-02", "31 of 38 measures have a figure for February 2023; missing: 2.4, 2.5."),
                    "The banner officers see at the top of a page showing a draft month (an example).",
                )
            ],
            "The DRAFT banner",
        ),
    )


def _words_section() -> html.Section:
    statuses: list[tuple[object, str]] = [
        (html.Span(STATUS_TEXT[status], className=f"status-{status}"), STATUS_EXPLANATION[status].capitalize() + ".")
        for status in ("tbc", "new", "na", "suppressed", "missing")
    ]
    statuses.append(
        (
            html.Span(["77.6%", *synthetic_mark()]),
            "A figure marked † is a made-up demonstration figure, not real data.",
        )
    )
    statuses.append(
        (
            html.Span("Small numbers: fewer than 10 in the denominator, read with care.", className="small flag"),
            "When a percentage is of fewer than 10 children or cases, one case moves it a long way.",
        )
    )
    return _section(
        "words",
        "Words in place of a figure",
        html.P("A month without a figure says why in words. None of them is ever read as zero, rated or compared."),
        _pictures(statuses, "Words in place of a figure, and marks beside a figure"),
    )


def _national_section() -> html.Section:
    return _section(
        "national",
        "National comparisons",
        html.P(
            "Where the Department for Education publishes a figure that matches a measure, the pages compare the "
            "council with England, its region and its ten statistical neighbours (the councils most like it). "
            + ANNUAL_MEANING
            + " Every national figure names its year, for example 2023-24."
        ),
        html.P(
            "A short line reads, for example, 2023-24: 61.0% · England 66.0% · neighbours 58.0% · rank 97 of 151 · C. "
            "That is the council's figure for the year, England's, the plain average of the statistical neighbours "
            "that have a figure, the council's rank among the councils with a figure, and its quartile band."
        ),
        html.P(
            f"{RANK_MEANING} {QUARTILE_MEANING} Some items have no band, and an item with no better or worse "
            "direction has no rank."
        ),
        html.P(
            "A figure the Department did not publish is said in words (suppressed, not published, not applicable, "
            "not available), never as zero, and is left out of the neighbours' average and the rank. The "
            "statistical neighbour groups changed in May 2025: figures for years ending in 2025 or later are "
            "compared with the May 2025 groups, earlier years with the April 2021 groups, and each comparison "
            "names the groups it used."
        ),
        html.P(
            "Some measures have no national comparator, or one whose definition differs a little; the measure's "
            "page says which and why."
        ),
        html.P(f"{CREDIT_LINE}. {LICENCE_LINE}"),
    )


@single_query_values
def _plan_section() -> html.Section:
    flag_rows: list[tuple[object, str]] = [
        (html.Span(OVERDUE_TEXT, className="action-flag flag-overdue"), OVERDUE_MEANING),
        (html.Span(STALLED_TEXT, className="action-flag flag-stalled"), STALLED_MEANING),
    ]
    return _section(
        "plan",
        "The improvement plan's ratings",
        html.P(
            "Each month every action of the improvement plan is rated with the plan's own key, BRAG: Blue, Red, "
            "Amber or Green, or not yet due. The rating is always written in words as well as shown in its colour."
        ),
        _pictures(
            [
                (
                    brag_badge(key),
                    "No colour was given for the month."
                    if key == "not_recorded"
                    else f"The plan's key: {brag_label(key).lower()}.",
                )
                for key in BRAG_ORDER
            ]
            + flag_rows,
            "The ratings and flags of an action",
        ),
        html.P(
            "The plan published in December 2022 kept its progress words but lost its colours when it became text, "
            "so its December entries are not recorded; an action's rating is then its latest month with a colour. "
            "Ratings marked † are synthetic demonstration ratings, not the "
            "council's."
        ),
        html.P(
            "Blue means the work is done and its impact is still to be tested. For each measure the action was meant "
            "to move, the pages read the months after it was completed against the months before: an improvement "
            "or a concern is named only when the SPC rules find a real change (a month beyond the earlier limits, "
            "or a run of months on one side of the earlier average); otherwise the page says there is no "
            "significant change yet. Impact is counted as evidenced when at least one of its measures has improved."
        ),
    )


def layout(**_query) -> html.Div:
    """The page: what each judgement, mark and banner means, with the pictures the pages use."""
    return html.Div(
        [
            html.Div(
                [
                    html.H1("How to read these pages"),
                    html.P(
                        "What the words, colours and pictures on these pages mean, in plain English. Each picture "
                        "is drawn exactly as on the other pages.",
                        className="lede",
                    ),
                ],
                className="page-header",
            ),
            _contents(),
            _change_section(),
            _target_section(),
            _variation_section(_measures()),
            _assurance_section(),
            _revised_section(),
            _draft_section(),
            _words_section(),
            _national_section(),
            _plan_section(),
            html.P(dcc.Link("Back to the Measures that Matter table", href="/")),
        ],
        className="reading-page statement",
    )
