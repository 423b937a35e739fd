"""A checkout of the app served as in production, for the load benchmarks: its own demo database built by its own
command line, gunicorn started in its folder, and what the server's processes spend read from /proc.

Everything goes through the checkout's command line and HTTP, never through its Python modules, so one run can
measure the previous release's checkout (`--app-root`) beside this one with the same reader.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from browser_like import Dependencies
from common import free_port, sign_in_http, wait_for_server

HOST = "127.0.0.1"
BENCH_READER = "Bench Reader"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def describe(app_root: Path) -> str:
    """A checkout's short name: its folder and commit."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=app_root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "?"
    return f"{app_root.name}@{commit}"


def prepare_database(app_root: Path, folder: Path) -> tuple[dict[str, str], str]:
    """Build the demo database in `folder` with the checkout's own command line and add a board member (a viewer)
    to it; return the environment that points the checkout at it and the reader's password."""
    database = folder / "measures.db"
    env = {**os.environ, "MEASURES_DB_URL": f"sqlite:///{database}"}
    env.pop("PYTHONPATH", None)
    print(f"Building the demo database of {describe(app_root)} in {database} ...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "measures", "demo"], cwd=app_root, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return env, add_user(app_root, env, BENCH_READER, "viewer")


def add_user(app_root: Path, env: dict[str, str], name: str, role: str) -> str:
    """Add user `name` with `role` to the database `env` points at, with the checkout's own command line; return
    the password made for them."""
    password = "Bench-" + secrets.token_urlsafe(18)
    subprocess.run(
        [sys.executable, "-m", "measures", "user", "add", name, "--role", role],
        cwd=app_root,
        env=env,
        input=password + "\n",
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return password


def _stat_fields(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as stat:
        text = stat.read()
    return text[text.rindex(")") + 2 :].split()  # after "pid (comm) ", the fields from state (3rd) on


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children, ...), read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(_stat_fields(int(entry))[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(parent, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in parents.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) spent by `pid` and every process below it, including children that have ended
    and been waited for (cutime, cstime): what the whole server has cost the machine so far."""
    total = 0
    for process in (pid, *descendants(pid)):
        try:
            fields = _stat_fields(process)
        except OSError:
            continue  # ended between the listing and the read
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / CLOCK_TICKS


def resident_mb(pid: int) -> float:
    """Resident memory of one process in MB (from /proc/PID/statm)."""
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE / 1_048_576


def command_line(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        return cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()


def load_average() -> tuple[float, float, float]:
    """The machine's load average over 1, 5 and 15 minutes."""
    with open("/proc/loadavg") as loadavg:
        one, five, fifteen = loadavg.read().split()[:3]
    return float(one), float(five), float(fifteen)


@dataclass
class Server:
    """A running gunicorn of one checkout."""

    app_root: Path
    process: subprocess.Popen
    port: int
    workers: int
    threads: int
    password: str

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cpu_seconds(self) -> float:
        """CPU seconds the master and every process it started (workers, any background process) have spent."""
        return tree_cpu_seconds(self.process.pid)

    def children_memory(self) -> list[tuple[int, float, str]]:
        """(pid, resident MB, command line) of every process the master started."""
        found = []
        for pid in descendants(self.process.pid):
            try:
                found.append((pid, resident_mb(pid), command_line(pid)))
            except OSError:
                continue
        return found

    def sign_in(self) -> dict[str, str]:
        """A new session of the board member: the headers its requests carry."""
        return sign_in_http(self.base_url, self.password, BENCH_READER)

    def dependencies(self, session: dict[str, str]) -> Dependencies:
        """The checkout's callbacks as its pages declare them, read as the browser reads them."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request("GET", "/_dash-dependencies", headers=session)
            dependencies = json.loads(connection.getresponse().read())
            connection.request("GET", "/_dash-layout", headers=session)
            layout = json.loads(connection.getresponse().read())
        finally:
            connection.close()
        return Dependencies.from_json(dependencies, layout)


@contextmanager
def serve(app_root: Path, folder: Path, workers: int = 3, threads: int = 4) -> Iterator[Server]:
    """Build the checkout's demo database in `folder` and serve it with gunicorn (`workers` x `threads`) on a free
    loopback port, started from the checkout's folder (so its own gunicorn.conf.py and any process its master
    starts take part); stop it on leaving."""
    env, password = prepare_database(app_root, folder)
    port = free_port()
    log = (folder / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"{HOST}:{port}",
            "app:server",
        ],
        cwd=app_root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_server(f"http://{HOST}:{port}/sign-in", process, limit=180)
        yield Server(app_root, process, port, workers, threads, password)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop; its workers follow
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def log_tail(folder: Path, lines: int = 20) -> list[str]:
    """The last lines gunicorn wrote."""
    path = folder / "gunicorn.log"
    return path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []


def settle(seconds: float) -> None:
    """Wait so that the load average read next is the machine's, not the start-up's."""
    time.sleep(seconds)
