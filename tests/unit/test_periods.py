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


@pytest.mark.parametrize("text", ["0000-01", "0001-06", "1899-12", "3000-01"])
def test_a_month_outside_the_years_the_dashboard_holds_is_no_month(text):
    # "0000-01" was once read as a month, and the month before it ("-001-12") then broke the page that asked.
    assert not is_period(text)
    with pytest.raises(ValueError, match="years 1900 to 2999"):
        parse_period(text)
    assert shift_period("1900-01", -1) == "1899-12"  # stepping out is arithmetic; reading it back is refused
