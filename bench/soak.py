"""Soak: readers and a monthly import every minute, for several minutes, against the production-style server.

Builds the demo database in a temporary folder and starts `gunicorn app:server` (3 workers x 4 threads) on a
free loopback port. READERS simulated board members (threads, each with its own connection and session) ask
the pages router for the overview, a month, a measure, an area, a team breakdown or the meeting pack, as
`bench/load.py` does; at the start of every minute an officer uploads the next month's return through the
upload page's own callbacks (check, then confirm), as in the browser. At the end of each minute it reads the
resident memory (VmRSS in /proc/PID/status) of every gunicorn worker.

Prints, per minute: requests, errors, p50 and p95 latency, the import's outcome and time, and each worker's
RSS; then the totals. Exit status 1 if any request or import failed. Bounded: at most MAX_MINUTES minutes,
MAX_READERS readers and MAX_REQUESTS requests, whatever is asked. Loopback only.

Run: `.venv/bin/python bench/soak.py [--minutes 10] [--readers 20]`.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import Results, add_bench_user, demo_database, free_port, read_page, sign_in_http, wait_for_server  # noqa: E402
from load import _choose, _percentile  # noqa: E402

from measures.domain.catalogue import load_catalogue  # noqa: E402
from measures.domain.periods import shift_period  # noqa: E402
from measures.returns.export import RETURN_HEADER, RETURN_SHEET  # noqa: E402

HOST = "127.0.0.1"
MAX_MINUTES, MAX_READERS, MAX_REQUESTS = 60, 200, 500_000
OFFICER = "Soak Officer"
TEAMS = ("Soak Team North", "Soak Team South", "Soak Team East", "Soak Team West")
FIRST_MONTH = "2023-02"  # the demo data ends at January 2023


def monthly_return(period: str, catalogue) -> bytes:
    """A template return for `period`: every measure for the whole service and each of TEAMS."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(RETURN_SHEET)
    sheet.append(list(RETURN_HEADER))
    rng = random.Random(period)
    for measure in catalogue.measures:
        for team in ("", *TEAMS):
            if measure.counts:
                denominator = rng.randint(40, 300)
                sheet.append(
                    [measure.ref, measure.title, team, period, rng.randint(1, denominator), denominator, None, "", ""]
                )
            else:
                sheet.append([measure.ref, measure.title, team, period, None, None, rng.randint(1, 60), "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _post(port: int, session: dict[str, str], body: dict) -> dict:
    connection = http.client.HTTPConnection(HOST, port, timeout=300)
    try:
        connection.request(
            "POST",
            "/_dash-update-component",
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **session},
        )
        response = connection.getresponse()
        text = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {text[:300]!r}")
        return json.loads(text)
    finally:
        connection.close()


def _upload_callbacks(port: int, session: dict[str, str]) -> tuple[str, str]:
    """The callback keys of the upload page's check (file dropped) and confirm (button) callbacks."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    connection.request("GET", "/_dash-dependencies", headers=session)
    dependencies = json.loads(connection.getresponse().read())
    connection.close()

    def find(input_id: str, input_property: str) -> str:
        for entry in dependencies:
            if any(i["id"] == input_id and i["property"] == input_property for i in entry["inputs"]):
                return entry["output"]
        raise RuntimeError(f"no callback takes {input_id}.{input_property}")

    return find("return-upload", "contents"), find("confirm-import", "n_clicks")


def _outputs(key: str) -> list[dict]:
    return [
        {"id": part.rpartition(".")[0], "property": part.rpartition(".")[2].split("@")[0]}
        for part in key.strip(".").split("...")
    ]


def import_month(port: int, session: dict[str, str], keys: tuple[str, str], period: str, content: bytes) -> str:
    """Upload and confirm one month's return as an officer does in the browser; return what the page said."""
    check_key, confirm_key = keys
    contents = "data:application/octet-stream;base64," + base64.b64encode(content).decode()
    checked = _post(
        port,
        session,
        {
            "output": check_key,
            "outputs": _outputs(check_key),
            "inputs": [{"id": "return-upload", "property": "contents", "value": contents}],
            "state": [{"id": "return-upload", "property": "filename", "value": f"return-{period}.xlsx"}],
            "changedPropIds": ["return-upload.contents"],
        },
    )
    token = checked["response"].get("staged-token", {}).get("data")
    if not token:
        raise RuntimeError(f"the return for {period} was not accepted: {json.dumps(checked)[:300]}")
    confirmed = _post(
        port,
        session,
        {
            "output": confirm_key,
            "outputs": _outputs(confirm_key),
            "inputs": [{"id": "confirm-import", "property": "n_clicks", "value": 1}],
            "state": [{"id": "staged-token", "property": "data", "value": token}],
            "changedPropIds": ["confirm-import.n_clicks"],
        },
    )
    shown = json.dumps(confirmed)
    if '"Imported"' not in shown:
        raise RuntimeError(f"the return for {period} was not imported: {shown[:300]}")
    return "imported"


def worker_rss(master: int) -> dict[int, int]:
    """{pid: VmRSS in kB} of every child of the gunicorn master `master`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master) and "VmRSS" in fields:
            found[int(entry.name)] = int(fields["VmRSS"].split()[0])
    return found


def reader(
    number: int,
    port: int,
    started: float,
    minutes: int,
    refs: list[str],
    results: Results,
    halt: threading.Event,
    session: dict[str, str],
) -> None:
    rng = random.Random(number)
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        while not halt.is_set() and results.take_ticket():
            minute = int((time.monotonic() - started) // 60)
            if minute >= minutes:
                return
            kind, pathname, search = _choose(rng, refs)
            begun = time.perf_counter()
            connection, problem = read_page(connection, kind, pathname, search, session)
            results.record(minute, time.perf_counter() - begun, problem)
    finally:
        connection.close()


def run(minutes: int, readers: int, folder: Path) -> int:
    env = demo_database(folder)
    reader_password = add_bench_user(env["MEASURES_DB_URL"])
    officer_password = add_bench_user(env["MEASURES_DB_URL"], OFFICER, "officer")
    catalogue = load_catalogue()
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    log = (folder / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "3",
            "--threads",
            "4",
            "--bind",
            f"{HOST}:{port}",
            "app:server",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    halt = threading.Event()
    results = Results(range(minutes), MAX_REQUESTS, label=lambda minute: f"minute {minute + 1}")
    imports: list[str] = []
    rss: list[dict[int, int]] = []
    import_failures = 0
    try:
        wait_for_server(base_url + "/sign-in", server)
        sessions = [sign_in_http(base_url, reader_password) for _ in range(readers)]
        officer = sign_in_http(base_url, officer_password, name=OFFICER)
        keys = _upload_callbacks(port, officer)
        refs = [measure.ref for measure in catalogue.measures]
        print(f"gunicorn on {HOST}:{port}: {readers} readers and one import a minute for {minutes} min ...", flush=True)
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=reader, daemon=True, args=(n, port, started, minutes, refs, results, halt, sessions[n])
            )
            for n in range(readers)
        ]
        for thread in threads:
            thread.start()
        period = FIRST_MONTH
        for minute in range(minutes):
            content = monthly_return(period, catalogue)
            begun = time.perf_counter()
            try:
                outcome = import_month(port, officer, keys, period, content)
            except (OSError, RuntimeError, http.client.HTTPException, ValueError) as error:
                import_failures += 1
                outcome = f"FAILED: {error}"
            imports.append(f"{period} {outcome} in {time.perf_counter() - begun:.1f} s")
            period = shift_period(period, 1)
            time.sleep(max(0.0, started + (minute + 1) * 60 - time.monotonic()))
            rss.append(worker_rss(server.pid))
        halt.set()
        for thread in threads:
            thread.join(timeout=70)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    finally:
        halt.set()
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()

    pids = sorted({pid for sample in rss for pid in sample})
    print(
        f"\n{'minute':>6} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}  import"
        + "".join(f"  pid {pid} RSS MB" for pid in pids)
    )
    for minute in range(minutes):
        values = results.latencies[minute]
        p50 = _percentile(values, 0.50) * 1000 if values else 0.0
        p95 = _percentile(values, 0.95) * 1000 if values else 0.0
        memory = "".join(f"  {rss[minute].get(pid, 0) / 1024:>{len(str(pid)) + 11}.0f}" for pid in pids)
        print(
            f"{minute + 1:>6} {len(values):>9} {results.errors[minute]:>7} {p50:>8.1f} {p95:>8.1f}  "
            f"{imports[minute]}{memory}"
        )
    total = sum(len(values) for values in results.latencies.values())
    errors = results.error_count
    print(f"\nrequests {total}, reader errors {errors}, import failures {import_failures}")
    for problem in results.samples[:5]:
        print(f"  - {problem}")
    if rss:
        first, last = rss[0], rss[-1]
        for pid in pids:
            if pid in first and pid in last:
                print(
                    f"worker {pid}: RSS {first[pid] / 1024:.0f} MB after minute 1, {last[pid] / 1024:.0f} MB "
                    f"after minute {len(rss)}"
                )
    if errors or import_failures:
        tail = (folder / "gunicorn.log").read_text(errors="replace").splitlines()[-20:]
        print("gunicorn's log, last lines:", *tail, sep="\n  ")
    return 1 if errors or import_failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--readers", type=int, default=20)
    args = parser.parse_args()
    if not 0 < args.minutes <= MAX_MINUTES or not 0 < args.readers <= MAX_READERS:
        parser.error(f"--minutes must be 1 to {MAX_MINUTES} and --readers 1 to {MAX_READERS}")
    with tempfile.TemporaryDirectory(prefix="measures-soak-") as folder:
        return run(args.minutes, args.readers, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
