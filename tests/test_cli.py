"""The command-line contract of PRODUCT.md, exercised as a script outside the project would: a subprocess."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest

ASSESS_KEYS = ["ref", "period", "value", "previous", "direction", "judgement", "rag", "variation", "assurance"]


@pytest.fixture
def run(demo_database, tmp_path):
    database = tmp_path / "cli.db"
    shutil.copy(demo_database, database)

    def run_command(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "measures", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={"MEASURES_DB_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"},
        )

    return run_command


def test_init_on_a_new_database_then_demo_then_demo_if_empty(tmp_path):
    env = {"MEASURES_DB_URL": f"sqlite:///{tmp_path / 'new.db'}", "PATH": "/usr/bin:/bin"}
    init = subprocess.run([sys.executable, "-m", "measures", "init"], capture_output=True, text=True, env=env)
    assert init.returncode == 0, init.stderr
    assert "10 areas, 38 measures (38 added, 0 updated)" in init.stdout
    demo = subprocess.run([sys.executable, "-m", "measures", "demo"], capture_output=True, text=True, env=env)
    assert demo.returncode == 0 and "Published figures: 74 added" in demo.stdout
    again = subprocess.run(
        [sys.executable, "-m", "measures", "demo", "--if-empty"], capture_output=True, text=True, env=env
    )
    assert again.returncode == 0 and "already holds figures" in again.stdout


def test_assess_json_has_one_object_per_measure_with_the_contract_keys(run):
    result = run("assess", "--period", "2023-01", "--json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert len(records) == 38
    assert all(list(record)[: len(ASSESS_KEYS)] == ASSESS_KEYS for record in records)
    assessment = {record["ref"]: record for record in records}["3.1"]
    assert assessment["period"] == "2023-01"
    assert assessment["value"] == pytest.approx(236 / 304 * 100)
    assert assessment["previous"] == pytest.approx(198 / 291 * 100)
    assert (assessment["direction"], assessment["judgement"]) == ("up", "better")
    assert assessment["variation"] in {"common", "improvement", "concern", "neither", "insufficient"}
    assert {r["rag"] for r in records} <= {"green", "amber", "red", "none"}
    # Every record keeps to the contract's values, a measure with no SPC reading too (6.1 is a rolling 12-month
    # figure): its variation is "insufficient", and `spc_on` and `basis` say why.
    assert {r["variation"] for r in records} <= {"common", "improvement", "concern", "neither", "insufficient"}
    assert {r["assurance"] for r in records} <= {"pass", "fail", "hit-or-miss", "none"}
    rolling = {record["ref"]: record for record in records}["6.1"]
    assert (rolling["variation"], rolling["spc_on"], rolling["basis"]) == ("insufficient", "none", "rolling-12")


def test_assess_json_says_the_month_each_rating_reads_after_the_existing_keys(run):
    records = {record["ref"]: record for record in json.loads(run("assess", "--period", "2023-01", "--json").stdout)}
    # The keys of the first release first, then the others in their order; `as_of` follows them all.
    order = list(records["3.1"])
    assert order[: len(ASSESS_KEYS)] == ASSESS_KEYS
    assert order.index("as_of") > max(order.index(key) for key in ("status", "small_denominator", "explanation"))
    # 3.1 has January's own figure but no target; 10.5 is TBC in January, rated from December's 0.0%.
    assert (records["3.1"]["rag"], records["3.1"]["as_of"]) == ("none", None)
    assert (records["10.5"]["status"], records["10.5"]["rag"], records["10.5"]["as_of"]) == ("tbc", "red", "2022-12")
    assert (records["2.2"]["rag"], records["2.2"]["as_of"]) == ("green", "2023-01")
    # Judgements stay within the contract: 2.2's move inside its band (17.0 -> 17.2) is "same".
    assert {record["judgement"] for record in records.values()} <= {"better", "worse", "same", "none"}
    assert records["2.2"]["judgement"] == "same"


def test_assess_defaults_to_the_latest_month(run):
    records = json.loads(run("assess", "--json").stdout)
    assert {record["period"] for record in records} == {"2023-01"}


def test_assess_text_is_a_readable_table(run):
    result = run("assess", "--period", "2022-12")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0] == "Assessment as at 2022-12"


def test_history_json(run):
    result = run("history", "3.1", "--period", "2023-01", "--json")
    assert result.returncode == 0, result.stderr
    (record,) = json.loads(result.stdout)
    assert (record["numerator"], record["denominator"], record["version"], record["current"]) == (236, 304, 1, True)
    assert record["synthetic"] is False


def test_export_csv_contract(run):
    result = run("export", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["ref", "period", "team", "numerator", "denominator", "value", "status"]
    january = [r for r in rows if r["ref"] == "3.1" and r["period"] == "2023-01" and r["team"] == ""]
    assert len(january) == 1 and float(january[0]["value"]) == pytest.approx(77.63, abs=0.01)
    assert {r["status"] for r in rows} <= {"ok", "tbc", "new"}
    assert all(0 <= float(r["value"]) <= 100 for r in rows if r["ref"] == "3.1" and r["value"])


def test_export_xlsx_needs_an_output_path(run):
    result = run("export", "--format", "xlsx")
    assert result.returncode == 2
    assert "--out" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("assess", "--period", "January"),
        ("history",),
        ("export", "--format", "pdf"),
        ("frobnicate",),
        ("history", "99.9"),
    ],
)
def test_wrong_arguments_exit_with_status_2(run, args):
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.strip()


def test_export_never_writes_a_formula_hidden_after_a_line_break(run, tmp_path):
    from measures.storage import db, recording
    from measures.storage.recording import UploadInfo, ValueRow
    from tests.spreadsheet_checks import assert_no_formula_in_csv, assert_no_formula_in_xlsx

    payload = "Verified by the team manager\r=1+1+SUM(2+2)"
    engine = db.make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    recording.record_values(
        engine,
        [
            ValueRow("3.1", "2023-01", team=payload, numerator=5, denominator=10, value=50.0, note=payload),
            ValueRow(
                "3.1",
                "2023-01",
                team="-Team\n=B",
                numerator=-2,
                denominator=10,
                value=-20.0,
                note="ok\n+1\r\n@A1\u2028-A2",
            ),
        ],
        UploadInfo(kind="import", filename="notes.xlsx", user_name="test"),
    )
    engine.dispose()
    written = tmp_path / "export.csv"
    result = run("export", "--format", "csv", "--out", str(written))
    assert result.returncode == 0, result.stderr
    text = written.read_bytes().decode("utf-8")  # as written: reading in text mode would translate the CRs
    assert_no_formula_in_csv(text)
    assert text.startswith("ref,period,team,numerator,denominator,value,status\r\n")  # the contract's header
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == ["ref", "period", "team", "numerator", "denominator", "value", "status"]
    hostile = [r for r in rows if r["team"] == "Verified by the team manager\r'=1+1+SUM(2+2)"]
    assert [(r["numerator"], r["denominator"], r["value"], r["status"]) for r in hostile] == [("5", "10", "50", "ok")]
    negative = [r for r in rows if r["team"] == "'-Team\n'=B"]
    assert [(r["numerator"], r["value"]) for r in negative] == [("-2", "-20")]  # numbers stay numbers
    service = [r for r in rows if r["ref"] == "3.1" and r["period"] == "2023-01" and r["team"] == ""]
    assert len(service) == 1 and float(service[0]["value"]) == pytest.approx(77.63, abs=0.01)
    workbook = tmp_path / "export.xlsx"
    assert run("export", "--format", "xlsx", "--out", str(workbook)).returncode == 0
    assert_no_formula_in_xlsx(workbook.read_bytes())
