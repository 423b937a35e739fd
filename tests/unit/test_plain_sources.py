"""What a councillor reads names its sources plainly: the catalogue's working notes cite the committee papers by
file, line and [label] ("from [HSCP] line ~1773"), and those notes are for officers only. Every field a reader
sees, and every published benchmark's source, is free of them; every measure names its sources."""

from __future__ import annotations

import re

import pytest

from measures.cli.demo import read_benchmarks
from measures.domain.catalogue import Measure, load_catalogue

# An officer's citation: a line or paragraph number, a [label] for a source document, the source folder, or a file.
INTERNAL_NOTE = re.compile(
    r"line\s*~|\blines?\s+~?\d|\bpara\s+\d|\[(MtM|Plan|HSCP|CP|Scrutiny)\]|\bseeds?\b"
    r"|\b[\w-]+\.(txt|csv|toml|py|xlsx|md)\b",
    re.IGNORECASE,
)
CATALOGUE = load_catalogue()


def reader_texts(measure: Measure) -> dict[str, str]:
    """Every catalogue text of `measure` that a viewer reads on the pages and in the pack."""
    return {
        "title": measure.title,
        "short_title": measure.short_title,
        "good_looks_like": measure.good_looks_like,
        "target": measure.target.describe() if measure.target else "",
        "target_source": measure.target_source,
        "objective": measure.objective,
        "timescale": measure.timescale,
        "best_practice": measure.best_practice,
        "numerator_label": measure.numerator_label,
        "denominator_label": measure.denominator_label,
        "source": measure.source,
        "national_note": measure.national_note,
    }


@pytest.mark.parametrize(
    "note",
    [
        "from [HSCP] line ~1773",
        "[CP] para 26 gives",
        "committee-pack-2022-12-13.txt line 1773",
        "so it is not in benchmarks.csv",
        "the seeds give no figure",
    ],
)
def test_the_pattern_recognises_an_officers_citation(note):
    assert INTERNAL_NOTE.search(note)


@pytest.mark.parametrize("plain", ["HSCP Annual Report 2021-22", "Children's Services Improvement Plan, area 3"])
def test_the_pattern_leaves_a_plainly_named_source_alone(plain):
    assert not INTERNAL_NOTE.search(plain)


@pytest.mark.parametrize("measure", CATALOGUE.measures, ids=lambda m: m.ref)
def test_no_text_a_reader_sees_carries_an_internal_note(measure):
    found = {
        field: match.group(0) for field, text in reader_texts(measure).items() if (match := INTERNAL_NOTE.search(text))
    }
    assert found == {}


@pytest.mark.parametrize("measure", CATALOGUE.measures, ids=lambda m: m.ref)
def test_every_measure_names_its_sources_plainly(measure):
    assert measure.source.startswith("Measures that Matter table (Children and Young People Scrutiny Committee")
    assert f"Children's Services Improvement Plan, area {measure.area}" in measure.source


def test_the_comparators_source_is_named_where_there_are_comparators():
    assert "HSCP Annual Report 2021-22" in CATALOGUE.measure("3.1").source
    assert "HSCP Annual Report 2021-22" in CATALOGUE.measure("3.1").best_practice


def test_the_officers_notes_keep_their_citations():
    """Nothing is lost: the line a figure was read from stays in the officers' note."""
    assert "[HSCP] line ~1773" in CATALOGUE.measure("3.1").source_note


def test_published_benchmarks_name_their_source_plainly():
    sources = {row["source"] for row in read_benchmarks()}
    assert sources
    assert all(source.startswith("HSCP Annual Report 2021-22") for source in sources)
    assert not [source for source in sources if INTERNAL_NOTE.search(source)]
