"""The neighbour group edition a year's figures are compared with: the newest published in or before the year the
figures end in, the oldest for earlier years."""

from __future__ import annotations

import pytest

from measures.domain.neighbour_editions import edition_for_end_year, edition_for_year, edition_year

EDITIONS = [("2021-04", "April 2021"), ("2025-05", "May 2025")]


@pytest.mark.parametrize(
    ("year", "edition"),
    [
        ("2016", "April 2021"),  # before every edition: the oldest
        ("2020-21", "April 2021"),
        ("2023-24", "April 2021"),  # ends 2024
        ("2024 (Rev)", "April 2021"),
        ("2024/25", "May 2025"),  # ends 2025
        ("2025", "May 2025"),
        ("2025 (prov)", "May 2025"),
        ("2026", "May 2025"),
    ],
)
def test_a_year_is_compared_with_the_newest_edition_not_after_it(year, edition):
    assert edition_for_year(year, EDITIONS) == (dict((n, k) for k, n in EDITIONS)[edition], edition)
    assert edition_for_year(year, list(reversed(EDITIONS)))[1] == edition  # the order given does not matter


def test_no_editions_or_a_year_in_no_known_form_give_none():
    assert edition_for_year("2024", []) is None
    assert edition_for_year("last year", EDITIONS) is None
    assert edition_for_end_year(2030, [("undated", "Someday")]) is None
    assert edition_year("2021-04") == 2021 and edition_year("May") is None
