"""Reading a workbook in a separate process with a memory and a time limit, so that no file, even one nobody
thought of, can take down the web server or the command that reads it.

`parse_isolated` sends the file's bytes to a fresh Python process (`python -m measures.returns.isolation`),
which limits its own address space and CPU time and runs `parse_return`; the result comes back as a pickle
that may only rebuild the project's own dataclasses. If that process runs out of memory or time, crashes, or
answers with anything else, the file is refused with an error an officer can act on. A fresh process (not a
fork of the caller) is used because web workers run threads, and forking a threaded process is unsafe.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import logging
import os
import pickle
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from measures.catalogue import Catalogue
from measures.returns.candidates import ParsedReturn
from measures.returns.report import Issue

MEMORY_VARIABLE = "MEASURES_PARSE_MEMORY_MB"
TIMEOUT_VARIABLE = "MEASURES_PARSE_TIMEOUT_SECONDS"
DEFAULT_MEMORY_MB = 1024  # the reading process's whole address space; a large return needs under 400 MB
DEFAULT_TIMEOUT_SECONDS = 60.0  # a large return reads in about 2 seconds
UNSAFE_CODE = "unsafe-file"

_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_PASSED_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParseLimits:
    """How much memory (MB of address space) and wall-clock time (seconds) one reading may use."""

    memory_mb: int = DEFAULT_MEMORY_MB
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    @classmethod
    def from_environment(cls) -> ParseLimits:
        """The limits set by MEASURES_PARSE_MEMORY_MB and MEASURES_PARSE_TIMEOUT_SECONDS, else the defaults.
        Raises ValueError for a value that is not a positive number."""
        memory = os.environ.get(MEMORY_VARIABLE, "").strip()
        timeout = os.environ.get(TIMEOUT_VARIABLE, "").strip()
        limits = cls(int(memory) if memory else DEFAULT_MEMORY_MB,
                     float(timeout) if timeout else DEFAULT_TIMEOUT_SECONDS)
        if limits.memory_mb <= 0 or limits.timeout_seconds <= 0:
            raise ValueError(f"{MEMORY_VARIABLE} and {TIMEOUT_VARIABLE} must be positive numbers.")
        return limits


@dataclass
class ParseOutcome:
    """What the reading process produced: the parse, its file errors, and how it went (`failure` is '' when the
    process answered; otherwise why it did not: 'memory', 'time', 'crashed' or 'bad answer'). `peak_memory_kb`
    is the process's peak resident memory as it reported it (0 if it did not answer)."""

    parsed: ParsedReturn
    issues: list[Issue]
    failure: str = ""
    peak_memory_kb: int = 0
    seconds: float = 0.0


def unsafe_issue(filename: str) -> Issue:
    """The error of a file whose reading ran out of memory or time, or failed."""
    return Issue(
        "error", UNSAFE_CODE,
        f"{filename or 'This file'} could not be read safely: reading it needed more memory or time than a "
        "monthly return ever does, so it was stopped and nothing was saved. Open it in Excel, copy the return's "
        "figures into a new workbook (or the template from the upload page) and upload that. If it happens "
        "again, send the file to the system's administrator.",
    )


def parse_isolated(
    data: bytes, filename: str, catalogue: Catalogue, current_period: str, limits: ParseLimits | None = None
) -> ParseOutcome:
    """Run `parse_return(data, filename, catalogue, current_period)` in a separate, limited process.

    Returns a ParseOutcome: the parse and its issues when the process answered, or an empty parse with one
    "unsafe-file" error (and `failure` set) when it ran out of memory or time, crashed or answered with
    anything but a parse. Never raises for anything in the file; raises OSError if no process can be started.
    """
    limits = limits or ParseLimits.from_environment()
    request = pickle.dumps((data, filename, catalogue, current_period), protocol=pickle.HIGHEST_PROTOCOL)
    environment = {name: os.environ[name] for name in _PASSED_ENVIRONMENT if name in os.environ}
    environment.update({
        "PYTHONPATH": str(_PROJECT_ROOT), "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1", MEMORY_VARIABLE: str(limits.memory_mb), TIMEOUT_VARIABLE: str(limits.timeout_seconds),
    })
    started = time.monotonic()
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "measures.returns.isolation"], input=request, capture_output=True,
            env=environment, cwd=_PROJECT_ROOT, timeout=limits.timeout_seconds, check=False,
        )
    except subprocess.TimeoutExpired:
        return _refused(filename, "time", started, f"stopped after {limits.timeout_seconds:g} s")
    seconds = time.monotonic() - started
    if finished.returncode != 0:
        last_line = (finished.stderr.strip().splitlines() or [b""])[-1][:500]
        return _refused(filename, _failure_of(finished), started,
                        f"exit {finished.returncode}: {last_line.decode('utf-8', 'replace')}")
    try:
        parsed, issues, peak_memory_kb = _ResultUnpickler(io.BytesIO(finished.stdout)).load()
        if not isinstance(parsed, ParsedReturn) or not all(isinstance(issue, Issue) for issue in issues):
            raise pickle.UnpicklingError("not a parse")
    except Exception as error:  # anything but a well-formed parse is refused, whatever it is
        return _refused(filename, "bad answer", started, repr(error))
    return ParseOutcome(parsed, list(issues), peak_memory_kb=int(peak_memory_kb), seconds=seconds)


def _failure_of(finished: subprocess.CompletedProcess) -> str:
    if finished.returncode == -signal.SIGXCPU:
        return "time"
    # A failed allocation is a MemoryError in Python and an abort in the compiled reader.
    if finished.returncode == -signal.SIGABRT or any(
        sign in finished.stderr for sign in (b"MemoryError", b"Cannot allocate memory", b"failed to map")
    ):
        return "memory"
    return "crashed"


def parse_in_process(
    data: bytes, filename: str, catalogue: Catalogue, current_period: str, limits: ParseLimits | None = None
) -> ParseOutcome:
    """The same parse as `parse_isolated`, in this process and without limits: for tests only, where starting
    a process for each of hundreds of small files would make the suite slow. Returns a ParseOutcome."""
    from measures.returns.importer import parse_return

    started = time.monotonic()
    parsed, issues = parse_return(data, filename, catalogue, current_period)
    return ParseOutcome(parsed, issues, seconds=time.monotonic() - started)


def _refused(filename: str, failure: str, started: float, detail: str) -> ParseOutcome:
    seconds = time.monotonic() - started
    _log.warning("Reading %s was stopped (%s, %.1f s): %s", filename, failure, seconds, detail)
    return ParseOutcome(ParsedReturn(), [unsafe_issue(filename)], failure=failure, seconds=seconds)


_ALLOWED_OUTSIDE_PROJECT = {
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta"),
    ("builtins", "set"), ("builtins", "frozenset"),
}


class _ResultUnpickler(pickle.Unpickler):
    """Rebuilds only plain data and the project's own dataclasses and enums: a reading process subverted by a
    hostile file still cannot make the caller run anything."""

    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED_OUTSIDE_PROJECT:
            return super().find_class(module, name)
        if module == "measures" or module.startswith("measures."):
            found = super().find_class(module, name)
            if isinstance(found, type) and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a parsed return")


def _limit_this_process(limits: ParseLimits) -> None:
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.timeout_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main() -> int:
    """The reading process: read the request pickle on stdin, parse, write the result pickle on stdout.
    Anything printed while parsing goes to stderr, so stdout holds the result alone."""
    result = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    import python_calamine  # noqa: F401  (loaded before the limit, like the parsers, so it is not what fails)

    from measures.returns.importer import parse_return

    _limit_this_process(ParseLimits.from_environment())
    data, filename, catalogue, current_period = pickle.load(sys.stdin.buffer)

    parsed, issues = parse_return(data, filename, catalogue, current_period)
    peak_memory_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pickle.dump((parsed, issues, peak_memory_kb), result, protocol=pickle.HIGHEST_PROTOCOL)
    result.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
