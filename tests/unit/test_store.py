"""The store: round trips, revisions that never overwrite history, one transaction per write."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from measures.storage import catalogue_records, db, reads, recording
from measures.storage.recording import UploadInfo, ValueRow

UPLOAD = UploadInfo(kind="import", filename="return-jan.xlsx", user_name="officer.a")
CORRECTION = UploadInfo(kind="import", filename="return-jan-corrected.xlsx", user_name="officer.b")


def _count(any_engine, table) -> int:
    with any_engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_schema_is_at_the_newest_migration(any_engine):
    assert db.schema_revision(any_engine) == "0017"


def test_upgrading_an_existing_database_keeps_its_data(any_engine):
    recording.record_values(
        any_engine, [ValueRow("3.1", "2023-01", numerator=236, denominator=304, value=77.63)], UPLOAD
    )
    db.upgrade_schema(any_engine)
    assert reads.service_series(any_engine)["value"].tolist() == [77.63]


def test_catalogue_round_trip(any_engine, catalogue):
    assert catalogue_records.read_catalogue(any_engine) == catalogue


def test_catalogue_sync_is_idempotent(any_engine, catalogue):
    assert catalogue_records.sync_catalogue(any_engine, catalogue) == {
        "areas": 10,
        "measures_added": 0,
        "measures_updated": 0,
    }


def test_values_round_trip_at_every_level(any_engine):
    rows = [
        ValueRow("3.1", "2023-01", numerator=236, denominator=304, value=77.63),
        ValueRow("3.1", "2023-01", team="Assessment Team 1", numerator=60, denominator=70, value=85.71),
        ValueRow("2.2", "2023-01", team="Children in Need", worker="Worker 501", value=19),
        ValueRow("2.6", "2023-01", status="tbc"),
    ]
    summary = recording.record_values(any_engine, rows, UPLOAD)
    assert summary.counts == {"values": 4, "added": 4, "revised": 0, "unchanged": 0}
    service = reads.service_series(any_engine)
    assert service[["ref", "period", "status"]].values.tolist() == [["2.6", "2023-01", "tbc"], ["3.1", "2023-01", "ok"]]
    assert service.loc[service["ref"] == "2.6", "value"].isna().all(), "TBC is never zero"
    assert reads.team_series(any_engine, "3.1")["team"].tolist() == ["Assessment Team 1"]
    assert reads.worker_values(any_engine, "2.2", "2023-01")["worker"].tolist() == ["Worker 501"]
    assert reads.available_periods(any_engine) == ["2023-01"]


def test_same_rows_again_change_nothing_and_record_no_upload(any_engine):
    rows = [ValueRow("3.1", "2023-01", numerator=236, denominator=304, value=77.63)]
    recording.record_values(any_engine, rows, UPLOAD)
    again = recording.record_values(any_engine, rows, UPLOAD)
    assert again.upload_id is None
    assert again.counts == {"values": 1, "added": 0, "revised": 0, "unchanged": 1}
    assert _count(any_engine, db.uploads) == 1
    assert _count(any_engine, db.observations) == 1
    assert _count(any_engine, db.observation_revisions) == 0  # only superseded versions go there


def test_a_changed_value_is_a_revision_and_the_old_one_stays_in_history(any_engine):
    recording.record_values(
        any_engine, [ValueRow("3.1", "2022-12", numerator=198, denominator=291, value=69.0)], UPLOAD
    )
    summary = recording.record_values(
        any_engine, [ValueRow("3.1", "2022-12", numerator=198, denominator=291, value=68.04)], CORRECTION
    )
    assert summary.counts["revised"] == 1
    history = reads.value_history(any_engine, "3.1", period="2022-12")
    assert history["version"].tolist() == [1, 2]
    assert history["value"].tolist() == [69.0, 68.04]
    assert history["recorded_by"].tolist() == ["officer.a", "officer.b"]
    assert history["source"].tolist() == ["return-jan.xlsx", "return-jan-corrected.xlsx"]
    assert history["current"].tolist() == [False, True]
    assert reads.service_series(any_engine)["value"].tolist() == [68.04]


def test_three_versions_stay_in_order(any_engine):
    for number, upload in ((198, UPLOAD), (199, CORRECTION), (200, UPLOAD)):
        recording.record_values(
            any_engine, [ValueRow("3.1", "2022-12", numerator=number, denominator=291, value=number / 2.91)], upload
        )
    history = reads.value_history(any_engine, "3.1", period="2022-12")
    assert history["numerator"].tolist() == [198, 199, 200]
    assert history["version"].tolist() == [1, 2, 3]
    assert history["current"].tolist() == [False, False, True]
    assert history["recorded_by"].tolist() == ["officer.a", "officer.b", "officer.a"]


def test_a_blank_never_deletes_a_stored_value(any_engine):
    recording.record_values(any_engine, [ValueRow("2.3", "2023-01", value=12)], UPLOAD)
    summary = recording.record_values(any_engine, [ValueRow("2.3", "2023-01")], CORRECTION)
    assert summary.counts == {"values": 0, "added": 0, "revised": 0, "unchanged": 0}
    assert reads.service_series(any_engine)["value"].tolist() == [12.0]


def test_a_blank_note_keeps_the_stored_note(any_engine):
    noted = ValueRow("2.3", "2023-01", value=12, note="Two workers on long-term leave")
    recording.record_values(any_engine, [noted], UPLOAD)
    summary = recording.record_values(any_engine, [ValueRow("2.3", "2023-01", value=13)], CORRECTION)
    assert summary.counts["revised"] == 1
    assert reads.service_series(any_engine)["note"].tolist() == ["Two workers on long-term leave"]


def test_tbc_replaced_by_a_figure_is_a_revision(any_engine):
    recording.record_values(any_engine, [ValueRow("10.2", "2023-01", status="tbc")], UPLOAD)
    recording.record_values(any_engine, [ValueRow("10.2", "2023-01", value=74.0)], CORRECTION)
    history = reads.value_history(any_engine, "10.2", period="2023-01")
    assert history["status"].tolist() == ["tbc", "ok"]


def test_a_failing_write_leaves_nothing_behind(any_engine):
    rows = [ValueRow("3.1", "2023-01", value=77.6), ValueRow("99.9", "2023-01", value=1.0)]
    with pytest.raises(IntegrityError):
        recording.record_values(any_engine, rows, UPLOAD)
    assert _count(any_engine, db.observations) == 0
    assert _count(any_engine, db.observation_revisions) == 0
    assert _count(any_engine, db.uploads) == 0


def test_preview_writes_nothing(any_engine):
    plan = recording.preview_changes(any_engine, [ValueRow("3.1", "2023-01", value=77.6)])
    assert plan.counts == {"values": 1, "added": 1, "revised": 0, "unchanged": 0}
    assert _count(any_engine, db.observations) == 0


def test_export_frame_leaves_out_worker_rows(any_engine):
    recording.record_values(
        any_engine,
        [
            ValueRow("2.2", "2023-01", value=17.2),
            ValueRow("2.2", "2023-01", team="Care Leavers", value=15.0),
            ValueRow("2.2", "2023-01", team="Care Leavers", worker="Worker 801", value=15),
        ],
        UPLOAD,
    )
    frame = reads.export_frame(any_engine)
    assert frame["team"].tolist() == ["", "Care Leavers"]


def test_benchmarks_are_written_once_and_read_back(any_engine):
    rows = [{"ref": "3.1", "year": "2021-22", "comparator": "England", "value": 88.0, "source": "pack"}]
    recording.record_values(any_engine, [], UPLOAD, benchmark_rows=rows)
    again = recording.record_values(any_engine, [], UPLOAD, benchmark_rows=rows)
    assert again.upload_id is None
    frame = reads.benchmark_frame(any_engine, ["3.1"])
    assert frame[["comparator", "value"]].values.tolist() == [["England", 88.0]]


def test_a_corrected_polarity_is_audited_and_kept_on_reload_and_a_target_edit_does_not_freeze_it(any_engine, catalogue):
    from dataclasses import replace

    from measures.domain.catalogue import Catalogue
    from measures.storage import audit
    from measures.storage.edits import EditError, TargetChange, change_polarity, change_target

    def with_polarity(ref: str, polarity: str) -> Catalogue:
        measures = tuple(replace(m, polarity=polarity) if m.ref == ref else m for m in catalogue.measures)
        return replace(catalogue, measures=measures)

    # A target edit keeps the target, not the polarity: the file's polarity still arrives.
    change_target(
        any_engine,
        "10.7",
        TargetChange(kind="at_least", low=85, tolerance=5),
        actor="admin.a",
        effective_from="2023-01",
        reason="Agreed by the board",
    )
    catalogue_records.sync_catalogue(any_engine, with_polarity("10.7", "none"))
    stored = catalogue_records.read_catalogue(any_engine).measure("10.7")
    assert (stored.polarity, stored.target.low) == ("none", 85)

    # A polarity corrected in the app, with its reason, is audited and kept when the file says otherwise.
    with pytest.raises(EditError, match="Say why"):
        change_polarity(any_engine, "10.5", "lower", "  ", actor="admin.a")
    assert change_polarity(any_engine, "10.5", "lower", "Owner: fewer is better.", actor="admin.a") == (
        "higher",
        "lower",
    )
    assert change_polarity(any_engine, "10.5", "lower", "Again.", actor="admin.a") is None  # nothing to write
    events = audit.audit_frame(any_engine, action="catalogue.polarity_changed")
    assert len(events) == 1
    assert events.iloc[0]["detail"] == {
        "polarity": {"from": "higher", "to": "lower"},
        "reason": "Owner: fewer is better.",
    }
    catalogue_records.sync_catalogue(any_engine, catalogue)
    assert catalogue_records.read_catalogue(any_engine).measure("10.5").polarity == "lower"


def test_the_default_database_is_the_file_the_readme_and_make_run_name():
    # A renamed default would make an upgraded server start on a new, empty database beside the council's own.
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    documented = re.search(r"\| `MEASURES_DB_URL` \| `([^`]+)` \|", readme)
    assert documented is not None
    assert db.DEFAULT_DB_URL == documented.group(1) == "sqlite:///data/measures.db"
