"""The meeting pack's pieces beyond its measures tables: the month's facts on the cover (council, committee,
published when and by whom, completeness, revisions since publication), the one-page summary (the headline, the
measures of concern, the actions overdue or rated Red), an area's actions with their rating, flags and impact,
and the pictures of "How to read this pack" (the icons, the chart's shapes, the ratings)."""

from __future__ import annotations

from urllib.parse import quote

from dash import dcc, html

from dashboard.components.charts.spc_chart import POINT_READING, assurance_icon_of, variation_icon_of
from dashboard.components.charts.spc_mini import point_marker
from dashboard.components.plan import OVERDUE_TEXT, STALLED_TEXT, brag_badge, deadline_words, flags, impact_list
from dashboard.components.publication import publication_line
from dashboard.components.stacked_table import STACKED, label_cells
from measures.domain.catalogue import Catalogue
from measures.domain.council import Council
from measures.domain.periods import long_label
from measures.domain.plan import BRAG_KEYS
from measures.views.pack import PackModel
from measures.views.plan import ActionRow, counts_sentence, impact_count_sentence

NO_COMMITTEE = "Scrutiny committee"


def _fact(label: str, value: object, class_name: str) -> list:
    return [html.Dt(label), html.Dd(value, className=class_name)]


def _revisions(pack: PackModel) -> str:
    if pack.publication is None:
        return "Not applicable: the month is not published."
    if not pack.revisions and not pack.ratings_revised:
        return "None: every figure and action rating is as published."
    said = []
    if pack.revisions:
        count = "1 figure" if len(pack.revisions) == 1 else f"{len(pack.revisions)} figures"
        said.append(f"{count}, each named with what was published and why it changed in the line above")
    if pack.ratings_revised:
        numbers = pack.ratings_revised
        count = "the rating of action" if len(numbers) == 1 else "the ratings of actions"
        said.append(f"{count} {', '.join(numbers)}, recorded since (each action's history says who changed it)")
    return "; ".join(said) + "."


def cover_facts(pack: PackModel, council: Council, catalogue: Catalogue) -> html.Dl:
    """The cover's facts of the month: council, committee, as at, published (when and by whom, or DRAFT),
    completeness and the figures revised since publication."""
    as_at = pack.overview.as_at
    # The one wording of the sign-off every page uses: "Published on 3 March 2023 by Ada Admin; 1 figure revised …"
    published = publication_line(as_at, catalogue) or (
        f"DRAFT: {long_label(as_at)} is not published; the board and the committee do not see it yet."
    )
    completeness = pack.completeness.sentence() if pack.completeness is not None else "No figures."
    return html.Dl(
        [
            *_fact("Council", council.name, "pack-council"),
            *_fact("Committee", council.committee or NO_COMMITTEE, "pack-committee"),
            *_fact("As at", long_label(as_at), "pack-fact-as-at"),
            *_fact("Published", published, "pack-published"),
            *_fact("Completeness", completeness, "pack-completeness"),
            *_fact("Revised since publication", _revisions(pack), "pack-revisions"),
        ],
        className="pack-facts",
    )


def _concern_table(pack: PackModel) -> html.Table | html.P:
    concerns = pack.concerns()
    if not concerns:
        return html.P("No measure is off target, failing its target or significantly worse.", className="pack-none")
    area_of = {row.measure.ref: area.number for area, rows in pack.overview.groups for row in rows}
    return html.Table(
        [
            html.Caption("Measures of concern", className="visually-hidden"),
            html.Thead(
                html.Tr(
                    [
                        html.Th("Ref", scope="col", className="col-ref"),
                        html.Th("Measure", scope="col"),
                        html.Th("Why", scope="col", className="col-why"),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Th(
                                html.A(concern.row.measure.ref, href=f"#pack-area-{area_of[concern.row.measure.ref]}"),
                                scope="row",
                                className="ref",
                            ),
                            html.Td(concern.row.measure.short_title),
                            html.Td("; ".join(concern.reasons)),
                        ],
                        className="pack-concern",
                        **{"data-ref": concern.row.measure.ref},
                    )
                    for concern in concerns
                ]
            ),
        ],
        className="pack-small-table pack-concerns",
    )


def _action_summary_table(rows: tuple[ActionRow, ...], as_at: str) -> html.Table:
    return html.Table(
        [
            html.Caption("Actions overdue or rated Red", className="visually-hidden"),
            html.Thead(
                html.Tr(
                    [
                        html.Th("Action", scope="col", className="col-ref"),
                        html.Th("What", scope="col"),
                        html.Th("Rating and deadline", scope="col", className="col-brag"),
                    ]
                )
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Th(row.action.number, scope="row", className="ref"),
                            html.Td(row.action.text),
                            html.Td(
                                [
                                    brag_badge(row.brag, row.latest is not None and row.latest.synthetic),
                                    html.Span(flags(row), className="action-flags"),
                                    html.Span(
                                        f"Deadline: {deadline_words(row.action.deadline, row.action.deadline_text)}",
                                        className="block small",
                                    ),
                                ]
                            ),
                        ],
                        className="pack-action-of-concern",
                        **{"data-number": row.action.number},
                    )
                    for row in rows
                ]
            ),
        ],
        className="pack-small-table pack-actions-of-concern",
    )


def summary_section(pack: PackModel, headline: list[str]) -> html.Section:
    """The one-page summary: the SPC and target headline, the measures of concern and the actions overdue or
    rated Red, with the plan's counts."""
    actions = pack.actions_of_concern()
    counts = pack.plan.counts()
    as_at = pack.overview.as_at
    plan_line = (
        f"The improvement plan as at {long_label(as_at)}: {counts['actions']} open actions, "
        f"{counts_sentence(counts)}; {impact_count_sentence(counts)}."
        if counts["actions"]
        else "The improvement plan has no open actions."
    )
    return html.Section(
        [
            html.H2("Summary", id="pack-summary-heading"),
            html.Ul([html.Li(text) for text in headline], className="pack-headline"),
            html.H3("Measures of concern"),
            html.P(
                "Off target, failing its target (SPC assurance) or significantly worse (SPC): each named once, with "
                "every reason.",
                className="small muted",
            ),
            _concern_table(pack),
            html.H3("Actions overdue or rated Red"),
            html.P(plan_line, className="pack-plan-line"),
            _action_summary_table(actions, as_at)
            if actions
            else html.P("No action is overdue or rated Red.", className="pack-none"),
        ],
        id="pack-summary",
        className="pack-summary",
        **{"aria-labelledby": "pack-summary-heading"},
    )


def _impact(row: ActionRow) -> object:
    """The impact of a completed action in the plan's one wording (its heading is the column's); else so said."""
    return impact_list(row) or "Not completed"


def area_actions(area_number: int, rows: tuple[ActionRow, ...], as_at: str) -> list:
    """An area's open actions as at `as_at`: number, wording, lead and deadline, the rating in words and colour,
    the overdue and stalled flags, and the impact of a completed action; a sentence when there are none."""
    heading = html.H3(f"Area {area_number} actions", className="pack-actions-heading")
    if not rows:
        return [heading, html.P("This area has no open actions in the plan.", className="pack-none")]
    headings = ("Action", "What, who and by when", "Rating", f"{OVERDUE_TEXT} or {STALLED_TEXT.lower()}", "Impact")
    # On a phone each action reads as a block, each cell after its heading (stacked_table), not five thin columns.
    table = html.Table(
        [
            html.Caption(f"Area {area_number} actions as at {long_label(as_at)}", className="visually-hidden"),
            html.Thead(
                html.Tr(
                    [
                        html.Th("Action", scope="col", className="col-ref", role="columnheader"),
                        html.Th("What, who and by when", scope="col", className="col-what", role="columnheader"),
                        html.Th("Rating", scope="col", className="col-brag", role="columnheader"),
                        html.Th(
                            f"{OVERDUE_TEXT} or {STALLED_TEXT.lower()}",
                            scope="col",
                            className="col-flags",
                            role="columnheader",
                        ),
                        html.Th("Impact since completion", scope="col", className="col-impact", role="columnheader"),
                    ],
                    role="row",
                ),
                role="rowgroup",
            ),
            html.Tbody(
                label_cells(
                    [
                        html.Tr(
                            [
                                html.Th(
                                    dcc.Link(row.action.number, href=f"/plan/{row.action.number}?period={as_at}"),
                                    scope="row",
                                    className="ref",
                                ),
                                html.Td(
                                    [
                                        row.action.text,
                                        html.Span(
                                            f"Lead: {row.action.lead or 'not named'}. Deadline: "
                                            f"{deadline_words(row.action.deadline, row.action.deadline_text)}.",
                                            className="block small muted",
                                        ),
                                    ]
                                ),
                                html.Td(brag_badge(row.brag, row.latest is not None and row.latest.synthetic)),
                                html.Td(flags(row) or "No", className="pack-action-flags"),
                                html.Td(_impact(row), className="pack-action-impact"),
                            ],
                            className="pack-action",
                            **{"data-number": row.action.number},
                        )
                        for row in rows
                    ],
                    headings,
                ),
                role="rowgroup",
            ),
        ],
        className=f"pack-small-table pack-actions {STACKED}",
        role="table",
    )
    return [heading, table]


def _shape(kind: str) -> html.Img:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="14" height="14" viewBox="0 0 14 14">'
        + point_marker(kind, 7, 7)
        + "</svg>"
    )
    return html.Img(src="data:image/svg+xml;utf8," + quote(svg), alt="", width=14, height=14, className="pack-shape")


def reading_pictures() -> html.Div:
    """The pictures of How to read this pack: the variation and assurance icons, the chart's point shapes and
    lines, and the BRAG ratings, each with its words."""
    icons = [
        variation_icon_of("common", None, explained=False),
        variation_icon_of("improvement", "high", explained=False),
        variation_icon_of("concern", "low", explained=False),
        variation_icon_of("neither", "high", explained=False),
        assurance_icon_of("pass", explained=False),
        assurance_icon_of("fail", explained=False),
        assurance_icon_of("hit-or-miss", explained=False),
    ]
    shapes = [
        html.Li([_shape(kind), f" {shape}: {POINT_READING[kind].lower()}"])
        for kind, shape in (
            ("common", "Circle"),
            ("improvement", "Diamond"),
            ("concern", "Square"),
            ("neither", "Triangle"),
        )
    ]
    lines = [
        html.Li("Solid line: the mean (average); dashed lines: the upper and lower process limits; dotted: the target.")
    ]
    return html.Div(
        [
            html.Div(
                [html.H3("The SPC icons"), html.Div(icons, className="pack-icons")],
                className="pack-reading-group",
            ),
            html.Div(
                [html.H3("The small charts"), html.Ul(shapes + lines, className="pack-shapes")],
                className="pack-reading-group",
            ),
            html.Div(
                [
                    html.H3("The actions' ratings (BRAG)"),
                    html.Div([brag_badge(key) for key in BRAG_KEYS], className="pack-brags"),
                ],
                className="pack-reading-group",
            ),
        ],
        className="pack-reading-pictures",
    )
