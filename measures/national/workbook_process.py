"""Reading a workbook's cells in a separate process with memory and time limits, so that no file (a zip bomb, a
sheet of a million rows) can take down the web server or the command that reads it.

`read_sheets_isolated` starts `python -m measures.national.workbook_process`, hands it the file's bytes and reads
back every sheet's first rows as JSON (text, numbers, booleans; dates as text). The child limits its own address
space and CPU time before it reads anything; the caller stops it when its time is up. Anything else it answers is
treated as a failure.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

MEMORY_MB = 768
TIMEOUT_SECONDS = 30.0
MAX_SHEETS = 20
MAX_ROWS = 5000  # a neighbour workbook has about 160 rows
MAX_COLUMNS = 200
MAX_ANSWER_BYTES = 64 * 1024 * 1024
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_PASSED_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR")

Cell = str | float | int | bool | None
Sheets = list[tuple[str, list[list[Cell]]]]


class UnsafeWorkbook(Exception):
    """The workbook could not be read within the limits, or is no workbook. `reason` is 'memory or time',
    'unreadable' or 'failed'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_sheets_isolated(data: bytes) -> Sheets:
    """Return every sheet of the workbook `data` (up to MAX_SHEETS) as (name, rows), each row a list of cells, at
    most MAX_ROWS rows of MAX_COLUMNS cells, read in a separate limited process.

    Raises UnsafeWorkbook when the bytes are no workbook ('unreadable'), reading runs out of memory or time ('memory
    or time') or fails otherwise ('failed'); OSError if no process can be started."""
    environment = {name: os.environ[name] for name in _PASSED_ENVIRONMENT if name in os.environ}
    try:
        done = subprocess.run(  # noqa: S603 - this interpreter and this module, no input in the command
            [
                sys.executable,
                "-I",
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); "
                "from measures.national.workbook_process import serve; serve()",
                str(_PROJECT_ROOT),
            ],
            input=data,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=environment,
            cwd=_PROJECT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UnsafeWorkbook("memory or time") from None
    if done.returncode == 3:
        raise UnsafeWorkbook("unreadable")
    if done.returncode != 0 or len(done.stdout) > MAX_ANSWER_BYTES:
        out_of_limits = done.returncode < 0 or b"MemoryError" in done.stderr[-4000:]
        raise UnsafeWorkbook("memory or time" if out_of_limits else "failed")
    try:
        answer = json.loads(done.stdout)
        return [(str(name), [list(row) for row in rows]) for name, rows in answer]
    except (ValueError, TypeError):
        raise UnsafeWorkbook("failed") from None


def _plain(value: object) -> Cell:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return str(value)
    return str(value)


def serve() -> None:  # pragma: no cover - runs in the child process
    """Read a workbook's bytes from stdin and write its sheets as JSON to stdout, within the limits. Exits 3 when
    the bytes are no workbook."""
    limit = MEMORY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(TIMEOUT_SECONDS)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    data = sys.stdin.buffer.read()
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - calamine raises its own kinds for every damaged file
        sys.exit(3)
    sheets = []
    for name in workbook.sheet_names[:MAX_SHEETS]:
        try:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=MAX_ROWS)
        except Exception:  # noqa: BLE001
            sys.exit(3)
        sheets.append((name, [[_plain(cell) for cell in row[:MAX_COLUMNS]] for row in rows[:MAX_ROWS]]))
    sys.stdout.write(json.dumps(sheets))


if __name__ == "__main__":  # pragma: no cover
    serve()
