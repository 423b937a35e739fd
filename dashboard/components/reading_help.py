"""Links to "How to read these pages" (`dashboard/pages/how_to_read.py`): its address, the anchor of each of its
sections, and the small "What does this mean?" link placed beside a judgement. The page and every piece that
links to it take the addresses from here, so a link cannot point at a section that is not there."""

from __future__ import annotations

from typing import Literal

from dash import dcc, html

HOW_TO_READ_PATH = "/how-to-read"

Section = Literal["change", "target", "variation", "assurance", "revised", "draft", "words", "national", "plan"]
SECTIONS: dict[Section, str] = {
    "change": "reading-change",
    "target": "reading-target",
    "variation": "reading-variation",
    "assurance": "reading-assurance",
    "revised": "reading-revised",
    "draft": "reading-draft",
    "words": "reading-words",
    "national": "reading-national",
    "plan": "reading-plan",
}
# What each section explains, for the link's accessible name ("What does this mean? (variation)").
SECTION_SUBJECTS: dict[Section, str] = {
    "change": "the change since last month",
    "target": "the rating against target",
    "variation": "variation",
    "assurance": "assurance against the target",
    "revised": "the revised mark",
    "draft": "draft months",
    "words": "words in place of a figure",
    "national": "national comparisons",
    "plan": "the improvement plan's ratings",
}


def section_href(section: Section) -> str:
    """Return the address of one section of the How to read page, e.g. '/how-to-read#reading-variation'."""
    return f"{HOW_TO_READ_PATH}#{SECTIONS[section]}"


def meaning_link(section: Section) -> dcc.Link:
    """A small "What does this mean?" link to the section explaining `section`, named for a screen reader by what
    it explains as well ("What does this mean: variation?")."""
    return dcc.Link(
        ["What does this mean", html.Span(f": {SECTION_SUBJECTS[section]}", className="visually-hidden"), "?"],
        href=section_href(section),
        className="meaning-link small",
        title=f"How to read {SECTION_SUBJECTS[section]}",
    )
