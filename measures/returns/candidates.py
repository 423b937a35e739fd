"""What a layout parser hands on: each figure found, where it was, and the file's other contents."""

from __future__ import annotations

from dataclasses import dataclass, field

from measures.domain.plan import PROGRESS_LIMIT
from measures.returns.interpret import Place
from measures.returns.report import Issue
from measures.storage.recording import ValueRow


@dataclass(slots=True)  # not frozen: a frozen dataclass costs 5x to create, and imports make tens of thousands
class Candidate:
    """A value read from the file and the place it was read from."""

    row: ValueRow
    place: Place


MAX_PROGRESS_CHARACTERS = PROGRESS_LIMIT  # a month's progress on one action, as the plan keeps it
MAX_TYPED_TEXT = 200  # what is kept of an Action or BRAG cell: enough to quote it in a message


@dataclass(slots=True)
class RatingCandidate:
    """One row of the Actions sheet as typed: the action's number, its BRAG rating and progress, and the cells
    they were read from (the row's month is the return's month, decided once the whole file is read)."""

    number: str  # the number the Action cell starts with; '' when it starts with none
    action_text: str  # the Action cell as typed, at most MAX_TYPED_TEXT characters
    brag: str  # as typed, at most MAX_TYPED_TEXT characters
    progress: str  # at most MAX_PROGRESS_CHARACTERS characters
    progress_length: int  # of the progress as typed, however long
    typed_as_number: bool  # the Action cell held a number (3.10 typed as a number reads 3.1)
    sheet: str
    row: int  # 1-based, as Excel numbers it
    number_cell: str
    brag_cell: str
    progress_cell: str


@dataclass
class ParsedReturn:
    """Everything a layout parser found in a workbook."""

    layout: str = ""
    candidates: list[Candidate] = field(default_factory=list)
    benchmarks: list[dict] = field(default_factory=list)
    commentary: list[dict] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # Every cell that named a month, accepted or not, so a month in the future is reported either way.
    dated: list[Place] = field(default_factory=list)
    # The committee table's typed arrows: ref -> (text, sheet, cell, [periods in column order]).
    progress: dict[str, tuple[str, str, str, list[str]]] = field(default_factory=dict)
    # The Actions sheet's rows with something typed in them, and where its header is ('' when it has none).
    ratings: list[RatingCandidate] = field(default_factory=list)
    actions_sheet: str = ""
    # Every month the Return sheet's Period column names, figures or not: the return's month when it has none.
    named_months: set[str] = field(default_factory=set)
