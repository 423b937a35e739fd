"""Checking the Actions sheet's ratings against the improvement plan, every problem at once: each sentence names
the sheet, the cell, the action and the month, says what is wrong and what to do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from measures.domain.periods import long_label
from measures.domain.plan import Action, Rating, parse_brag, rating_problems
from measures.returns.candidates import MAX_PROGRESS_CHARACTERS, RatingCandidate
from measures.returns.report import Issue
from measures.storage.plan import RatingRow

# What an officer may type in BRAG, in the plan key's order (the template's drop-down list offers these words).
BRAG_CHOICES = ("Blue", "Green", "Amber", "Red", "Not yet due")
NEEDS_PROGRESS = ("red", "amber")
_QUOTED_CHARACTERS = 40


def _quoted(text: str) -> str:
    """Typed text quoted in a message, cut short if long (a hostile cell is never echoed whole)."""
    text = " ".join(text.split())
    return f"“{text if len(text) <= _QUOTED_CHARACTERS else text[: _QUOTED_CHARACTERS - 1] + '…'}”"


def _issue(code: str, candidate: RatingCandidate, cell: str, month: str | None, what: str, advice: str) -> Issue:
    """An error reading 'Sheet ‘Actions’, cell E7 (action 2.4, February 2023): <what>. <advice>'."""
    details = [f"action {candidate.number}" if candidate.number else "", long_label(month) if month else ""]
    inside = ", ".join(part for part in details if part)
    where = f"Sheet ‘{candidate.sheet}’, cell {cell}" + (f" ({inside})" if inside else "")
    detail = f"{what[0].upper()}{what[1:]}. {advice}"
    return Issue("error", code, f"{where}: {what}. {advice}", candidate.sheet, cell, "", month or "", detail)


def _choices() -> str:
    return ", ".join(BRAG_CHOICES[:-1]) + f" or {BRAG_CHOICES[-1]}"


def check_ratings(
    candidates: Sequence[RatingCandidate], actions: Sequence[Action], month: str | None
) -> tuple[list[RatingRow], list[Issue]]:
    """Check the Actions sheet's rows against the plan's `actions` for the return's `month`.

    Returns the ratings to record (empty when any row has a problem: a return imports whole or not at all) and
    an error for every problem: no month to rate, an Action cell without an action number, an action the plan
    does not have, the same action twice, a closed action rated, a rating not in the plan's key (or progress with
    no rating), a Red or Amber rating without progress, progress longer than MAX_PROGRESS_CHARACTERS."""
    if not candidates:
        return [], []
    issues: list[Issue] = []
    if month is None:
        first = candidates[0]
        issues.append(
            Issue(
                "error",
                "no-return-month",
                f"Sheet ‘{first.sheet}’: the actions' ratings are for the return's month, but this return has no "
                "month: no figure and no Period is filled in on the Return sheet. Fill in the Period of the return's "
                "rows (the template comes with it filled in) and upload it again.",
                first.sheet,
            )
        )
    by_number = {action.number: action for action in actions}
    first_row: dict[str, RatingCandidate] = {}
    rows: list[RatingRow] = []
    for candidate in candidates:
        errors_before = len(issues)
        issues += _row_problems(candidate, by_number, first_row, month)
        brag = parse_brag(candidate.brag) if candidate.brag else None
        if len(issues) == errors_before and month is not None and brag is not None:
            rows.append(RatingRow(candidate.number, month, brag, candidate.progress))
    if not issues and rows:
        # The plan's own rules, as recording will apply them: anything they refuse is never written half-done.
        issues += [
            Issue("error", "rating-refused", f"Sheet ‘{candidates[0].sheet}’: {problem}", candidates[0].sheet)
            for problem in rating_problems(rows, list(actions))
        ]
    return ([] if issues else rows), issues


def _row_problems(
    candidate: RatingCandidate,
    by_number: dict[str, Action],
    first_row: dict[str, RatingCandidate],
    month: str | None,
) -> list[Issue]:
    """Every problem of one row of the Actions sheet."""
    if not candidate.number:
        what = (
            f"{_quoted(candidate.action_text)} does not start with an action number"
            if candidate.action_text
            else "this row has a rating or progress but no action"
        )
        return [
            _issue(
                "no-action-number",
                candidate,
                candidate.number_cell,
                month,
                what,
                "Start the Action cell with the action's number as the plan numbers it, such as 2.4.",
            )
        ]
    if candidate.typed_as_number and f"{candidate.number}0" in by_number:
        return [
            _issue(
                "ambiguous-action",
                candidate,
                candidate.number_cell,
                month,
                f"the cell holds the number {candidate.number}, which could be action {candidate.number} or "
                f"{candidate.number}0 (a number drops its last 0)",
                f"Type the action's number as text: '{candidate.number} or '{candidate.number}0.",
            )
        ]
    action = by_number.get(candidate.number)
    if action is None:
        return [
            _issue(
                "unknown-action",
                candidate,
                candidate.number_cell,
                month,
                f"the improvement plan has no action {candidate.number}",
                "Use the action numbers the template lists; an administrator adds a new action to the plan first.",
            )
        ]
    issues = []
    earlier = first_row.setdefault(candidate.number, candidate)
    if earlier is not candidate:
        issues.append(
            _issue(
                "duplicate-action",
                candidate,
                candidate.number_cell,
                month,
                f"action {candidate.number} is rated twice, in rows {earlier.row} and {candidate.row}",
                "Keep one row for each action and delete the other.",
            )
        )
    brag = parse_brag(candidate.brag) if candidate.brag else None
    if action.state == "closed" and (candidate.brag or candidate.progress):
        issues.append(
            _issue(
                "closed-action",
                candidate,
                candidate.brag_cell,
                month,
                f"action {candidate.number} is closed in the plan, so it is no longer rated",
                "Clear its BRAG and Progress; if it should still be worked on, an administrator reopens it first.",
            )
        )
        return issues
    if not candidate.brag:
        issues.append(
            _issue(
                "not-a-brag",
                candidate,
                candidate.brag_cell,
                month,
                "progress is given but no BRAG rating",
                f"Choose {_choices()} in BRAG, or clear Progress if the action is not rated this month.",
            )
        )
    elif brag is None:
        issues.append(
            _issue(
                "not-a-brag",
                candidate,
                candidate.brag_cell,
                month,
                f"{_quoted(candidate.brag)} is not a rating in the plan's BRAG key",
                f"Choose {_choices()}.",
            )
        )
    elif brag in NEEDS_PROGRESS and not candidate.progress:
        issues.append(
            _issue(
                "progress-needed",
                candidate,
                candidate.progress_cell or candidate.brag_cell,
                month,
                f"the rating is {brag.title()} but no progress is given",
                "A Red or Amber rating needs progress: say what is holding the action up and what is being done.",
            )
        )
    if candidate.progress_length > MAX_PROGRESS_CHARACTERS:
        issues.append(
            _issue(
                "progress-too-long",
                candidate,
                candidate.progress_cell,
                month,
                f"the progress is {candidate.progress_length:,} characters long; a month's progress may be at most "
                f"{MAX_PROGRESS_CHARACTERS:,}",
                "Shorten it to the month's main points.",
            )
        )
    return issues


def rating_changes(stored: Mapping[str, Mapping[str, Rating]], rows: Sequence[RatingRow]) -> dict[str, int]:
    """How `rows` compare with the `stored` ratings (number -> month -> newest rating, as `plan_ratings` gives):
    counts of "ratings", "added" (no rating for that month yet), "revised" (another rating, other progress, or a
    synthetic rating replaced by a real one) and "unchanged"."""
    counts = {"ratings": len(rows), "added": 0, "revised": 0, "unchanged": 0}
    for row in rows:
        current = stored.get(row.number, {}).get(row.period)
        if current is None:
            counts["added"] += 1
        elif current.brag != row.brag or current.progress != row.progress or current.synthetic:
            counts["revised"] += 1
        else:
            counts["unchanged"] += 1
    return counts
