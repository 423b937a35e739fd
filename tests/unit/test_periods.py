from __future__ import annotations

import pytest

from measures.domain.periods import (
    financial_year,
    is_period,
    long_label,
    parse_period,
    period_range,
    shift_period,
    short_label,
)


@pytest.mark.parametrize(
    ("period", "months", "expected"),
    [("2023-01", -1, "2022-12"), ("2022-12", 1, "2023-01"), ("2021-04", 21, "2023-01"), ("2023-01", 0, "2023-01")],
)
def test_shift_period(period, months, expected):
    assert shift_period(period, months) == expected


@pytest.mark.parametrize("text", ["2023-1", "2023-13", "23-01", "Jan-23", "", None, "2023-00"])
def test_not_periods(text):
    assert not is_period(text)


def test_labels_and_ranges():
    assert short_label("2022-12") == "Dec-22"
    assert long_label("2023-01") == "January 2023"
    assert period_range("2022-11", "2023-01") == ["2022-11", "2022-12", "2023-01"]
    assert period_range("2023-02", "2023-01") == []
    assert financial_year("2023-01") == "2022-23"
    assert financial_year("2023-04") == "2023-24"


@pytest.mark.parametrize("text", ["0000-01", "0999-12", "9000-01"])
def test_a_month_a_page_could_not_step_back_or_on_from_is_no_month(text):
    # "0000-01" was once taken as a month, and the month before it ("-001-12") then broke the page that asked.
    assert not is_period(text)
    assert parse_period(text)  # its form is a month's: a return's check can still say it is too early or late


def test_a_page_can_step_back_two_years_from_the_first_month_it_takes():
    assert is_period("1000-01") and is_period("1899-12")
    assert parse_period(shift_period("1000-01", -24)) == (998, 1)
