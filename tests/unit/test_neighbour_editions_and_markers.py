"""The names of neighbour group editions and the meaning of DfE's markers."""

from __future__ import annotations

import pytest

from measures.domain.national_markers import marker_status
from measures.domain.neighbour_editions import NeighbourEdition, edition_from_file_name, parse_edition


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("May 2025", NeighbourEdition("2025-05", "May 2025")),
        ("  april   2021 ", NeighbourEdition("2021-04", "April 2021")),
        ("Sept 2024", NeighbourEdition("2024-09", "September 2024")),
        ("2025-05", NeighbourEdition("2025-05", "May 2025")),
        ("2025", None),
        ("2025-13", None),
        ("Maybe 2025", None),
        ("", None),
    ],
)
def test_an_edition_is_a_month_and_year(text, expected):
    assert parse_edition(text) == expected


@pytest.mark.parametrize(
    ("file_name", "key"),
    [
        ("sn_may_2025.xlsx", "2025-05"),
        ("SN April 2021.xlsx", "2021-04"),
        ("C:\\Downloads\\Statistical-neighbours-Dec-2023.xlsx", "2023-12"),
        ("sn.xlsx", None),
        ("sn_2025.xlsx", None),
        ("sn_april_2021_to_may_2025.xlsx", None),  # two editions named: neither is taken
    ],
)
def test_the_edition_from_a_file_name(file_name, key):
    edition = edition_from_file_name(file_name)
    assert (edition.key if edition else None) == key


def test_markers_are_statuses_and_anything_else_is_not_a_marker():
    assert [marker_status(m) for m in ("c", "C", "x", "z", ".", "-", "", "  ")] == [
        "suppressed",
        "suppressed",
        "not published",
        "not applicable",
        "not available",
        "not available",
        "not available",
        "not available",
    ]
    assert marker_status("0") is None and marker_status("n/a") is None and marker_status("low") is None
