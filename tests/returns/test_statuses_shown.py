"""Not applicable and suppressed months are shown as such everywhere a reader or a script meets them: the
overview, the area page, the measure page's summary, the CSV export and `assess --json`; never as 0, never rated."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from measures.returns import import_return
from measures.views.area import build_area
from measures.views.measure import build_measure_detail
from measures.views.overview import build_overview
from measures.views.summary import summary_sentence
from tests.returns import builders
from tests.returns.builders import TODAY, describe, template_row

FEBRUARY = "2023-02"
ASSESS_KEYS = ["ref", "period", "value", "previous", "direction", "judgement", "rag", "variation", "assurance"]


@pytest.fixture
def marked(demo_engine, tmp_path):
    """The demo database with February 2023 holding 2.1 not applicable, 2.3 suppressed and 3.1 a figure."""
    path = builders.template_workbook(
        tmp_path / "february.xlsx",
        [
            template_row("2.1", FEBRUARY, value="n/a"),
            template_row("2.3", FEBRUARY, value="*"),
            template_row("3.1", FEBRUARY, 236, 300),
        ],
    )
    report = import_return(demo_engine, path, user="officer.a", today=TODAY)
    assert report.status == "imported", describe(report)
    return demo_engine


def test_the_overview_shows_the_status_and_rates_nothing(marked):
    rows = {row.measure.ref: row for row in build_overview(marked, FEBRUARY).rows}
    assert (rows["2.1"].latest.text, rows["2.1"].latest.status, rows["2.1"].latest.value) == (
        "Not applicable",
        "na",
        None,
    )
    assert (rows["2.3"].latest.text, rows["2.3"].latest.status, rows["2.3"].latest.value) == (
        "Suppressed (small number)",
        "suppressed",
        None,
    )
    for ref in ("2.1", "2.3"):
        assessment = rows[ref].assessment
        assert (assessment.direction, assessment.judgement) == ("none", "none")
        assert FEBRUARY not in dict(rows[ref].trend)
    # No rating of February's own: 2.1 has no target, and 2.3's rating is January's 12 (off target), as at January.
    assert (rows["2.1"].assessment.rag, rows["2.1"].assessment.rag_as_of) == ("none", None)
    assert (rows["2.3"].assessment.rag, rows["2.3"].assessment.rag_as_of) == ("red", "2023-01")
    assert rows["3.1"].latest.text == "236/300 78.7%"


def test_the_area_page_says_the_status_in_words(marked):
    area = build_area(marked, 2, FEBRUARY)
    sentences = {card.measure.ref: card.sentence for card in area.cards}
    assert sentences["2.1"] == "Not applicable for February 2023."
    assert sentences["2.3"] == "Suppressed (small number) for February 2023."


def test_the_measure_page_summary_never_reads_it_as_a_figure(marked):
    detail = build_measure_detail(marked, "2.3", FEBRUARY)
    assert detail.current.status == "suppressed" and not detail.current.counted
    sentence = summary_sentence(detail)
    assert "the February 2023 figure is suppressed" in sentence
    assert " 0 " not in sentence


def _cli(database, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "measures", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"MEASURES_DB_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin"},
    )


def test_export_and_assess_keep_their_contract(marked):
    database = builders.database_file(marked)
    marked.dispose()
    exported = _cli(database, "export", "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    rows = {(r["ref"], r["period"], r["team"]): r for r in csv.DictReader(io.StringIO(exported.stdout))}
    assert rows[("2.1", FEBRUARY, "")] == {
        "ref": "2.1",
        "period": FEBRUARY,
        "team": "",
        "numerator": "",
        "denominator": "",
        "value": "",
        "status": "na",
    }
    assert rows[("2.3", FEBRUARY, "")]["value"] == "" and rows[("2.3", FEBRUARY, "")]["status"] == "suppressed"
    assessed = _cli(database, "assess", "--period", FEBRUARY, "--json")
    assert assessed.returncode == 0, assessed.stderr
    records = {record["ref"]: record for record in json.loads(assessed.stdout)}
    for ref in ("2.1", "2.3"):
        assert list(records[ref])[: len(ASSESS_KEYS)] == ASSESS_KEYS
        assert records[ref]["value"] is None
        assert (records[ref]["direction"], records[ref]["judgement"]) == ("none", "none")
    assert (records["2.1"]["rag"], records["2.1"]["as_of"]) == ("none", None)
    assert (records["2.3"]["rag"], records["2.3"]["as_of"]) == ("red", "2023-01")
