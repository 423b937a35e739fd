"""The improvement plan's words and rules: actions, their monthly BRAG ratings, and what overdue, stalled and
completed mean. Pure: the store (`measures.storage.plan`) reads and writes them, every page and command reads them
through these definitions so that each reader flags the same actions.

The BRAG key is the plan's own (committee pack, 13 December 2022): Blue "activity completed (impact to be tested)",
Green "started and on track", Amber "started with some issues/delay", Red "not on track and at risk" and "not yet
due to start". `not_recorded` marks a month whose progress was published without its colour (the colours were lost
when the plan became text): it is an entry, not a rating, so it neither makes an action overdue, stalled nor
completed, nor hides the colour of an earlier month.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from measures.domain.periods import is_period, long_label

NOT_YET_DUE, GREEN, AMBER, RED, BLUE, NOT_RECORDED = "not_yet_due", "green", "amber", "red", "blue", "not_recorded"
BRAG_KEYS: tuple[str, ...] = (NOT_YET_DUE, GREEN, AMBER, RED, BLUE, NOT_RECORDED)
OPEN, CLOSED = "open", "closed"

_LABELS = {
    NOT_YET_DUE: "Not yet due to start",
    GREEN: "Started and on track",
    AMBER: "Started with some issues or delay",
    RED: "Not on track and at risk",
    BLUE: "Completed (impact to be tested)",
    NOT_RECORDED: "Not recorded",
}
_COLOUR_NAMES = {NOT_YET_DUE: "Not yet due", GREEN: "Green", AMBER: "Amber", RED: "Red", BLUE: "Blue"}

# What an officer may type for each key, once lower-cased, with punctuation dropped and spaces collapsed.
_TYPED = {
    NOT_YET_DUE: ("not yet due", "not yet due to start", "activity not yet due to start", "not due", "nyd"),
    GREEN: ("green", "g", "started and on track", "activity started and on track", "on track"),
    AMBER: (
        "amber",
        "a",
        "started with some issues or delay",
        "started with some issues delay",
        "activity started with some issues delay",
        "activity started with some issues or delay",
    ),
    RED: ("red", "r", "not on track and at risk", "activity not on track and at risk"),
    BLUE: (
        "blue",
        "b",
        "completed",
        "complete",
        "completed impact to be tested",
        "activity completed impact to be tested",
    ),
    NOT_RECORDED: ("not recorded",),
}
_BY_TYPED = {typed: key for key, words in _TYPED.items() for typed in words} | {
    key.replace("_", " "): key for key in BRAG_KEYS
}

# The ratings that say work is in trouble: three months running of either is a stalled action.
_TROUBLE = frozenset({RED, AMBER})
STALLED_MONTHS = 3
# Longest text a rating's progress may hold: a paragraph or two, as the plan's bullets are.
PROGRESS_LIMIT = 4000
_ACTION_NUMBER = re.compile(r"^([1-9]\d?)\.([1-9]\d?)$")


@dataclass(frozen=True)
class Action:
    """One version of an improvement plan action: `number` as the plan numbers it ("2.4"), its improvement `area`
    (1-10), wording, lead, `deadline` (YYYY-MM, the month by the end of which it is due) and `deadline_text` as
    published ("Spring 2023"), the refs of the `measures` it should move, `state` open or closed, and who wrote this
    version (`actor`), when (`at`) and why (`reason`)."""

    number: str
    area: int
    text: str
    lead: str
    deadline: str
    deadline_text: str
    measures: tuple[str, ...]
    state: str
    version: int
    actor: str
    at: datetime | None
    reason: str

    @property
    def closed(self) -> bool:
        """True when the action has been closed (taken out of the plan's monitoring)."""
        return self.state == CLOSED


@dataclass(frozen=True)
class Rating:
    """One version of an action's rating for a month (`period`, YYYY-MM): its `brag` key, the progress update,
    whether it is `synthetic` (demonstration data, never the council's), and who recorded it, when and from where
    (`source`: page, return, plan or demo)."""

    number: str
    period: str
    brag: str
    progress: str
    synthetic: bool
    version: int
    actor: str
    at: datetime | None
    source: str


def brag_label(key: str) -> str:
    """Return the plan key's wording of a BRAG key, e.g. 'blue' -> 'Completed (impact to be tested)'.
    Raises KeyError for a key not in BRAG_KEYS."""
    return _LABELS[key]


def brag_colour_name(key: str) -> str:
    """Return the short name an officer uses for a BRAG key ('Blue', 'Not yet due', 'Not recorded').
    Raises KeyError for a key not in BRAG_KEYS."""
    return _COLOUR_NAMES.get(key) or _LABELS[key]


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^a-z ]+", " ", text.lower().replace("_", " ")).split())


def parse_brag(text: object) -> str | None:
    """Return the BRAG key for what an officer typed ("Blue", "B", "green", "Not yet due", "not yet due to start",
    the key's own wording; any case, spacing or punctuation), or None when it is not in the plan's key (including
    blank and anything that is not text)."""
    if not isinstance(text, str):
        return None
    return _BY_TYPED.get(_normalised(text))


def action_sort_key(number: str) -> tuple[int, ...] | tuple[float, str]:
    """Return the key that sorts action numbers as the plan does: 1.2 before 1.10 before 2.1. A number not in the
    form area.action sorts after every plan number, by its text."""
    match = _ACTION_NUMBER.match(number.strip()) if isinstance(number, str) else None
    if match is None:
        return (float("inf"), str(number))
    return (int(match.group(1)), int(match.group(2)))


def action_number_problem(number: object) -> str | None:
    """Return a sentence saying why `number` is not an action number of the form area.action ("2.4"), or None when
    it is one."""
    if not isinstance(number, str) or _ACTION_NUMBER.match(number) is None:
        return f"{str(number)[:40]!r} is not an action number: write the area and the action, for example 2.4."
    return None


def area_of(number: str) -> int:
    """Return the improvement area an action number belongs to ("2.4" -> 2). Raises ValueError for a number not of
    the form area.action."""
    match = _ACTION_NUMBER.match(number)
    if match is None:
        raise ValueError(f"{number!r} is not an action number such as 2.4.")
    return int(match.group(1))


def _recorded_up_to(ratings: Mapping[str, Rating], as_at: str) -> list[Rating]:
    """The ratings that record a colour, of months up to `as_at`, oldest month first."""
    return [ratings[period] for period in sorted(ratings) if period <= as_at and ratings[period].brag != NOT_RECORDED]


def latest_rating(ratings: Mapping[str, Rating], as_at: str) -> Rating | None:
    """Return the action's latest rating up to month `as_at`: the rating of the newest month up to it that records a
    colour (a `not_recorded` entry is skipped), or None when there is none. `ratings` maps month to rating."""
    recorded = _recorded_up_to(ratings, as_at)
    return recorded[-1] if recorded else None


def latest_entry(ratings: Mapping[str, Rating], as_at: str) -> Rating | None:
    """Return the entry of the newest month up to `as_at`, `not_recorded` ones included (for its progress text), or
    None when there is none."""
    periods = [period for period in ratings if period <= as_at]
    return ratings[max(periods)] if periods else None


def is_overdue(action: Action, latest: Rating | None, as_at: str) -> bool:
    """Return True when, as at month `as_at`, the action's deadline month is before it and its latest rating up to
    then (`latest`, from `latest_rating`) is not Blue. A closed action is never overdue."""
    if action.closed or not action.deadline:
        return False
    return action.deadline < as_at and (latest is None or latest.brag != BLUE)


def is_stalled(ratings: Mapping[str, Rating], as_at: str) -> bool:
    """Return True when the action's three newest ratings up to month `as_at` are each Red or Amber. Months with no
    rating or a `not_recorded` entry say nothing of the colour (as in `completed_in`), so a month whose ratings have
    not come in yet does not hide a stall; fewer than three ratings is not stalled."""
    newest = _recorded_up_to(ratings, as_at)[-STALLED_MONTHS:]
    return len(newest) == STALLED_MONTHS and all(rating.brag in _TROUBLE for rating in newest)


def completed_in(ratings: Mapping[str, Rating], as_at: str) -> str | None:
    """Return the month the action was completed, as at `as_at`: the first month of the unbroken run of Blue ratings
    that ends at its latest rating up to `as_at`; None when that rating is not Blue. Months with no rating or a
    `not_recorded` entry neither break nor start a run: they say nothing of the colour."""
    first: str | None = None
    for rating in reversed(_recorded_up_to(ratings, as_at)):
        if rating.brag != BLUE:
            break
        first = rating.period
    return first


class RatingLike(Protocol):
    """What `rating_problems` reads of a row: a `measures.storage.plan.RatingRow` or anything with these."""

    @property
    def number(self) -> str: ...

    @property
    def period(self) -> str: ...

    @property
    def brag(self) -> str: ...

    @property
    def progress(self) -> str: ...


def rating_problems(
    rows: Iterable[RatingLike],
    actions: Mapping[str, Action] | Iterable[Action],
    allow_not_recorded: bool = False,
) -> list[str]:
    """Return every problem with `rows` of ratings (each with number, period, brag as typed, progress) against the
    plan's current `actions` (a mapping by number, or the actions), as sentences an officer understands; an empty
    list when all are good. Problems: a malformed month, an action not in the plan, a rating not in the BRAG key, no
    progress text for a Red or Amber rating, progress text too long, a closed action rated, the same action and
    month twice, and "Not recorded" unless `allow_not_recorded` (it marks only the colours the published plan lost:
    an officer who rates an action gives its colour)."""
    by_number = dict(actions) if isinstance(actions, Mapping) else {action.number: action for action in actions}
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        number = str(row.number).strip() if row.number is not None else ""
        period = row.period if isinstance(row.period, str) else str(row.period)
        month = long_label(period) if is_period(period) else None
        where = f"action {number[:40] or '(blank)'}, {month or repr(period[:40])}"
        if month is None:
            problems.append(f"{period[:40]!r} is not a month in the form YYYY-MM (for action {number[:40]}).")
        action = by_number.get(number) if isinstance(row.number, str) else None
        if row.number is not None and not isinstance(row.number, str):
            # A number as a number is ambiguous: 3.1 may have been 3.10 before a spreadsheet dropped the zero.
            problems.append(
                f"The action number {number[:40]} ({month or 'no month'}) was given as a number, not as text, so it "
                "may have lost a final zero (3.10 becomes 3.1): write it as text, for example 3.10."
            )
        elif action is None:
            problems.append(
                f"Action {number[:40] or '(blank)'} is not in the improvement plan ({month or 'no month'})."
            )
        elif action.closed:
            problems.append(f"Action {number} is closed, so it cannot be rated for {month or 'any month'}.")
        brag = parse_brag(row.brag)
        if brag == NOT_RECORDED and not allow_not_recorded:
            brag = None
        if brag is None:
            shown = str(row.brag)[:40] if row.brag not in (None, "") else "blank"
            problems.append(
                f"The rating for {where} is {shown!r}, which is not in the plan's key: use Blue, Green, Amber, Red or "
                "Not yet due."
            )
        progress = row.progress if isinstance(row.progress, str) else ""
        if brag in _TROUBLE and not progress.strip():
            problems.append(
                f"The {brag_colour_name(brag)} rating for {where} has no progress text: say what is causing the delay "
                "or risk."
            )
        if len(progress) > PROGRESS_LIMIT:
            problems.append(
                f"The progress text for {where} is {len(progress):,} characters long; at most {PROGRESS_LIMIT:,} are "
                "kept."
            )
        if (number, period) in seen:
            problems.append(f"Action {number[:40]} is rated twice for {month or repr(period[:40])}: keep one rating.")
        seen.add((number, period))
    return problems
