"""Every migration is upgraded-into with data: a database standing at each migration, filled the way the code of
its time wrote it (`tests/migration_data.py`), upgrades to the newest schema on SQLite and PostgreSQL, keeps
every figure and its history exactly, and every figure can then be corrected. The same for a backup made at each
migration, restored over a newer database.

A new migration needs its builder in `migration_data.BUILDERS`; the first test fails until it has one.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from measures.storage import backup as backups
from measures.storage import catalogue_records, db, reads, recording
from tests.migration_data import BENCHMARKS, BUILDERS, COMMENTARY, FIGURES, migration_revisions, stored_history
from tests.returns.builders import template_row, template_workbook

REVISIONS = migration_revisions()
CORRECTION_FILE = "return-corrections.xlsx"


def test_every_migration_has_a_data_builder():
    assert REVISIONS, "no migrations found"
    missing = [revision for revision in REVISIONS if revision not in BUILDERS]
    assert not missing, f"add a builder to tests/migration_data.py for migration(s) {missing}"
    assert set(BUILDERS) == set(REVISIONS), "a builder names a migration that does not exist"


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_engine(request, tmp_path):
    """A database with no schema at all, on SQLite and on PostgreSQL in turn."""
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'blank.db'}")
    else:
        engine = db.make_engine(request.getfixturevalue("postgres_url"))
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    yield engine
    engine.dispose()


def _build_at(engine, revision: str, catalogue) -> None:
    db.upgrade_schema(engine, revision)
    assert db.schema_revision(engine) == revision
    with engine.begin() as connection:
        BUILDERS[revision](connection, catalogue)


def _plain(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def _assert_every_figure(engine, corrected: bool = False) -> None:
    """Every figure's history is the story's (and the correction, when made), each version once, the last in
    force; nothing else is stored."""
    columns = ["version", "numerator", "denominator", "value", "status", "note", "source", "current"]
    for key in FIGURES:
        ref, period, team, worker = key
        expected = [dict(stored) for stored in stored_history(key)]
        if corrected:
            expected.append(
                {
                    **_correction(key),
                    "version": len(expected) + 1,
                    "note": expected[-1]["note"],
                    "source": CORRECTION_FILE,
                }
            )
        for number, version in enumerate(expected, start=1):
            version["current"] = number == len(expected)
        history = reads.value_history(engine, ref, period=period, team=team, worker=worker)
        got = [{name: _plain(record[name]) for name in columns} for record in history.to_dict("records")]
        assert got == [{name: version[name] for name in columns} for version in expected], key
    versions = sum(len(versions) for versions in FIGURES.values()) + (len(FIGURES) if corrected else 0)
    with engine.connect() as connection:
        current = connection.execute(select(func.count()).select_from(db.observations)).scalar_one()
        superseded = connection.execute(select(func.count()).select_from(db.observation_revisions)).scalar_one()
    assert (current, superseded) == (len(FIGURES), versions - len(FIGURES))


def _correction(key) -> dict:
    last = stored_history(key)[-1]
    if last["numerator"] is not None:
        numerator, denominator = last["numerator"] + 1, last["denominator"]
        return {
            "numerator": numerator,
            "denominator": denominator,
            "value": numerator / denominator * 100,
            "status": "ok",
        }
    return {"numerator": None, "denominator": None, "value": (last["value"] or 0.0) + 1.5, "status": "ok"}


def _correct_every_figure(engine) -> None:
    rows = [recording.ValueRow(*key, **_correction(key)) for key in FIGURES]
    summary = recording.record_values(
        engine, rows, recording.UploadInfo(kind="import", filename=CORRECTION_FILE, user_name="C. Officer")
    )
    assert summary.counts == {"values": len(FIGURES), "added": 0, "revised": len(FIGURES), "unchanged": 0}


def _assert_the_rest_kept(engine, revision: str) -> None:
    benchmarks = reads.benchmark_frame(engine)
    assert sorted(zip(benchmarks["ref"], benchmarks["comparator"], benchmarks["value"], strict=True)) == sorted(
        (ref, comparator, value) for ref, _, comparator, value, _ in BENCHMARKS
    )
    if revision >= "0002":
        for ref, period, text in COMMENTARY:
            frame = reads.commentary_frame(engine, ref)
            assert frame[frame["period"] == period]["text"].tolist() == [text]


def test_the_migrated_schema_is_the_one_the_code_defines(blank_engine):
    """`measures/storage/db.py` and the migrations describe the same tables, columns, types, keys and indexes."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db.upgrade_schema(blank_engine)
    with blank_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_database_at_each_migration_upgrades_and_every_figure_can_be_corrected(blank_engine, catalogue, revision):
    _build_at(blank_engine, revision, catalogue)
    db.upgrade_schema(blank_engine)  # what `init` does, then it loads the catalogue
    catalogue_records.sync_catalogue(blank_engine, catalogue)
    assert db.schema_revision(blank_engine) == REVISIONS[-1]
    _assert_every_figure(blank_engine)
    _assert_the_rest_kept(blank_engine, revision)

    _correct_every_figure(blank_engine)
    _assert_every_figure(blank_engine, corrected=True)


def test_measures_stored_before_0008_get_their_spc_settings_when_init_loads_the_catalogue(blank_engine, catalogue):
    """A database at 0007 has no SPC settings: after the upgrade its measures read the built-in defaults, and
    loading the catalogue (what `init` does) stores the file's."""
    from measures.domain.spc_settings import DEFAULT_OPTIONS

    _build_at(blank_engine, "0007", catalogue)
    db.upgrade_schema(blank_engine)
    assert {m.spc for m in catalogue_records.read_catalogue(blank_engine).measures} == {DEFAULT_OPTIONS}
    catalogue_records.sync_catalogue(blank_engine, catalogue)
    stored = catalogue_records.read_catalogue(blank_engine)
    assert stored.measures and all(m.spc == catalogue.measure(m.ref).spc for m in stored.measures)


def test_the_spc_settings_a_database_at_0008_holds_are_read_back(blank_engine, catalogue):
    from measures.domain.spc_settings import SpcOptions

    _build_at(blank_engine, "0008", catalogue)
    db.upgrade_schema(blank_engine)  # read with the newest schema's tables, as the app reads it
    stored = catalogue_records.read_catalogue(blank_engine)
    assert stored.measure("3.1").spc == SpcOptions(shift_length=7, trend_length=7, minimum_points=15)
    assert stored.measure("2.2").spc == catalogue.measure("2.2").spc
    assert all(measure.basis == "month" for measure in stored.measures)  # none stored yet: monthly until `init`


def test_the_basis_and_a_corrected_polarity_at_0010_are_read_back_and_kept_by_init(blank_engine, catalogue):
    _build_at(blank_engine, "0010", catalogue)
    db.upgrade_schema(blank_engine)
    stored = catalogue_records.read_catalogue(blank_engine)
    assert stored.measures and all(m.basis == catalogue.measure(m.ref).basis for m in stored.measures)
    assert stored.measure("1.1").polarity == "none"  # corrected by an admin in the app; the file says "higher"
    catalogue_records.sync_catalogue(blank_engine, catalogue)
    reloaded = catalogue_records.read_catalogue(blank_engine)
    assert reloaded.measure("1.1").polarity == "none"
    assert (reloaded.measure("6.1").basis, reloaded.measure("10.2").basis) == ("rolling-12", "year-to-date")


def test_national_figures_and_neighbour_groups_at_0012_are_read_back_newest_first(blank_engine, catalogue):
    from measures.storage import national

    _build_at(blank_engine, "0012", catalogue)
    db.upgrade_schema(blank_engine)
    frame = national.national_figures(blank_engine, ["CP_conf_15days"])
    assert frame[["year", "la_code", "value"]].values.tolist() == [
        ["2024", 884, 62.5],  # the second version of the first release
        ["2024", 970, 78.0],
        ["2024 (Rev)", 884, 63.0],  # the later release of the year, beside it
    ]
    suppressed = national.national_figures(blank_engine, ["CareLeaverAcc"]).iloc[0]
    assert suppressed["status"] == "suppressed" and suppressed["value"] != suppressed["value"]  # NaN, not 0
    assert national.neighbour_editions(blank_engine) == [("2025-05", "May 2025")]
    assert national.neighbour_group(blank_engine, "2025-05", 884)[:3] == (893, 933, 935)


def test_the_national_item_and_note_are_empty_after_0013_until_init_loads_them(blank_engine, catalogue):
    _build_at(blank_engine, "0012", catalogue)
    db.upgrade_schema(blank_engine)
    stored = catalogue_records.read_catalogue(blank_engine)
    assert stored.measures and {(m.national_item, m.national_note) for m in stored.measures} == {("", "")}
    catalogue_records.sync_catalogue(blank_engine, catalogue)
    reloaded = catalogue_records.read_catalogue(blank_engine)
    assert [(m.ref, m.national_item, m.national_note) for m in reloaded.measures] == [
        (m.ref, m.national_item, m.national_note) for m in catalogue.measures
    ]
    assert reloaded.measure("3.3").national_item == "CP_conf_15days"


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_backup_made_at_each_migration_restores_over_a_newer_database(blank_engine, catalogue, revision, tmp_path):
    source = db.make_engine(f"sqlite:///{tmp_path / f'at-{revision}.db'}")
    _build_at(source, revision, catalogue)
    path = tmp_path / f"at-{revision}.backup"
    backups.backup(source, path)
    source.dispose()

    db.upgrade_schema(blank_engine)
    catalogue_records.sync_catalogue(blank_engine, catalogue)
    recording.record_values(
        blank_engine,
        [recording.ValueRow("3.1", "2024-03", numerator=1, denominator=2, value=50.0)],
        recording.UploadInfo(kind="import", filename="to-be-replaced.xlsx"),
    )
    backups.restore(blank_engine, path, replace=True)
    _assert_every_figure(blank_engine)
    _assert_the_rest_kept(blank_engine, revision)
    _assert_published_as_the_upgrade_would(blank_engine, revision)

    _correct_every_figure(blank_engine)
    _assert_every_figure(blank_engine, corrected=True)


def test_a_version_in_force_numbered_like_an_earlier_one_is_renumbered_and_nothing_is_lost(blank_engine, catalogue):
    """A revision with the in-force version's number but other content (no release wrote one, but a hand edit
    can): both are kept, the one in force numbered above it."""
    _build_at(blank_engine, "0003", catalogue)
    key = ("2.3", "2023-01", "", "")
    with blank_engine.begin() as connection:
        upload_id = connection.execute(select(func.min(db.uploads.c.id))).scalar_one()
        connection.execute(
            db.observation_revisions.insert().values(
                ref=key[0],
                period=key[1],
                team=key[2],
                worker=key[3],
                value=3.0,
                status="ok",
                note="typed by hand",
                synthetic=False,
                version=1,
                upload_id=upload_id,
            )
        )
    db.upgrade_schema(blank_engine)

    def versions():
        history = reads.value_history(blank_engine, key[0], period=key[1])
        return list(zip(history["version"], history["value"], history["current"], strict=True))

    assert versions() == [(1, 3.0, False), (2, 4.0, True)]
    recording.record_values(blank_engine, [recording.ValueRow(*key, value=5.0)], recording.UploadInfo(kind="import"))
    assert versions() == [(1, 3.0, False), (2, 4.0, False), (3, 5.0, True)]


def test_an_operator_upgrades_a_first_release_database_and_corrects_an_old_figure(blank_engine, catalogue, tmp_path):
    """The issue's sequence with the command line: `init` on a database the first release made, `import` a
    corrected return for a month stored before the upgrade, `history` lists each version once."""
    _build_at(blank_engine, REVISIONS[0], catalogue)
    env = {**os.environ, "MEASURES_DB_URL": blank_engine.url.render_as_string(hide_password=False)}

    def measures(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "measures", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    assert f"(schema {REVISIONS[-1]})" in measures("init").stdout
    corrected = template_workbook(
        tmp_path / "corrected.xlsx", [template_row("3.1", "2022-12", numerator=252, denominator=310)]
    )
    # The upgrade publishes the months already held, so correcting December 2022 says why.
    report = json.loads(
        measures("import", str(corrected), "--json", "--user", "C. Officer", "--reason", "One more on audit").stdout
    )
    assert report["status"] == "imported" and report["counts"]["revised"] == 1, report
    history = json.loads(measures("history", "3.1", "--period", "2022-12", "--json").stdout)
    assert [(r["version"], r["numerator"], r["current"]) for r in history] == [
        (1, None, False),
        (2, 250, False),
        (3, 251, False),
        (4, 252, True),
    ]


def _assert_published_as_the_upgrade_would(engine, revision: str) -> None:
    """A backup made before sign-off existed holds no publications: its months were on show, so the restore
    publishes every month with whole-service figures, as upgrading to 0009 does, and audits it. A later backup's
    sign-off history is restored as it was."""
    from measures.storage import audit, publications

    if revision >= "0009":
        assert publications.published_months(engine) == {"2022-11"}
        return
    held = {period for (_, period, team, worker) in FIGURES if not team and not worker}
    assert publications.published_months(engine) == held
    history = publications.history(engine)
    assert {(state.actor, state.reason) for state in history} == {("system", publications.UPGRADE_REASON)}
    assert {state.upload_mark for state in history} == {int(reads.uploads_frame(engine)["id"].max())}
    events = audit.audit_frame(engine)
    assert sorted(events[events["action"] == "month.published"]["subject"]) == sorted(held)


def test_upgrading_to_0009_publishes_every_month_the_database_already_holds(blank_engine, catalogue):
    """A council upgrading keeps showing its board what it showed: the months held are published, by the system,
    saying why; a month imported afterwards is a draft."""
    from measures.storage import publications

    _build_at(blank_engine, "0008", catalogue)
    db.upgrade_schema(blank_engine)
    held = {period for (_, period, team, worker) in FIGURES if not team and not worker}
    assert publications.published_months(blank_engine) == held
    assert {state.actor for state in publications.history(blank_engine)} == {"system"}
    recording.record_values(
        blank_engine,
        [recording.ValueRow("3.1", "2023-02", numerator=1, denominator=2, value=50.0)],
        recording.UploadInfo(kind="import", filename="return-2023-02.xlsx"),
    )
    assert publications.month_state(blank_engine, "2023-02").state == "draft"


def test_the_sign_off_history_a_database_at_0009_holds_is_kept(blank_engine, catalogue):
    from measures.storage import publications

    _build_at(blank_engine, "0009", catalogue)
    db.upgrade_schema(blank_engine)
    assert [(s.period, s.state, s.reason) for s in publications.history(blank_engine)] == [
        ("2022-11", "published", ""),
        ("2022-12", "published", ""),
        ("2022-12", "withdrawn", "3.1 to be corrected"),
    ]
    assert publications.published_months(blank_engine) == {"2022-11"}
