"""Meeting-pack PDF: what printing a pack costs, against handing out a PDF already made.

Serves the app (`python app.py`, threaded) over the demo data on a free loopback port, then asks `/pack.pdf` for
a few months as a signed-in board member: the first request of each month prints it with the server's Chromium,
the repeats are served from the PDFs already made. Prints the median seconds of each and their ratio, and the
print time the audit log recorded. The machine is shared and noisy: read the ratio, not the seconds.

Run: `.venv/bin/python bench/pack_pdf.py [--months 3] [--repeat 5]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import add_bench_user, free_port, sign_in_http, wait_for_server  # noqa: E402 - bench/ is on the path as the script folder

from measures.cli.demo import load_demo  # noqa: E402
from measures.domain.catalogue import load_catalogue  # noqa: E402
from measures.storage import audit, catalogue_records, db, reads  # noqa: E402  # noqa: E402


def _serve(database_url: str, folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "MEASURES_DB_URL": database_url, "HOST": "127.0.0.1", "PORT": str(port)}
    log = (folder / "app.log").open("w")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base_url + "/sign-in", process, limit=60)
    except RuntimeError:
        process.kill()
        raise SystemExit(f"The app did not start; see {folder / 'app.log'}") from None
    return process, base_url


def _fetch(base_url: str, period: str, headers: dict[str, str]) -> float:
    request = urllib.request.Request(f"{base_url}/pack.pdf?period={period}", headers={"Cookie": headers["Cookie"]})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        data = response.read()
    elapsed = time.perf_counter() - started
    if not data.startswith(b"%PDF"):
        raise SystemExit(f"/pack.pdf?period={period} gave no PDF")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=3, help="how many months to print (each printed once)")
    parser.add_argument("--repeat", type=int, default=5, help="how many repeats of each month (served as made)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pack-pdf-") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        engine = db.make_engine(url)
        db.upgrade_schema(engine)
        catalogue = load_catalogue()
        catalogue_records.sync_catalogue(engine, catalogue)
        load_demo(engine, catalogue)
        months = reads.available_periods(engine)[-options.months :]
        password = add_bench_user(url)
        process, base_url = _serve(url, Path(folder))
        try:
            headers = sign_in_http(base_url, password)
            printed = [_fetch(base_url, month, headers) for month in months]
            repeated = [_fetch(base_url, month, headers) for month in months for _ in range(options.repeat)]
        finally:
            process.terminate()
            process.wait(timeout=10)
        events = audit.audit_frame(engine, action="pack.pdf_printed")
        engine.dispose()
    in_browser = [event["seconds"] for event in events["detail"]]
    first, again = statistics.median(printed), statistics.median(repeated)
    print(f"months printed: {len(printed)}; repeats: {len(repeated)}; browser prints logged: {len(in_browser)}")
    print(
        f"first request (printed):  median {first:.2f} s  (browser part, from the audit log: "
        f"median {statistics.median(in_browser):.2f} s)"
    )
    print(f"repeat request (as made): median {again * 1000:.1f} ms")
    print(f"ratio first / repeat: {first / again:.0f}x")


if __name__ == "__main__":
    main()
