"""Server CPU of every kind of page, warm and cold, against its floor, for this checkout or `--app-root PATH`.

For each kind of page (the overview, a month, a measure, an area, a team breakdown, worker caseloads, the plan, an
action, the national comparison, the meeting pack, How to read these pages) it asks the pages router for the page
as the browser does, through the app's own request gate, in one process, and reads the CPU time that process
spent (time.process_time: every thread, so work a request leaves to a background thread counts too):

- warm: the same page again at the same data version (median of --repeat), against serving the page's stored
  bytes through the app's own gate and headers (a route added for this run that returns the bytes the router
  answered). Target: within 2x;
- cold: the first request after the data version moves (a write), against its floor: the SELECT statements that
  request issued, replayed on the same database, plus encoding its response (orjson when installed, else json).
  Target: within 3x.

The checkout's demo database is built with its own command line; with `--app-root` the measuring part runs in a
separate Python process started in that checkout, so one run can measure the previous release beside this one.
The machine is shared: read the ratios, not the milliseconds. Run: `.venv/bin/python bench/pages.py [--repeat 5]
[--app-root PATH] [--quick] [--json OUT]`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from browser_like import ACCEPT_ENCODING, decoded  # noqa: E402
from common import router_body, sign_in_test_client  # noqa: E402
from served import add_user, describe, prepare_database  # noqa: E402

try:
    import orjson

    def encode(payload: Any) -> bytes:
        return orjson.dumps(payload)

    ENCODER = "orjson"
except ImportError:

    def encode(payload: Any) -> bytes:
        return json.dumps(payload).encode()

    ENCODER = "json"

STORED_PATH = "/bench-stored-response"
OFFICER = "Bench Officer"


def _cpu(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.process_time()
    result = call()
    return time.process_time() - started, result


def page_addresses(client, headers: dict[str, str]) -> dict[str, str]:
    """Every kind of page and one address of it, found from the overview's and the plan's own links."""

    def links(pathname: str) -> str:
        body = client.post(
            "/_dash-update-component",
            data=router_body(pathname, ""),
            content_type="application/json",
            headers=headers,
        ).get_data(as_text=True)
        return body.replace("\\u002f", "/")

    overview, plan = links("/"), links("/plan")
    refs = sorted(set(re.findall(r"/measure/([0-9]+\.[0-9]+)", overview)))
    actions = sorted(set(re.findall(r'"/plan/([0-9A-Za-z.-]+)', plan)))
    months = sorted(set(re.findall(r"period=([0-9]{4}-[0-9]{2})", overview)))
    month = months[-1] if months else ""
    ref = "3.1" if "3.1" in refs else refs[0]
    addresses = {
        "overview": "/",
        "month": f"/?period={months[-2]}" if len(months) > 1 else "/",
        "measure": f"/measure/{ref}",
        "area": f"/area/{ref.split('.')[0]}",
        "teams": f"/teams/{ref}?period={month}",
        "workers": "/workers/2.2",
        "plan": "/plan",
        "action": f"/plan/{actions[0]}" if actions else "/plan/1",
        "compare": f"/compare/{ref}",
        "pack": f"/pack?period={month}",
        "how to read": "/how-to-read",
    }
    return addresses


class Statements:
    """The SQL statements the app issues while `capturing` is set (a SQLAlchemy engine event)."""

    def __init__(self) -> None:
        self.capturing = False
        self.seen: list[tuple[str, Any, bool]] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.capturing:
            self.seen.append((statement, parameters, executemany))


def replay_seconds(database: Path, statements: list[tuple[str, Any, bool]]) -> tuple[float, int, int]:
    """CPU seconds to run `statements`' SELECTs again on `database` (read-only), fetching every row; with the
    number replayed and the number of writes left out (BEGIN and the like are neither)."""
    reads = [s for s in statements if s[0].lstrip().upper().startswith(("SELECT", "WITH"))]
    writes = [s for s in statements if s[0].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))]
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        started = time.process_time()
        for statement, parameters, executemany in reads:
            if executemany:
                connection.executemany(statement, parameters).fetchall()
            else:
                connection.execute(statement, parameters or ()).fetchall()
        return time.process_time() - started, len(reads), len(writes)
    finally:
        connection.close()


def measure(database: Path, viewer_password: str, officer_password: str, repeat: int) -> list[dict[str, Any]]:
    """Run in the checkout under test (its modules on the path): the figures of every kind of page."""
    from flask import Response
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from dashboard import create_app
    from dashboard.server.data import engine
    from measures.storage import versioning

    statements = Statements()
    event.listen(Engine, "before_cursor_execute", statements)
    app = create_app()
    stored: dict[str, Any] = {}  # the bytes the router last answered, as sent, and their Content-Encoding
    app.server.add_url_rule(
        STORED_PATH,
        "bench_stored_response",
        lambda: Response(
            stored["body"],
            mimetype="application/json",
            headers={"Content-Encoding": stored["encoding"]} if stored["encoding"] else {},
        ),
    )
    viewer, officer = app.server.test_client(), app.server.test_client()
    viewer_headers = sign_in_test_client(viewer, viewer_password)
    officer_headers = sign_in_test_client(officer, officer_password, OFFICER)
    rows = []
    for kind, address in page_addresses(viewer, viewer_headers).items():
        client, headers = (officer, officer_headers) if kind == "workers" else (viewer, viewer_headers)
        pathname, _, query = address.partition("?")
        body = router_body(pathname, f"?{query}" if query else "")

        def ask(client=client, headers=headers, body=body, address=address):
            response = client.post(
                "/_dash-update-component",
                data=body,
                content_type="application/json",
                headers={"Accept-Encoding": ACCEPT_ENCODING, **headers},
            )
            if response.status_code != 200:
                raise RuntimeError(f"{address}: HTTP {response.status_code}")
            return response.get_data(), response.headers.get("Content-Encoding")

        def stored_bytes(client=client, headers=headers):
            response = client.get(STORED_PATH, headers={"Accept-Encoding": ACCEPT_ENCODING, **headers})
            if response.status_code != 200:
                raise RuntimeError(f"the stored bytes: HTTP {response.status_code}")
            return response.get_data()

        colds, floors, replays, encodes, counts = [], [], [], [], []
        for _ in range(max(1, repeat // 2)):
            with engine().begin() as connection:
                versioning.advance(connection)  # a write: every page is computed afresh
            statements.seen.clear()
            statements.capturing = True
            cold, answer = _cpu(ask)
            statements.capturing = False
            replay, replayed, writes = replay_seconds(database, statements.seen)
            payload = json.loads(decoded(answer[1], answer[0]))
            encoding = statistics.median(_cpu(lambda payload=payload: encode(payload))[0] for _ in range(3))
            colds.append(cold)
            replays.append(replay)
            encodes.append(encoding)
            floors.append(replay + encoding)
            counts.append((replayed, writes))
        ask()
        warm = statistics.median(_cpu(ask)[0] for _ in range(repeat))
        stored["body"], stored["encoding"] = ask()
        stored_bytes()
        serve_stored = statistics.median(_cpu(stored_bytes)[0] for _ in range(repeat))
        rows.append(
            {
                "kind": kind,
                "address": address,
                "kb": len(stored["body"]) / 1024,  # as sent: compressed when the server compressed it
                "warm_ms": warm * 1000,
                "stored_ms": serve_stored * 1000,
                "cold_ms": statistics.median(colds) * 1000,
                "floor_ms": statistics.median(floors) * 1000,
                "sql_ms": statistics.median(replays) * 1000,
                "encode_ms": statistics.median(encodes) * 1000,
                "selects": counts[0][0],
                "writes": counts[0][1],
            }
        )
        print(f"  {kind} measured", file=sys.stderr, flush=True)
    return rows


def print_rows(checkout: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{checkout}: server CPU per request (ms), one process; encoder {ENCODER}")
    print(
        f"{'page':<12} {'KB':>6} | {'warm':>7} {'stored':>7} {'ratio':>6} (<= 2x) | {'cold':>7} {'floor':>7} "
        f"{'ratio':>6} (<= 3x) | floor = SQL replayed + encoding"
    )
    for row in rows:
        print(
            f"{row['kind']:<12} {row['kb']:6.0f} | {row['warm_ms']:7.1f} {row['stored_ms']:7.2f} "
            f"{row['warm_ms'] / max(row['stored_ms'], 1e-6):5.1f}x         | {row['cold_ms']:7.1f} "
            f"{row['floor_ms']:7.1f} {row['cold_ms'] / max(row['floor_ms'], 1e-6):5.1f}x         | "
            f"{row['selects']} SELECTs {row['sql_ms']:.1f} + {row['encode_ms']:.1f}"
            + (f", {row['writes']} writes not replayed" if row["writes"] else "")
        )


def run(app_root: Path, repeat: int) -> list[dict[str, Any]]:
    """Measure the checkout at `app_root` in a process of its own; return its rows."""
    with tempfile.TemporaryDirectory(prefix="measures-pages-") as folder:
        env, viewer_password = prepare_database(app_root, Path(folder))
        officer_password = add_user(app_root, env, OFFICER, "officer")
        out = Path(folder) / "rows.json"
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--inside", str(out), "--repeat", str(repeat)],
            cwd=app_root,
            env={**env, "BENCH_VIEWER_PASSWORD": viewer_password, "BENCH_OFFICER_PASSWORD": officer_password},
            check=True,
        )
        return json.loads(out.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="warm requests per page (cold: half as many)")
    parser.add_argument("--app-root", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    parser.add_argument("--quick", action="store_true", help="a short trial: 3 warm requests and 1 cold per page")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("--inside", type=Path, help=argparse.SUPPRESS)  # the measuring process, in the checkout
    args = parser.parse_args()
    if args.quick:
        args.repeat = min(args.repeat, 3)
    if args.inside:
        sys.path.insert(0, os.getcwd())  # the checkout under test, before this folder's parent
        database = Path(os.environ["MEASURES_DB_URL"].removeprefix("sqlite:///"))
        rows = measure(database, os.environ["BENCH_VIEWER_PASSWORD"], os.environ["BENCH_OFFICER_PASSWORD"], args.repeat)
        args.inside.write_text(json.dumps(rows))
        return 0
    app_root = args.app_root.resolve()
    rows = run(app_root, args.repeat)
    print_rows(describe(app_root), rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
