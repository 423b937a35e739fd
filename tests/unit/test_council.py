"""The council file: its facts are read from data, every missing or invalid entry is named, and no council's
name is typed in the code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from measures.domain import council as council_module
from measures.domain.comparators import comparator_in_text, comparator_kind
from measures.domain.council import DEFAULT_COUNCIL_PATH, CouncilError, load_council, parse_council

ROOT = Path(__file__).resolve().parents[2]

GOOD = """
[council]
name = "Shropshire"
la_code = 893
region = "West Midlands"
region_in_text = "the West Midlands"
england = "England"

[teams]
all = ["North", "South", "Care Leavers"]
assessment = ["North", "South"]

[comparators]
neighbours_average = "Statistical neighbours"
statistical_neighbours = ["Herefordshire", "Wiltshire"]
neighbours_source = "a test list"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "council.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _without(text: str, line_start: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(line_start))


def test_the_shipped_council_file_describes_herefordshire_with_its_dfe_code():
    council = load_council(DEFAULT_COUNCIL_PATH)
    assert council.name == "Herefordshire"
    assert council.la_code == 884  # DfE LAIT la_code_list.xlsx: 884, Herefordshire, West Midlands, UA
    assert council.region == "West Midlands"
    assert council.region_in_text == "the West Midlands"
    assert council.england == "England"
    assert len(council.statistical_neighbours) == 10
    assert council.statistical_neighbours[0] == "Shropshire"
    assert set(council.assessment_teams) <= set(council.teams)
    assert council.headline_comparators == ("Statistical neighbours", "England", "West Midlands")


def test_a_good_file_is_read_whole(tmp_path):
    council = load_council(_write(tmp_path, GOOD))
    assert council.name == "Shropshire"
    assert council.la_code == 893
    assert council.teams == ("North", "South", "Care Leavers")
    assert council.assessment_teams == ("North", "South")
    assert council.statistical_neighbours == ("Herefordshire", "Wiltshire")
    assert council.neighbours_source == "a test list"


def test_the_region_in_text_defaults_to_the_region(tmp_path):
    council = load_council(_write(tmp_path, _without(GOOD, "region_in_text")))
    assert council.region_in_text == "West Midlands"


def test_each_file_is_parsed_once_and_the_setting_chooses_the_file(tmp_path, monkeypatch):
    path = _write(tmp_path, GOOD)
    assert load_council(path) is load_council(str(path))
    monkeypatch.setenv("MEASURES_COUNCIL_FILE", str(path))
    assert load_council().name == "Shropshire"
    monkeypatch.delenv("MEASURES_COUNCIL_FILE")
    assert load_council().name == "Herefordshire"


def test_a_missing_file_is_named(tmp_path):
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(CouncilError, match=r"nowhere\.toml does not exist"):
        load_council(missing)


def test_a_file_that_is_not_toml_is_named(tmp_path):
    path = _write(tmp_path, "[council\nname = ")
    with pytest.raises(CouncilError, match=r"council\.toml is not valid TOML"):
        load_council(path)


@pytest.mark.parametrize(
    ("line_start", "named"),
    [
        ("name =", "[council] name is missing"),
        ("la_code =", "[council] la_code is missing"),
        ("region =", "[council] region is missing"),
        ("england =", "[council] england is missing"),
        ("all =", "[teams] all is missing"),
        ("assessment =", "[teams] assessment is missing"),
        ("neighbours_average =", "[comparators] neighbours_average is missing"),
        ("statistical_neighbours =", "[comparators] statistical_neighbours is missing"),
    ],
)
def test_each_missing_key_is_named_with_the_file(tmp_path, line_start, named):
    path = _write(tmp_path, _without(GOOD, line_start))
    with pytest.raises(CouncilError) as raised:
        load_council(path)
    assert str(path) in str(raised.value)
    assert named in str(raised.value)


@pytest.mark.parametrize("table", ["council", "teams", "comparators"])
def test_a_missing_table_is_named(table):
    data = tomllib.loads(GOOD)
    del data[table]
    with pytest.raises(CouncilError, match=rf"the \[{table}\] table is missing"):
        parse_council(data, "council.toml")


@pytest.mark.parametrize(
    ("replace", "by", "named"),
    [
        ('name = "Shropshire"', 'name = ""', "[council] name must be non-empty text"),
        ('name = "Shropshire"', "name = 7", "[council] name must be non-empty text"),
        ("la_code = 893", 'la_code = "893"', "[council] la_code must be the DfE three-digit authority number"),
        ("la_code = 893", "la_code = 12", "[council] la_code must be the DfE three-digit authority number"),
        ("la_code = 893", "la_code = true", "[council] la_code must be the DfE three-digit authority number"),
        ('all = ["North", "South", "Care Leavers"]', "all = []", "[teams] all must be a non-empty list of names"),
        ('all = ["North", "South", "Care Leavers"]', 'all = ["North", 3]', "[teams] all must be a non-empty list"),
        ('all = ["North", "South", "Care Leavers"]', 'all = ["North", "South", "North"]', "names North more than once"),
        ('assessment = ["North", "South"]', 'assessment = ["East"]', "[teams] assessment names East, which"),
        ('["Herefordshire", "Wiltshire"]', '["Herefordshire", "England"]', "names England, which is another"),
        ('neighbours_source = "a test list"', 'neighbours_source = ""', "[comparators] neighbours_source must be"),
    ],
)
def test_each_invalid_entry_is_named_with_the_file(tmp_path, replace, by, named):
    assert replace in GOOD
    path = _write(tmp_path, GOOD.replace(replace, by))
    with pytest.raises(CouncilError) as raised:
        load_council(path)
    assert str(path) in str(raised.value)
    assert named in str(raised.value)


def test_every_problem_is_reported_at_once(tmp_path):
    text = _without(_without(GOOD, "name ="), "england =").replace("la_code = 893", "la_code = 5")
    with pytest.raises(CouncilError) as raised:
        load_council(_write(tmp_path, text))
    message = str(raised.value)
    assert "[council] name is missing" in message
    assert "[council] england is missing" in message
    assert "[council] la_code must be" in message


def test_comparators_are_recognised_by_the_council_in_force(tmp_path):
    council = load_council(_write(tmp_path, GOOD))
    assert comparator_kind("England", council) == "england"
    assert comparator_kind("West Midlands", council) == "region"
    assert comparator_kind("Statistical neighbours", council) == "neighbours"
    assert comparator_kind("Shropshire", council) == "council"
    assert comparator_kind("Herefordshire", council) == "neighbour"
    assert comparator_kind("Devon", council) == "other"
    assert comparator_in_text("West Midlands", council) == "the West Midlands"
    assert comparator_in_text("Statistical neighbours", council) == "statistical neighbours"
    assert comparator_in_text("England", council) == "England"


def test_the_benchmark_kinds_of_the_views_follow_the_council_file(tmp_path, monkeypatch):
    from measures.views.measure import benchmark_kind

    monkeypatch.setenv("MEASURES_COUNCIL_FILE", str(_write(tmp_path, GOOD)))
    assert benchmark_kind("Shropshire") == "council"
    assert benchmark_kind("Herefordshire") == "neighbour"


def test_no_council_name_is_typed_in_the_code_or_templates():
    council = load_council(DEFAULT_COUNCIL_PATH)
    typed = [council.name, council.region, *council.statistical_neighbours]
    pattern = re.compile("|".join(re.escape(name) for name in typed))
    found = []
    for folder in ("measures", "dashboard"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".html", ".js") or path == Path(council_module.__file__):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    for path in sorted((ROOT / "assets").rglob("*")) + [ROOT / "app.py"]:
        if path.is_file() and path.suffix in (".py", ".js", ".css", ".html") and pattern.search(path.read_text()):
            found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_the_command_line_reports_a_bad_council_file_without_a_traceback(engine, tmp_path, monkeypatch, capsys):
    from measures.cli.main import main

    bad = _write(tmp_path, _without(GOOD, "region ="))
    monkeypatch.setenv("MEASURES_DB_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MEASURES_COUNCIL_FILE", str(bad))
    assert main(["template", "--out", str(tmp_path / "return.xlsx")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: The council file ")
    assert str(bad) in error and "[council] region is missing" in error
    assert "Traceback" not in error
