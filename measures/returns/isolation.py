"""Reading a workbook in a separate process with a memory and a time limit, so that no file, even one nobody
thought of, can take down the web server or the command that reads it.

`parse_isolated` hands the file's bytes to a reading server: a Python process started once per calling process
(running `serve` below), which has already imported the parsers and forks one reader
per file. The reader limits its own address space and CPU time, runs `parse_return`, and answers with a pickle
that may only rebuild the project's own dataclasses; the server stops it when its time is up. Forking the server
is safe because it runs no threads; the caller is never forked (web workers run threads). When the server is
busy with another file, a fresh process reads this one, so one slow file never holds up another. If the reader
runs out of memory or time, crashes, or answers with anything else, the file is refused with an error an
officer can act on.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import gc
import io
import json
import logging
import operator
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from measures.domain.catalogue import Catalogue
from measures.returns.candidates import ParsedReturn
from measures.returns.checks import earliest_period as earliest_period_setting
from measures.returns.parsing import cycle_collector_paused, parse_return
from measures.returns.report import Issue
from measures.returns.workbook import check_container

MEMORY_VARIABLE = "MEASURES_PARSE_MEMORY_MB"
TIMEOUT_VARIABLE = "MEASURES_PARSE_TIMEOUT_SECONDS"
DEFAULT_MEMORY_MB = 1024  # the reader's address space; the largest file the limits allow needs about 200 MB
DEFAULT_TIMEOUT_SECONDS = 60.0  # a 26,000-row return reads in about 2 s, the largest allowed in about 10
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
        limits = cls(
            int(memory) if memory else DEFAULT_MEMORY_MB, float(timeout) if timeout else DEFAULT_TIMEOUT_SECONDS
        )
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


_WHAT_HAPPENED = {
    "memory": "reading it needed more memory than a monthly return ever does",
    "time": "reading it took longer than a monthly return ever does",
}


def unsafe_issue(filename: str, failure: str = "") -> Issue:
    """The error of a file whose reading ran out of memory ('memory') or time ('time'), or failed (anything
    else)."""
    what_happened = _WHAT_HAPPENED.get(failure, "reading it failed")
    return Issue(
        "error",
        UNSAFE_CODE,
        f"{filename or 'This file'} could not be read safely: {what_happened}, so it was stopped and nothing was "
        "saved. Open it in Excel, copy the return's figures into a new workbook (or the template from the upload "
        "page) and upload that. If it happens again, send the file to the system's administrator.",
    )


def parse_isolated(
    data: bytes,
    filename: str,
    catalogue: Catalogue,
    current_period: str,
    limits: ParseLimits | None = None,
    earliest_period: str | None = None,
) -> ParseOutcome:
    """Run `parse_return(data, filename, catalogue, current_period, earliest_period)` in a separate, limited
    process. The reader sees none of this process's settings, so `earliest_period` (default: this process's
    MEASURES_EARLIEST_PERIOD, read here) is sent with the file.

    The file's size and zip directory are checked here first (`check_container`); a file refused by them is
    never sent. Returns a ParseOutcome: the parse and its issues when the reader answered, or an empty parse with one
    "unsafe-file" error (and `failure` set) when it ran out of memory or time, crashed or answered with
    anything but a parse. Never raises for anything in the file; raises OSError if no process can be started.
    """
    container_issues = check_container(data, filename)  # from the zip directory alone: safe to run here
    if container_issues:
        return ParseOutcome(ParsedReturn(), container_issues)
    limits = limits or ParseLimits.from_environment()
    earliest_period = earliest_period or earliest_period_setting()
    request = pickle.dumps(
        (data, filename, catalogue, current_period, earliest_period), protocol=pickle.HIGHEST_PROTOCOL
    )
    started = time.monotonic()
    if _server_lock.acquire(blocking=False):
        try:
            status, payload = _read_with_server(request, limits)
        finally:
            _server_lock.release()
    else:
        status, payload = _read_in_new_process(request, limits)
    seconds = time.monotonic() - started
    failure = _failure_of(status)
    if failure:
        return _refused(filename, failure, seconds, status)
    try:
        with cycle_collector_paused():  # tens of thousands of figures rebuilt, none in a cycle
            parsed, issues, peak_memory_kb = _ResultUnpickler(io.BytesIO(payload)).load()
        if not isinstance(parsed, ParsedReturn) or not all(isinstance(issue, Issue) for issue in issues):
            raise pickle.UnpicklingError("not a parse")
    except Exception as error:  # anything but a well-formed parse is refused, whatever it is
        return _refused(filename, "bad answer", seconds, {"error": repr(error)[:300]})
    return ParseOutcome(parsed, list(issues), peak_memory_kb=int(peak_memory_kb), seconds=seconds)


def parse_in_process(
    data: bytes,
    filename: str,
    catalogue: Catalogue,
    current_period: str,
    limits: ParseLimits | None = None,
    earliest_period: str | None = None,
) -> ParseOutcome:
    """The same parse as `parse_isolated`, in this process and without limits: for tests only, where starting
    a reader for each of hundreds of small files would make the suite slow. Returns a ParseOutcome."""
    started = time.monotonic()
    parsed, issues = parse_return(data, filename, catalogue, current_period, earliest_period)
    return ParseOutcome(parsed, issues, seconds=time.monotonic() - started)


# ---------------------------------------------------------------------------------------------------------------
# The caller's side. Each calling process keeps at most one reading server; it holds no data, so workers that
# each have their own can never disagree.

_FRAME = struct.Struct(">Q")
_MEMORY_EXIT = 3  # the reader's exit status after a MemoryError
_MAX_ANSWER_BYTES = 256 * 1024 * 1024  # a parse of the largest file the limits allow is well under this
_MAX_FRAME_BYTES = _MAX_ANSWER_BYTES + 16 * 1024 * 1024  # a request is at most MAX_FILE_BYTES and a catalogue
_SERVER_GRACE_SECONDS = 30.0  # beyond the reading's own limit: the server's start and the answer's transfer
_server_lock = threading.Lock()
_server: _ReadingServer | None = None


def _environment() -> dict[str, str]:
    environment = {name: os.environ[name] for name in _PASSED_ENVIRONMENT if name in os.environ}
    environment.update(
        {
            "PYTHONPATH": str(_PROJECT_ROOT),
            "PYTHONDONTWRITEBYTECODE": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
        }
    )
    return environment


def _frames(limits: ParseLimits, request: bytes) -> bytes:
    header = json.dumps(dataclasses.asdict(limits)).encode()
    return _FRAME.pack(len(header)) + header + _FRAME.pack(len(request)) + request


class _ReadingServer:
    """The reading server of this calling process: a child that imported the parsers once and forks a reader
    for each file it is sent."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from measures.returns.isolation import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_environment(),
            cwd=_PROJECT_ROOT,
        )
        self.requests, self.answers = _pipes(self.process)
        self.owner = os.getpid()

    def usable(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None

    def read(self, request: bytes, limits: ParseLimits) -> tuple[dict, bytes]:
        """Send one file; return the reader's status and answer. Raises OSError or TimeoutError if the server
        itself fails."""
        self.requests.write(_frames(limits, request))
        self.requests.flush()
        deadline = time.monotonic() + limits.timeout_seconds + _SERVER_GRACE_SECONDS
        status = json.loads(_read_frame(self.answers.fileno(), deadline))
        return status, _read_frame(self.answers.fileno(), deadline)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        for stream in (self.requests, self.answers):
            try:
                stream.close()
            except OSError:  # a request left half-written in the pipe of a server that is gone
                pass


def _pipes(process: subprocess.Popen[bytes]) -> tuple[IO[bytes], IO[bytes]]:
    """The pipes to the standard input and from the standard output of a process started with both piped."""
    if process.stdin is None or process.stdout is None:
        raise ValueError("the process was started without pipes to its standard input and output")
    return process.stdin, process.stdout


def _read_with_server(request: bytes, limits: ParseLimits) -> tuple[dict, bytes]:
    global _server
    for _attempt in range(2):
        if _server is not None and not _server.usable():
            if _server.owner == os.getpid():
                _server.stop()  # it ended; reap it and close its pipes
            _server = None
        if _server is None:
            _server = _ReadingServer()
        try:
            return _server.read(request, limits)
        except TimeoutError:
            _server.stop()
            _server = None
            return {"exit": None, "ending": "time"}, b""
        except (OSError, ValueError, EOFError) as error:  # the server died: start another and try once more
            _log.warning("The reading server failed (%r); starting another", error)
            _server.stop()
            _server = None
    return {"exit": None, "ending": "", "error": "the reading server failed twice"}, b""


def _read_in_new_process(request: bytes, limits: ParseLimits) -> tuple[dict, bytes]:
    reader = subprocess.Popen(
        [sys.executable, "-c", "import sys; from measures.returns.isolation import main; sys.exit(main())"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_environment(),
        cwd=_PROJECT_ROOT,
    )
    requests, answers = _pipes(reader)
    # The request fits the pipe's buffer only in part: write it from a thread while the answer is drained.
    writer = threading.Thread(target=_send, args=(requests, _frames(limits, request)), daemon=True)
    writer.start()
    answer, ending = _drain(answers.fileno(), time.monotonic() + limits.timeout_seconds)
    if ending:
        reader.kill()
    reader.wait()
    writer.join()
    answers.close()
    return {"exit": reader.returncode, "ending": ending}, answer


def _send(stream: IO[bytes], payload: bytes) -> None:
    try:
        stream.write(payload)
        stream.close()
    except OSError:  # the reader ended before reading it all; its exit status tells why
        pass


def _drain(fd: int, deadline: float) -> tuple[bytes, str]:
    """Everything written to `fd` until its writer closes it: (the bytes, ''), or (what came, 'time') at
    `deadline`, or (b'', 'too large') past _MAX_ANSWER_BYTES."""
    pieces: list[bytes] = []
    size = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return b"".join(pieces), "time"
        piece = os.read(fd, 1 << 20)
        if not piece:
            return b"".join(pieces), ""
        size += len(piece)
        if size > _MAX_ANSWER_BYTES:
            return b"", "too large"
        pieces.append(piece)


def _read_exactly(fd: int, size: int, deadline: float) -> bytes:
    """`size` bytes from `fd`; raises TimeoutError at `deadline` and EOFError if the writer goes first."""
    pieces, wanted = [], size
    while wanted:
        remaining = None if deadline == float("inf") else deadline - time.monotonic()
        if remaining is not None and (remaining <= 0 or not select.select([fd], [], [], remaining)[0]):
            raise TimeoutError
        piece = os.read(fd, min(wanted, 1 << 20))
        if not piece:
            raise EOFError
        pieces.append(piece)
        wanted -= len(piece)
    return b"".join(pieces)


def _read_frame(fd: int, deadline: float = float("inf")) -> bytes:
    (size,) = _FRAME.unpack(_read_exactly(fd, _FRAME.size, deadline))
    if size > _MAX_FRAME_BYTES:
        raise EOFError(f"a frame of {size:,} bytes")
    return _read_exactly(fd, size, deadline)


def _failure_of(status: dict) -> str:
    """'' if the reader answered; otherwise why not: 'time', 'memory', 'bad answer' or 'crashed'."""
    code, ending = status.get("exit"), status.get("ending", "")
    if ending == "time" or code == -signal.SIGXCPU:
        return "time"
    if ending == "too large":
        return "bad answer"
    if code == 0:
        return ""
    # A failed allocation is a MemoryError in Python and an abort in the compiled reader.
    if code in (_MEMORY_EXIT, -signal.SIGABRT):
        return "memory"
    return "crashed"


def _refused(filename: str, failure: str, seconds: float, status: dict) -> ParseOutcome:
    _log.warning("Reading %s was stopped (%s, %.1f s): %s", filename, failure, seconds, status)
    return ParseOutcome(ParsedReturn(), [unsafe_issue(filename, failure)], failure=failure, seconds=seconds)


_ALLOWED_OUTSIDE_PROJECT = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
}


class _ResultUnpickler(pickle.Unpickler):
    """Rebuilds only plain data and the project's own dataclasses and enums: a reader subverted by a hostile
    file still cannot make the caller run anything."""

    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED_OUTSIDE_PROJECT:
            return super().find_class(module, name)
        if module == "measures" or module.startswith("measures."):
            found = super().find_class(module, name)
            if isinstance(found, type) and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a parsed return")


# ---------------------------------------------------------------------------------------------------------------
# The reading side: the server, and the reader it forks (or the one-off reader when the server is busy).


@functools.cache
def _field_getter(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """For a project dataclass built by its own __init__ from its fields in order: a function giving those field
    values as a tuple (pickling it as `cls(*values)` is several times faster than the generic way); else None."""
    if not (dataclasses.is_dataclass(cls) and cls.__module__.startswith("measures.")) or hasattr(cls, "__post_init__"):
        return None
    options = getattr(cls, "__dataclass_params__", None)  # what the class was made with; not part of its type
    if options is None or not options.init:
        return None
    fields = dataclasses.fields(cls)
    if not fields or not all(field.init and not field.kw_only for field in fields):
        return None
    getter = operator.attrgetter(*(field.name for field in fields))
    return getter if len(fields) > 1 else lambda instance: (getter(instance),)


class _ResultPickler(pickle.Pickler):
    def reducer_override(self, obj: object) -> Any:
        # A class is hashable, but the checker does not match a class object against Hashable.
        getter = _field_getter(type(obj))  # type: ignore[arg-type]
        return NotImplemented if getter is None else (type(obj), getter(obj))


def _limit_this_process(limits: ParseLimits) -> None:
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.timeout_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _read_one(header: bytes, request: bytes, answer_fd: int) -> int:
    """The reader: limit this process, parse the request, write the answer to `answer_fd`; returns the exit
    status (0, or _MEMORY_EXIT after a MemoryError; any other exception is printed and gives 1)."""
    _limit_this_process(ParseLimits(**json.loads(header)))
    gc.disable()  # this process reads one file and ends: the cycle collector would only cost time
    try:
        data, filename, catalogue, current_period, earliest_period = pickle.loads(request)
        parsed, issues = parse_return(data, filename, catalogue, current_period, earliest_period)
        peak_memory_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        answer = io.BytesIO()
        _ResultPickler(answer, protocol=pickle.HIGHEST_PROTOCOL).dump((parsed, issues, peak_memory_kb))
    except MemoryError:
        return _MEMORY_EXIT
    view = memoryview(answer.getbuffer())
    while view:
        view = view[os.write(answer_fd, view) :]
    return 0


def _read_one_reporting(header: bytes, request: bytes, answer_fd: int) -> int:
    """`_read_one`, with anything it raises told in one line on stderr (for the log, not a traceback on a
    command's screen) and exit status 1."""
    try:
        return _read_one(header, request, answer_fd)
    except BaseException as error:
        where = traceback.extract_tb(error.__traceback__)[-1:]
        place = f" at {where[0].filename}:{where[0].lineno}" if where else ""
        print(f"Reading stopped by {type(error).__name__}{place}: {str(error)[:300]}", file=sys.stderr)
        return 1


def _fork_reader(header: bytes, request: bytes, server_pipes: tuple[int, ...]) -> tuple[dict, bytes]:
    """In the server: fork a reader for one file, collect its answer, stop it when its time is up. The reader
    closes `server_pipes` (the server's requests and answers), so it cannot touch them, and a server that dies
    is seen to have died at once."""
    limits = ParseLimits(**json.loads(header))
    answer_read, answer_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the reader
        code = 1
        try:
            for fd in (answer_read, *server_pipes):
                os.close(fd)
            code = _read_one_reporting(header, request, answer_write)
        finally:
            os._exit(code)
    os.close(answer_write)
    answer, ending = _drain(answer_read, time.monotonic() + limits.timeout_seconds)
    os.close(answer_read)
    if ending:
        os.kill(pid, signal.SIGKILL)
    _, wait_status = os.waitpid(pid, 0)
    return {"exit": os.waitstatus_to_exitcode(wait_status), "ending": ending}, answer


def _preload() -> None:
    """Import what every reading needs before any limit is set, so that the limit never falls on an import."""
    import python_calamine  # noqa: F401

    import measures.returns.parsing  # noqa: F401


def serve() -> int:
    """The reading server: for each (limits, request) pair of frames on stdin, fork a reader and write its
    status and answer as two frames on stdout, until stdin closes."""
    requests = sys.stdin.fileno()
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything printed goes to the log, not into the answers
    _preload()
    while True:
        try:
            header, request = _read_frame(requests), _read_frame(requests)
        except EOFError:  # stdin closed: between requests when the app stops, or mid-request when it was killed
            return 0
        status, answer = _fork_reader(header, request, (requests, answers.fileno()))
        status_frame = json.dumps(status).encode()
        try:
            answers.write(_FRAME.pack(len(status_frame)) + status_frame + _FRAME.pack(len(answer)) + answer)
            answers.flush()
        except BrokenPipeError:
            # The process that asked has gone (killed mid-import, say): nobody is left to answer, and a
            # traceback in its terminal or the server's log would read as a fault of the reading. Leave at once:
            # an orderly exit would try to flush the same answer into the same closed pipe.
            os._exit(0)


def main() -> int:
    """The one-off reader: one (limits, request) pair of frames on stdin, the answer on stdout."""
    answer = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _preload()
    stdin = sys.stdin.fileno()
    header = _read_frame(stdin)
    return _read_one_reporting(header, _read_frame(stdin), answer)
