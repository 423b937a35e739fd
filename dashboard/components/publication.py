"""The pieces that say where a month stands in its sign-off: the DRAFT banner officers and admins see on a month not
yet published (with which measures have a figure), the words of a figure revised since publication, and the pack's
"Published on … by …" line. One wording each, used by every page."""

from __future__ import annotations

from datetime import datetime

from dash import html

from dashboard.server import access
from dashboard.server.data import engine
from measures.domain.catalogue import Catalogue, Measure
from measures.domain.formatting import format_figure
from measures.domain.periods import long_label
from measures.storage import catalogue_records, publications
from measures.storage.publications import Figure, Revision

REVISED_WORD = "revised"


def day_text(moment: datetime | None) -> str:
    """'3 March 2023', or 'on an unknown day'."""
    return f"{moment.day} {moment:%B %Y}" if moment else "an unknown day"


def _figure_words(measure: Measure, figure: Figure | None) -> str:
    if figure is None:
        return "no figure"
    return format_figure(
        measure,
        {
            "status": figure.status,
            "value": figure.value,
            "numerator": figure.numerator,
            "denominator": figure.denominator,
        },
    )


def revision_sentence(measure: Measure, revision: Revision) -> str:
    """E.g. 'Revised since publication: published as 198/291 68.0%, now 200/291 68.7% (revised on 6 March 2023 by
    Olu Officer: one assessment was recorded twice).'"""
    reason = f": {revision.reason}" if revision.reason else ""
    return (
        f"Revised since publication: published as {_figure_words(measure, revision.published)}, now "
        f"{_figure_words(measure, revision.current)} (revised on {day_text(revision.at)} by "
        f"{revision.by or 'an unknown user'}{reason})."
    )


def revised_mark(measure: Measure, revision: Revision | None) -> html.Span | None:
    """The mark beside a figure revised since its month was published: the word, with the whole story as its title
    (and in words for screen readers). None for a figure not revised."""
    if revision is None:
        return None
    sentence = revision_sentence(measure, revision)
    return html.Span(
        [REVISED_WORD, html.Span(f" {sentence}", className="visually-hidden")],
        className="revised-mark",
        title=sentence,
    )


def draft_banner(period: str | None, catalogue: Catalogue | None = None) -> html.Div | None:
    """For a reader who may see drafts, the DRAFT banner of a month not published, with which measures have a
    figure for it; None for a published month (or a reader who sees published months only)."""
    if period is None or not access.may_see_drafts():
        return None
    state = publications.month_state(engine(), period)
    if state.published:
        return None
    catalogue = catalogue or catalogue_records.read_catalogue(engine())
    complete = publications.completeness(engine(), [m.ref for m in catalogue.measures], period)
    withdrawn = (
        f" It was withdrawn on {day_text(state.at)} by {state.actor}: {state.reason}"
        if state.state == publications.WITHDRAWN
        else ""
    )
    return draft_banner_of(period, complete.sentence(), withdrawn)


def draft_banner_of(period: str, completeness: str, withdrawn: str = "") -> html.Div:
    """The DRAFT banner of `period` with its completeness line ('31 of 38 measures have a figure ...') and, for a
    month withdrawn, why: as every page draws it (`draft_banner`) and as the page that explains it shows it."""
    return html.Div(
        [
            html.P(
                [
                    html.Strong("DRAFT", className="draft-label"),
                    f" {long_label(period)} is not published: the board, the committee and viewers do not see it "
                    f"yet.{withdrawn}",
                ]
            ),
            html.P(completeness, className="draft-completeness"),
        ],
        className="notice notice-warning draft-banner",
        role="status",
    )


def publication_line(period: str | None, catalogue: Catalogue) -> html.P | None:
    """The pack's line on the month's sign-off: 'Published on 3 March 2023 by Ada Admin; 2 figures revised since:
    3.1 (…), 4.2 (…).' None for a month never published."""
    if period is None:
        return None
    state = publications.month_state(engine(), period)
    if not state.published:
        return None
    revisions = sorted(publications.revised_figures(engine(), [period]).values(), key=lambda r: r.ref)
    text = f"Published on {day_text(state.at)} by {state.actor}"
    if revisions:
        count = "1 figure" if len(revisions) == 1 else f"{len(revisions)} figures"
        parts = []
        for revision in revisions:
            try:
                measure = catalogue.measure(revision.ref)
            except KeyError:
                continue
            # "measure 3.1" with a no-break space, so that a wrapped line never begins with a ref
            what = revision_sentence(measure, revision)[len("Revised since publication: ") :]
            parts.append(f"measure\u00a0{revision.ref} ({what})")
        text += f"; {count} revised since: " + "; ".join(parts)
    return html.P(text + ("" if text.endswith(".") else "."), className="publication-line")
