"""The improvement plan for the demonstration: every action as published in December 2022, and a clearly labelled,
deterministic synthetic history of monthly BRAG ratings.

Real (`data/plan/improvement-plan.csv`, see its README): each action as version 1, and its published progress as the
December 2022 update, rated "Not recorded" because the plan's colours were lost when it became text.

Synthetic (marked `synthetic` in the data and wherever shown), for the other months from July 2022 to January 2023:
"Not yet due" before an action's work starts; then Green, Amber or Red, steadier for an action whose published
progress reads well and more troubled where it says the work is proving challenging; and Blue, from a month at or
before the deadline and before the plan was published, for an action whose every update reads as done (completed,
appointed). Once Blue an action stays Blue. Some actions pass their deadline unfinished (overdue) and a few are Red
or Amber three months running (stalled, as at November 2022: December's colours were not recorded).
"""

from __future__ import annotations

import csv
import random
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from measures.domain.periods import MONTH_NAMES, is_period, make_period, period_range
from measures.domain.plan import AMBER, BLUE, GREEN, NOT_RECORDED, NOT_YET_DUE, RED, brag_label
from measures.storage import db, plan

PLAN_FILE = Path(__file__).resolve().parents[2] / "data" / "plan" / "improvement-plan.csv"
PLAN_ACTOR = "demo"
PLAN_REASON = "As published in the improvement plan, 13 December 2022"
PUBLISHED_MONTH = "2022-12"  # the month of the plan's published progress
RATING_MONTHS = tuple(period_range("2022-07", "2023-01"))
# Months a Blue may start in: by November, since the plan published in December reports the work done.
_LAST_BLUE = "2022-11"

_DONE = re.compile(r"\b(complete|completed|appointed|done|launched|established|agreed|in place)\b", re.IGNORECASE)
# Words saying a bullet is still to do, whatever else it says ("to be completed", "due February 2023").
_PENDING = re.compile(
    r"\b(to be|to complete|underway|under way|under development|under review|being|due|scheduled|will|"
    r"for completion|planned|draft)\b",
    re.IGNORECASE,
)
_TROUBLED = re.compile(r"\b(challeng\w*|delay\w*|difficult\w*|slipp\w*|risk\w*)\b", re.IGNORECASE)
_MONTH_MENTIONED = re.compile(r"\b(" + "|".join(MONTH_NAMES) + r") (20\d\d)\b")


@dataclass(frozen=True)
class PlanRow:
    """One action of the plan file, as published."""

    number: str
    area: int
    text: str
    lead: str
    deadline_text: str
    deadline: str
    progress: str
    measures: tuple[str, ...]


def read_plan(path: Path = PLAN_FILE) -> list[PlanRow]:
    """Return the actions of the plan file in its order. Raises OSError when it cannot be read, ValueError (or
    KeyError) when a row is not of the file's form."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            PlanRow(
                number=row["number"].strip(),
                area=int(row["area"]),
                text=row["text"],
                lead=row["lead"],
                deadline_text=row["deadline_text"],
                deadline=row["deadline"].strip(),
                progress=row["progress"],
                measures=tuple(row["measures"].split()),
            )
            for row in csv.DictReader(handle)
        ]


def reads_as_done(progress: str) -> bool:
    """Whether published progress reports the action done: some bullet says completed, appointed or the like, and
    no bullet says anything is still to do."""
    bullets = [line for line in progress.splitlines() if line.strip()]
    return bool(bullets) and any(_DONE.search(b) for b in bullets) and not any(_PENDING.search(b) for b in bullets)


def _mentioned_months(progress: str) -> list[str]:
    return [make_period(int(year), MONTH_NAMES.index(month) + 1) for month, year in _MONTH_MENTIONED.findall(progress)]


def _blue_from(row: PlanRow, start: str, draw: random.Random) -> str:
    """The month a done action turned Blue: the latest month its progress names, else a drawn one, never after its
    deadline nor November 2022, never before the work started."""
    latest = min(_LAST_BLUE, row.deadline) if is_period(row.deadline) else _LAST_BLUE
    earliest = min(start, latest)
    named = [month for month in _mentioned_months(row.progress) if earliest <= month <= latest]
    if named:
        return max(named)
    choices = [month for month in RATING_MONTHS if earliest <= month <= latest]
    return draw.choice(choices) if choices else RATING_MONTHS[0]


def _progress(brag: str) -> str:
    return f"Synthetic update for demonstration, not the council's: {brag_label(brag).lower()}."


def synthetic_ratings(rows: list[PlanRow]) -> Iterator[plan.RatingRow]:
    """Yield the synthetic ratings of every action for every rating month but December 2022 (see the module
    docstring); the same on every run."""
    for row in rows:
        draw = random.Random(zlib.crc32(f"plan|{row.number}".encode()))
        start = draw.choice(RATING_MONTHS[:4])  # July to October 2022
        troubled = bool(_TROUBLED.search(row.progress)) or draw.random() < 0.12
        blue_from = _blue_from(row, start, draw) if reads_as_done(row.progress) else None
        for month in RATING_MONTHS:
            if month == PUBLISHED_MONTH:
                continue
            if blue_from is not None and month >= blue_from:
                brag = BLUE
            elif month < start:
                brag = NOT_YET_DUE
            elif troubled:
                brag = RED if draw.random() < 0.4 else AMBER
            else:
                brag = AMBER if draw.random() < 0.15 else GREEN
            yield plan.RatingRow(row.number, month, brag, _progress(brag), synthetic=True)


def published_updates(rows: list[PlanRow]) -> list[plan.RatingRow]:
    """Return each action's published progress as its December 2022 update, rated "Not recorded" (not synthetic)."""
    return [plan.RatingRow(row.number, PUBLISHED_MONTH, NOT_RECORDED, row.progress) for row in rows]


def load_plan(engine: Engine, path: Path = PLAN_FILE) -> dict[str, int]:
    """Write the plan file's actions (those not already in the plan) as version 1, from source "plan", their
    published progress as December 2022's update, and the synthetic ratings, in one transaction.

    Running it again changes nothing. Returns counts {"actions", "added", "revised", "unchanged"} (actions added,
    ratings). Raises OSError or ValueError for an unreadable plan file, PlanError when a row or rating is refused
    (nothing is then written), and sqlalchemy errors."""
    rows = read_plan(path)
    with db.write_transaction(engine) as connection:
        present = {action.number for action in plan.current_actions_in(connection)}
        added = 0
        for row in rows:
            if row.number in present:
                continue
            plan.add_action(
                engine,
                number=row.number,
                area=row.area,
                text=row.text,
                lead=row.lead,
                deadline=row.deadline,
                deadline_text=row.deadline_text,
                measures=row.measures,
                actor=PLAN_ACTOR,
                reason=PLAN_REASON,
                source="plan",
                connection=connection,
            )
            added += 1
        published = plan.record_ratings(
            engine, published_updates(rows), actor=PLAN_ACTOR, source="plan", connection=connection
        )
        synthetic = plan.record_ratings(
            engine, synthetic_ratings(rows), actor=PLAN_ACTOR, source="demo", connection=connection
        )
    return {"actions": added, **{key: published[key] + synthetic[key] for key in published}}
