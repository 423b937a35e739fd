"""The council file: the council is set by its DfE code and its name and region follow from DfE's code list,
every missing or invalid entry is named, and no council's name is typed in the code."""

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
la_code = 893
england = "England"

[teams]
all = ["North", "South", "Care Leavers"]
assessment = ["North", "South"]

[comparators]
neighbours_average = "Statistical neighbours"
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
    assert council.region_code == 984  # authorities.csv: "984,West Midlands,,"
    assert council.england == "England"
    assert set(council.assessment_teams) <= set(council.teams)
    assert council.headline_comparators == ("Statistical neighbours", "England", "West Midlands")


def test_a_good_file_is_read_whole_and_the_name_and_region_follow_from_the_code(tmp_path):
    council = load_council(_write(tmp_path, GOOD))
    assert council.name == "Shropshire"  # authorities.csv: 893,Shropshire,West Midlands,UA
    assert council.la_code == 893
    assert (council.region, council.region_code) == ("West Midlands", 984)
    assert council.teams == ("North", "South", "Care Leavers")
    assert council.assessment_teams == ("North", "South")


@pytest.mark.parametrize(
    ("la_code", "name", "region", "in_text", "region_code"),
    [
        (202, "Camden", "Inner London", "Inner London", 987),  # published as "London (Inner)"
        (330, "Birmingham", "West Midlands", "the West Midlands", 984),
        (873, "Cambridgeshire", "East of England", "the East of England", 985),
        (370, "Barnsley", "Yorkshire and The Humber", "Yorkshire and The Humber", 982),
    ],
)
def test_another_code_gives_that_authority_and_its_region(tmp_path, la_code, name, region, in_text, region_code):
    council = load_council(_write(tmp_path, GOOD.replace("la_code = 893", f"la_code = {la_code}")))
    assert (council.name, council.region, council.region_in_text) == (name, region, in_text)
    assert council.region_code == region_code


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
        ("la_code =", "[council] la_code is missing"),
        ("england =", "[council] england is missing"),
        ("all =", "[teams] all is missing"),
        ("assessment =", "[teams] assessment is missing"),
        ("neighbours_average =", "[comparators] neighbours_average is missing"),
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
        ('england = "England"', 'england = ""', "[council] england must be non-empty text"),
        ('england = "England"', "england = 7", "[council] england must be non-empty text"),
        ("la_code = 893", 'la_code = "893"', "[council] la_code must be the DfE three-digit authority number"),
        ("la_code = 893", "la_code = 999", "[council] la_code 999 is not an authority in DfE's code list"),
        ("la_code = 893", "la_code = 984", "[council] la_code 984 is not an authority in DfE's code list"),
        ("la_code = 893", "la_code = 12", "[council] la_code must be the DfE three-digit authority number"),
        ("la_code = 893", "la_code = true", "[council] la_code must be the DfE three-digit authority number"),
        ('all = ["North", "South", "Care Leavers"]', "all = []", "[teams] all must be a non-empty list of names"),
        ('all = ["North", "South", "Care Leavers"]', 'all = ["North", 3]', "[teams] all must be a non-empty list"),
        ('all = ["North", "South", "Care Leavers"]', 'all = ["North", "South", "North"]', "names North more than once"),
        ('assessment = ["North", "South"]', 'assessment = ["East"]', "[teams] assessment names East, which"),
        ('england = "England"', 'england = "West Midlands"', "West Midlands is the council's own name or region"),
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
    text = _without(_without(GOOD, "neighbours_average ="), "england =").replace("la_code = 893", "la_code = 5")
    with pytest.raises(CouncilError) as raised:
        load_council(_write(tmp_path, text))
    message = str(raised.value)
    assert "[comparators] neighbours_average is missing" in message
    assert "[council] england is missing" in message
    assert "[council] la_code must be" in message


@pytest.mark.parametrize(
    ("table", "line", "named"),
    [
        ("[council]", 'name = "Shropshire"', "[council] name is no longer read (the name follows from la_code"),
        ("[council]", 'region = "West Midlands"', "[council] region is no longer read"),
        ("[council]", 'region_in_text = "the West Midlands"', "[council] region_in_text is no longer read"),
        ("[comparators]", 'statistical_neighbours = ["Telford and Wrekin"]', "statistical_neighbours is no longer"),
        ("[comparators]", 'neighbours_source = "a list"', "[comparators] neighbours_source is no longer read"),
    ],
)
def test_an_earlier_files_typed_name_region_or_neighbours_are_refused_not_half_read(tmp_path, table, line, named):
    with pytest.raises(CouncilError) as raised:
        load_council(_write(tmp_path, GOOD.replace(table, f"{table}\n{line}")))
    assert named in str(raised.value)


def test_comparators_are_recognised_by_the_council_in_force(tmp_path):
    council = load_council(_write(tmp_path, GOOD))
    assert comparator_kind("England", council) == "england"
    assert comparator_kind("West Midlands", council) == "region"
    assert comparator_kind("Statistical neighbours", council) == "neighbours"
    assert comparator_kind("Shropshire", council) == "council"
    assert comparator_kind("Herefordshire", council) == "neighbour"  # an authority named as DfE's code list does
    assert comparator_kind("Wales", council) == "other"
    assert comparator_kind("Devon", council, neighbours=("Herefordshire", "Wiltshire")) == "other"
    assert comparator_kind("Wiltshire", council, neighbours=("Herefordshire", "Wiltshire")) == "neighbour"
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
    typed = [council.name, council.region]
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

    bad = _write(tmp_path, _without(GOOD, "la_code ="))
    monkeypatch.setenv("MEASURES_DB_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MEASURES_COUNCIL_FILE", str(bad))
    assert main(["template", "--out", str(tmp_path / "return.xlsx")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: The council file ")
    assert str(bad) in error and "[council] la_code is missing" in error
    assert "Traceback" not in error


@pytest.mark.parametrize(
    ("la_code", "april_2021", "may_2025"),
    [
        # sn_april_2021.xlsx and sn_may_2025.xlsx, rows 884, 330 and 202: SN1 and SN10 of each edition.
        (884, ("Shropshire", "Cumbria"), ("Westmorland and Furness", "Derbyshire")),  # 893, 909; 943, 830
        (330, ("Luton", "Bradford"), ("Nottingham", "Salford")),  # 821, 380; 892, 355
        (202, ("Westminster", "Barnet"), ("Islington", "Barnet")),  # 213, 302; 206, 302
    ],
)
def test_the_neighbours_follow_the_code_and_the_edition_of_the_year(engine, tmp_path, la_code, april_2021, may_2025):
    from measures.views.national import neighbour_names
    from tests.national_data import record_groups

    record_groups(engine)
    council = load_council(_write(tmp_path, GOOD.replace("la_code = 893", f"la_code = {la_code}")))
    for year, (first, last) in (("2023-24", april_2021), ("2024-25", may_2025)):
        names = neighbour_names(engine, council, year)
        assert (len(names), names[0], names[-1]) == (10, first, last), year
        assert council.name not in names
    assert neighbour_names(engine, council) == neighbour_names(engine, council, "2025")  # the newest edition
