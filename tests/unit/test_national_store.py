"""National figures and neighbour groups in the store: added, revised as new versions beside the earlier, never
overwritten, idempotent, audited, each write one transaction; on SQLite and PostgreSQL."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import func, select

from measures.storage import audit, db, national, reads
from measures.storage.national import NationalFigure

SOURCE = "lait_long.csv"


def _figure(year: str = "2024", la_code: int = 884, value: float | None = 61.0, **kw) -> NationalFigure:
    area = {884: "Herefordshire", 970: "England", 893: "Shropshire"}[la_code]
    return NationalFigure(kw.pop("item", "CP_conf_15days"), year, la_code, area, value, **kw)


def _count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def _data_version(engine) -> str:
    return reads.data_version(engine)


def test_figures_are_added_then_left_alone_when_imported_again(any_engine):
    rows = [_figure(), _figure(la_code=970, value=78.0), _figure(la_code=893, value=None, status="suppressed")]
    assert national.record_national_figures(any_engine, rows, source=SOURCE, user="admin.a") == {
        "added": 3,
        "revised": 0,
        "unchanged": 0,
    }
    version = _data_version(any_engine)
    uploads = _count(any_engine, db.uploads)
    assert national.record_national_figures(any_engine, rows, source=SOURCE, user="admin.a") == {
        "added": 0,
        "revised": 0,
        "unchanged": 3,
    }
    assert _count(any_engine, db.national_figures) == 3
    assert _count(any_engine, db.uploads) == uploads  # nothing written at all
    assert _data_version(any_engine) == version


def test_a_changed_value_is_a_new_version_and_the_earlier_is_kept(any_engine):
    national.record_national_figures(any_engine, [_figure(value=61.0)], source=SOURCE, user="admin.a")
    before = _data_version(any_engine)
    counts = national.record_national_figures(any_engine, [_figure(value=62.5)], source="rev.csv", user="admin.b")
    assert counts == {"added": 0, "revised": 1, "unchanged": 0}
    assert _data_version(any_engine) != before
    with any_engine.connect() as connection:
        f = db.national_figures.c
        stored = connection.execute(select(f.version, f.value).order_by(f.version)).all()
    assert [tuple(row) for row in stored] == [(1, 61.0), (2, 62.5)]
    assert national.national_figures(any_engine)["value"].tolist() == [62.5]


def test_a_number_that_becomes_a_marker_is_a_revision(any_engine):
    national.record_national_figures(any_engine, [_figure(value=61.0)], source=SOURCE, user="admin.a")
    counts = national.record_national_figures(
        any_engine, [_figure(value=None, status="suppressed", marker="c")], source=SOURCE, user="admin.a"
    )
    assert counts["revised"] == 1
    row = national.national_figures(any_engine).iloc[0]
    assert row["status"] == "suppressed" and math.isnan(row["value"])


def test_a_later_release_of_a_year_is_kept_beside_the_earlier(any_engine):
    national.record_national_figures(any_engine, [_figure("2024", value=61.0)], source=SOURCE, user="admin.a")
    counts = national.record_national_figures(
        any_engine, [_figure("2024", value=61.0), _figure("2024 (Rev)", value=60.0)], source=SOURCE, user="admin.a"
    )
    assert counts == {"added": 1, "revised": 0, "unchanged": 1}
    frame = national.national_figures(any_engine)
    assert frame[["year", "value"]].values.tolist() == [["2024", 61.0], ["2024 (Rev)", 60.0]]


def test_figures_read_back_with_the_agreed_columns_and_markers_never_zero(any_engine):
    national.record_national_figures(
        any_engine,
        [
            _figure(value=88.60000000000001),
            _figure(la_code=893, value=None, status="not available", marker="-"),
            _figure(item="CareLeaverAcc", value=90.0),
        ],
        source=SOURCE,
        user="admin.a",
    )
    frame = national.national_figures(any_engine, ["CP_conf_15days"])
    assert list(frame.columns) == ["item", "year", "la_code", "area", "value", "status"]
    assert frame["la_code"].tolist() == [884, 893]
    assert frame["value"].iloc[0] == 88.60000000000001  # stored as read, never rounded
    assert frame["status"].tolist() == ["", "not available"] and math.isnan(frame["value"].iloc[1])
    assert len(national.national_figures(any_engine)) == 3
    assert national.national_figures(any_engine, []).empty


def test_each_write_is_audited_with_its_counts(any_engine):
    national.record_national_figures(any_engine, [_figure()], source=SOURCE, user="admin.a")
    national.record_neighbour_groups(any_engine, "May 2025", {884: [893, 933]}, source="sn.xlsx", user="admin.a")
    national_event = audit.audit_frame(any_engine, action="national.imported").iloc[0]
    assert national_event["actor"] == "admin.a" and national_event["subject"] == SOURCE
    assert national_event["detail"]["added"] == 1 and national_event["detail"]["items"] == ["CP_conf_15days"]
    group_event = audit.audit_frame(any_engine, action="neighbours.imported").iloc[0]
    assert group_event["detail"]["edition"] == "2025-05" and group_event["detail"]["added"] == 1


def test_bad_rows_are_refused_before_anything_is_written(any_engine):
    for rows in (
        [_figure(value=None)],  # neither a number nor a status
        [_figure(value=1.0, status="suppressed")],  # both
        [_figure(status="zero")],
        [_figure(), _figure()],  # the same figure twice
    ):
        with pytest.raises(ValueError):
            national.record_national_figures(any_engine, rows, source=SOURCE, user="admin.a")
    assert _count(any_engine, db.national_figures) == 0
    assert _count(any_engine, db.uploads) == 0


def test_a_failed_write_leaves_nothing(any_engine, monkeypatch):
    def broken(connection):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(national.versioning, "advance", broken)
    with pytest.raises(RuntimeError):
        national.record_national_figures(any_engine, [_figure()], source=SOURCE, user="admin.a")
    assert _count(any_engine, db.national_figures) == 0 and _count(any_engine, db.uploads) == 0


def test_preview_counts_without_writing(any_engine):
    national.record_national_figures(any_engine, [_figure(value=61.0)], source=SOURCE, user="admin.a")
    rows = [_figure(value=62.0), _figure(la_code=970, value=78.0)]
    assert national.preview_national_figures(any_engine, rows) == {"added": 1, "revised": 1, "unchanged": 0}
    assert national.preview_neighbour_groups(any_engine, "May 2025", {884: [893]}) == {
        "added": 1,
        "revised": 0,
        "unchanged": 0,
    }
    assert _count(any_engine, db.national_figures) == 1 and _count(any_engine, db.neighbour_groups) == 0


GROUP_2021 = [(893, "Very Close"), (878, "Close"), 908, 909, 865, 935, 933, 926, 916, 940]
GROUP_2025 = [893, 933, 935, 860, 865, 908, 916, 885, 931, 874]


def test_neighbour_groups_by_edition_oldest_first_and_closest_first(any_engine):
    national.record_neighbour_groups(any_engine, "May 2025", {884: GROUP_2025}, source="sn_may.xlsx", user="a")
    counts = national.record_neighbour_groups(
        any_engine, "2021-04", {884: GROUP_2021, 893: GROUP_2025}, source="sn_april.xlsx", user="a"
    )
    assert counts == {"added": 2, "revised": 0, "unchanged": 0}
    assert national.neighbour_editions(any_engine) == [("2021-04", "April 2021"), ("2025-05", "May 2025")]
    assert national.neighbour_group(any_engine, "2021-04", 884) == (893, 878, 908, 909, 865, 935, 933, 926, 916, 940)
    assert national.neighbour_places(any_engine, "2021-04", 884)[:2] == ((893, "Very Close"), (878, "Close"))
    assert national.neighbour_group(any_engine, "2025-05", 884) == tuple(GROUP_2025)
    assert national.neighbour_group(any_engine, "2025-05", 893) == ()


def test_a_changed_group_is_a_new_version_and_the_same_group_changes_nothing(any_engine):
    national.record_neighbour_groups(any_engine, "May 2025", {884: GROUP_2025}, source="a.xlsx", user="a")
    assert national.record_neighbour_groups(any_engine, "May 2025", {884: GROUP_2025}, source="a.xlsx", user="a") == {
        "added": 0,
        "revised": 0,
        "unchanged": 1,
    }
    changed = list(reversed(GROUP_2025))
    counts = national.record_neighbour_groups(any_engine, "May 2025", {884: changed}, source="b.xlsx", user="a")
    assert counts == {"added": 0, "revised": 1, "unchanged": 0}
    assert national.neighbour_group(any_engine, "2025-05", 884) == tuple(changed)
    assert _count(any_engine, db.neighbour_groups) == 20  # the first version kept


def test_a_group_edition_must_name_a_month_and_year(any_engine):
    with pytest.raises(ValueError, match="names no edition"):
        national.record_neighbour_groups(any_engine, "2025", {884: GROUP_2025}, source="a.xlsx", user="a")
    with pytest.raises(ValueError):
        national.record_neighbour_groups(any_engine, "May 2025", {884: GROUP_2025 + [1]}, source="a.xlsx", user="a")
    assert _count(any_engine, db.neighbour_groups) == 0
