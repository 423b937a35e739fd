"""What a layout parser hands on: each figure found, where it was, and the file's other contents."""

from __future__ import annotations

from dataclasses import dataclass, field

from measures.returns.interpret import Place
from measures.returns.report import Issue
from measures.storage.recording import ValueRow


@dataclass(slots=True)  # not frozen: a frozen dataclass costs 5x to create, and imports make tens of thousands
class Candidate:
    """A value read from the file and the place it was read from."""

    row: ValueRow
    place: Place


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
