"""Checks of a printed PDF's layout, read back with pdfplumber: words written over other words, words outside the
page's printed area, and table rules drawn through a word (text that ran out of its cell's box, or a row split
across a page so that a border cuts its text)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber

# How far two boxes may touch before they count as overlapping, in PDF points (1/72 inch): glyph boxes of
# neighbouring lines touch by a fraction of a point in ordinary text.
TOLERANCE = 0.8
# The thickest rectangle still taken for a drawn rule (a border) rather than a filled area.
RULE_THICKNESS = 2.5


@dataclass(frozen=True)
class Box:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    def overlaps(self, other: Box, tolerance: float = TOLERANCE) -> bool:
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0) > tolerance
            and min(self.bottom, other.bottom) - max(self.top, other.top) > tolerance
        )


def _words(page) -> list[Box]:
    return [
        Box(word["text"], word["x0"], word["top"], word["x1"], word["bottom"])
        for word in page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
    ]


def _rules(page) -> list[Box]:
    """The horizontal rules drawn on the page: thin rectangles and lines, as Chromium draws table borders."""
    rules = []
    for shape in [*page.rects, *page.lines]:
        height = shape["bottom"] - shape["top"]
        if height <= RULE_THICKNESS and shape["x1"] - shape["x0"] > 4 * RULE_THICKNESS:
            rules.append(Box("rule", shape["x0"], shape["top"], shape["x1"], shape["bottom"]))
    return rules


def page_problems(page, number: int) -> list[str]:
    """Every layout problem of one pdfplumber page, each a sentence naming the page and the words."""
    problems = []
    words = _words(page)
    for word in words:
        if word.x0 < -TOLERANCE or word.top < -TOLERANCE or word.x1 > page.width + TOLERANCE:
            problems.append(f"page {number}: {word.text!r} is outside the page")
        elif word.bottom > page.height + TOLERANCE:
            problems.append(f"page {number}: {word.text!r} is outside the page")
    ordered = sorted(words, key=lambda box: box.top)
    for index, word in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other.top > word.bottom:
                break
            if word.overlaps(other):
                problems.append(
                    f"page {number}: {word.text!r} overlaps {other.text!r} at ({word.x0:.0f}, {word.top:.0f})"
                )
    for rule in _rules(page):
        middle = (rule.top + rule.bottom) / 2
        for word in words:
            height = word.bottom - word.top
            # A rule through the middle of a word's height, not one just under or over it.
            inside = word.top + height * 0.3 < middle < word.bottom - height * 0.3
            if inside and min(rule.x1, word.x1) - max(rule.x0, word.x0) > TOLERANCE:
                problems.append(
                    f"page {number}: a rule is drawn through {word.text!r} at ({word.x0:.0f}, {middle:.0f})"
                )
    return problems


def layout_problems(path: Path) -> list[str]:
    """Return every layout problem of every page of the PDF at `path` (empty when there is none)."""
    problems: list[str] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            problems += page_problems(page, number)
    return problems


def page_texts(path: Path) -> list[str]:
    """Return the text of each page of the PDF at `path`."""
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]
