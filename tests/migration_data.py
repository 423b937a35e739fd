"""Databases as each release left them: for every migration, a builder that fills a database standing at that
migration the way the code of its time wrote it, and the story of figures every builder tells.

`BUILDERS` maps each revision id in `measures/storage/migrations/versions/` to its builder; a test fails when a
migration has none, so every new migration is upgraded-into with data. A builder writes through the tables as
they are at its revision (reflected from the database, so a column the schema does not yet have is an error).

How figures were stored changed without a migration of its own:
- the first release (revisions 0001 and 0002) wrote every version to `observation_revisions`, the version in
  force included ("every version");
- from the faster-import release on (still at 0002, then 0003 and later) `observation_revisions` holds only
  the versions superseded ("superseded only").
A database at 0002 can hold both shapes, figure by figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import MetaData, Table, select, update
from sqlalchemy.engine import Connection

from measures.domain.catalogue import Catalogue


@dataclass(frozen=True)
class Version:
    """One version of a figure as an officer's return gave it, and the upload (1-based, in UPLOADS) it came in."""

    upload: int
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    status: str = "ok"
    note: str = ""


UPLOADS = (
    ("return-2022-11.xlsx", "A. Officer", datetime(2022, 12, 5, 9, 30, tzinfo=UTC)),
    ("return-2022-12.xlsx", "A. Officer", datetime(2023, 1, 6, 10, 0, tzinfo=UTC)),
    ("return-2022-12-corrected.xlsx", "B. Officer", datetime(2023, 1, 20, 16, 45, tzinfo=UTC)),
    ("return-2023-01.xlsx", "A. Officer", datetime(2023, 2, 6, 11, 15, tzinfo=UTC)),
)

# (ref, period, team, worker) -> every version, oldest first.
FIGURES: dict[tuple[str, str, str, str], tuple[Version, ...]] = {
    ("3.1", "2022-11", "", ""): (
        Version(1, 236, 304, 236 / 304 * 100),
        Version(3, 240, 304, 240 / 304 * 100, note="Four late assessments added"),
    ),
    ("3.1", "2022-12", "", ""): (
        Version(2, status="tbc"),
        Version(3, 250, 310, 250 / 310 * 100),
        Version(4, 251, 310, 251 / 310 * 100, note="One more on audit"),
    ),
    ("2.2", "2022-12", "", ""): (Version(2, value=19.4),),
    ("2.2", "2022-12", "Team A", ""): (Version(2, value=21.0), Version(3, value=20.5)),
    ("2.2", "2022-12", "Team A", "Worker 1"): (Version(2, value=23.0),),
    ("2.3", "2023-01", "", ""): (Version(4, value=4.0),),
    ("1.1", "2023-01", "", ""): (Version(4, status="new"),),
}
BENCHMARKS = (
    ("3.1", "2021-22", "England", 88.0, "DfE LAIT"),
    ("3.1", "2021-22", "Statistical neighbours", 87.0, "DfE LAIT"),
)
COMMENTARY = (("3.1", "2022-12", "Figures corrected after the panel met — see the minutes."),)
USERS = (("Ada Admin", "admin"), ("Vic Viewer", "viewer"))


STORED = ("version", "numerator", "denominator", "value", "status", "note")


def stored_history(key: tuple[str, str, str, str]) -> list[dict]:
    """Every version of the figure `key` as the store keeps it, oldest first: version (from 1), numerator,
    denominator, value, status, note (a note carries forward until a later version gives another), source."""
    history, note = [], ""
    for number, v in enumerate(FIGURES[key], start=1):
        note = v.note or note
        history.append(
            {
                "version": number,
                "numerator": v.numerator,
                "denominator": v.denominator,
                "value": v.value,
                "status": v.status,
                "note": note,
                "source": UPLOADS[v.upload - 1][0],
            }
        )
    return history


def _table(connection: Connection, name: str) -> Table:
    return Table(name, MetaData(), autoload_with=connection)


def _insert(connection: Connection, name: str, row: dict) -> int | None:
    table = _table(connection, name)
    unknown = set(row) - set(table.c.keys())
    assert not unknown, f"{name} has no column {sorted(unknown)} at this revision"
    key = connection.execute(table.insert().values(row)).inserted_primary_key
    return key[0] if key else None


def _catalogue(connection: Connection, catalogue: Catalogue) -> None:
    """The areas and the measures the story uses, with the columns the first release's catalogue load wrote."""
    refs = {ref for ref, *_ in FIGURES} | {ref for ref, *_ in BENCHMARKS}
    measures = [m for m in catalogue.measures if m.ref in refs]
    for area in catalogue.areas:
        if any(m.area == area.number for m in measures):
            _insert(
                connection,
                "areas",
                {
                    "number": area.number,
                    "title": area.title,
                    "short_title": area.short_title,
                    "description": area.description,
                    "outcomes": "\n".join(area.outcomes),
                },
            )
    for m in measures:
        target = m.target
        _insert(
            connection,
            "measures",
            {
                "ref": m.ref,
                "area_number": m.area,
                "sort_area": m.sort_key[0],
                "sort_number": m.sort_key[1],
                "title": m.title,
                "short_title": m.short_title,
                "unit": m.unit,
                "polarity": m.polarity,
                "good_looks_like": m.good_looks_like,
                "counts": m.counts,
                "decimals": m.decimals,
                "target_kind": target.kind if target else None,
                "target_low": target.low if target else None,
                "target_high": target.high if target else None,
                "target_tolerance": target.tolerance if target else None,
                "target_text": target.text if target else None,
                "target_source": m.target_source,
                "objective": m.objective,
                "timescale": m.timescale,
                "best_practice": m.best_practice,
                "numerator_label": m.numerator_label,
                "denominator_label": m.denominator_label,
                "chart": m.chart,
                "source_note": m.source_note,
                "flags": ",".join(m.flags),
            },
        )


def _figures(connection: Connection, every_version: Callable[[tuple], bool]) -> list[int]:
    """Write the uploads and every figure's versions; `every_version(key)` says whether that figure was stored
    the first release's way. Returns the uploads' ids, in UPLOADS order."""
    upload_ids = [
        _insert(
            connection,
            "uploads",
            {
                "kind": "import",
                "filename": filename,
                "layout": "template",
                "user_name": user,
                "created_at": at,
                "sha256": f"{number:064x}",
            },
        )
        for number, (filename, user, at) in enumerate(UPLOADS, start=1)
    ]
    for key, versions in FIGURES.items():
        ref, period, team, worker = key
        records = [
            {
                "ref": ref,
                "period": period,
                "team": team,
                "worker": worker,
                "synthetic": False,
                "upload_id": upload_ids[v.upload - 1],
                **{k: stored[k] for k in STORED},
            }
            for v, stored in zip(versions, stored_history(key), strict=True)
        ]
        _insert(connection, "observations", records[-1])
        kept = records if every_version(key) else records[:-1]
        for record in kept:
            _insert(connection, "observation_revisions", record)
    for ref, year, comparator, value, source in BENCHMARKS:
        _insert(
            connection,
            "benchmarks",
            {
                "ref": ref,
                "year": year,
                "comparator": comparator,
                "value": value,
                "source": source,
                "upload_id": upload_ids[0],
            },
        )
    return upload_ids


def _commentary(connection: Connection, upload_ids: list[int]) -> None:
    for ref, period, text in COMMENTARY:
        _insert(
            connection,
            "commentary",
            {
                "ref": ref,
                "period": period,
                "text": text,
                "author": "B. Officer",
                "created_at": UPLOADS[2][2],
                "upload_id": upload_ids[2],
            },
        )
    _insert(
        connection,
        "staged_uploads",
        {
            "token": "a" * 64,
            "filename": "waiting.xlsx",
            "sha256": "b" * 64,
            "content": b"PK\x03\x04 not confirmed yet",
            "user_name": "A. Officer",
            "created_at": UPLOADS[3][2],
        },
    )


def _people(connection: Connection) -> None:
    at = UPLOADS[0][2]
    for name, role in USERS:
        _insert(
            connection,
            "users",
            {
                "name": name,
                "name_key": name.casefold(),
                "role": role,
                "password_hash": "scrypt:32768:8:1$not-a-real-salt$00",
                "active": True,
                "session_epoch": 1,
                "created_at": at,
                "created_by": "setup",
                "password_changed_at": at,
            },
        )
        _insert(
            connection,
            "audit_events",
            {"at": at, "actor": "setup", "action": "user.added", "subject": name, "detail": "{}"},
        )
    _insert(connection, "app_secrets", {"name": "session-key", "value": "a key made by the release at 0003"})


def build_0001(connection: Connection, catalogue: Catalogue) -> None:
    """The first release: every version of every figure also in `observation_revisions`."""
    _catalogue(connection, catalogue)
    _figures(connection, every_version=lambda key: True)


def build_0002(connection: Connection, catalogue: Catalogue) -> None:
    """0002 as two releases left it: figures from the first release stored every version; figures first stored
    after the faster-import release, superseded versions only. Commentary and a staged upload."""
    _catalogue(connection, catalogue)
    first_release = {key for key, versions in FIGURES.items() if all(v.upload <= 3 for v in versions)}
    upload_ids = _figures(connection, every_version=lambda key: key in first_release)
    _commentary(connection, upload_ids)


def build_0003(connection: Connection, catalogue: Catalogue) -> None:
    """Superseded versions only; users, the audit log and the session key."""
    _catalogue(connection, catalogue)
    upload_ids = _figures(connection, every_version=lambda key: False)
    _commentary(connection, upload_ids)
    _people(connection)


def build_0004(connection: Connection, catalogue: Catalogue) -> None:
    """As 0003; the data version's row is the migration's own."""
    build_0003(connection, catalogue)


def build_0008(connection: Connection, catalogue: Catalogue) -> None:
    """As 0004; each measure's SPC settings stored with it, one measure (3.1) with settings of its own."""
    build_0004(connection, catalogue)
    measures = _table(connection, "measures")
    for ref in connection.execute(select(measures.c.ref)).scalars().all():
        spc = catalogue.measure(ref).spc
        own = ref == "3.1"
        connection.execute(
            update(measures)
            .where(measures.c.ref == ref)
            .values(
                spc_shift_length=7 if own else spc.shift_length,
                spc_trend_length=7 if own else spc.trend_length,
                spc_minimum_points=15 if own else spc.minimum_points,
                spc_two_of_three=spc.two_of_three,
                spc_exclude_moving_range_outliers=spc.exclude_moving_range_outliers,
            )
        )


def build_0009(connection: Connection, catalogue: Catalogue) -> None:
    """As 0008; December 2022 published, then withdrawn with a reason, and November 2022 published."""
    build_0008(connection, catalogue)
    for period, state, reason, day in (
        ("2022-11", "published", "", 7),
        ("2022-12", "published", "", 8),
        ("2022-12", "withdrawn", "3.1 to be corrected", 9),
    ):
        _insert(
            connection,
            "publications",
            {
                "period": period,
                "state": state,
                "at": datetime(2023, 1, day, 9, 0, tzinfo=UTC),
                "actor": "Ada Admin",
                "reason": reason,
                "upload_mark": 3,
            },
        )


def build_0010(connection: Connection, catalogue: Catalogue) -> None:
    """As 0009; each measure's basis stored with it, and one measure (1.1) whose polarity an admin corrected."""
    build_0009(connection, catalogue)
    measures = _table(connection, "measures")
    for ref in connection.execute(select(measures.c.ref)).scalars().all():
        connection.execute(update(measures).where(measures.c.ref == ref).values(basis=catalogue.measure(ref).basis))
    connection.execute(
        update(measures)
        .where(measures.c.ref == "1.1")
        .values(
            polarity="none",
            polarity_edited_at=datetime(2023, 2, 1, 9, 30, tzinfo=UTC),
            polarity_edited_by="admin.a",
        )
    )


# National figures at 0012: (item, year, la_code, area, value, status, marker, version, upload 1-based in UPLOADS).
NATIONAL_FIGURES = (
    ("CP_conf_15days", "2024", 884, "Herefordshire", 61.0, "", "", 1, 1),
    ("CP_conf_15days", "2024", 884, "Herefordshire", 62.5, "", "", 2, 2),
    ("CP_conf_15days", "2024 (Rev)", 884, "Herefordshire", 63.0, "", "", 1, 3),
    ("CP_conf_15days", "2024", 970, "England", 78.0, "", "", 1, 1),
    ("CareLeaverAcc", "2024", 893, "Shropshire", None, "suppressed", "c", 1, 1),
)
# Neighbour groups at 0012: (edition, edition_name, la_code, neighbours closest first).
NEIGHBOUR_GROUPS = (("2025-05", "May 2025", 884, (893, 933, 935, 860, 865, 908, 916, 885, 931, 874)),)


def build_0012(connection: Connection, catalogue: Catalogue) -> None:
    """As 0010 (0011 adds an empty column); national figures, one revised and one a later release of its year, a
    suppressed one, and a neighbour group."""
    build_0010(connection, catalogue)
    uploads = _table(connection, "uploads")
    upload_ids = [row.id for row in connection.execute(select(uploads.c.id).order_by(uploads.c.id))]
    for item, year, la_code, area, value, status, marker, version, upload in NATIONAL_FIGURES:
        _insert(
            connection,
            "national_figures",
            {
                "item": item,
                "year": year,
                "la_code": la_code,
                "area": area,
                "value": value,
                "status": status,
                "marker": marker,
                "version": version,
                "upload_id": upload_ids[upload - 1],
            },
        )
    for edition, name, la_code, neighbours in NEIGHBOUR_GROUPS:
        for position, neighbour in enumerate(neighbours, start=1):
            _insert(
                connection,
                "neighbour_groups",
                {
                    "edition": edition,
                    "edition_name": name,
                    "la_code": la_code,
                    "position": position,
                    "neighbour": neighbour,
                    "band": "Close",
                    "version": 1,
                    "upload_id": upload_ids[0],
                },
            )


BUILDERS: dict[str, Callable[[Connection, Catalogue], None]] = {
    "0001": build_0001,
    "0002": build_0002,
    "0003": build_0003,
    "0004": build_0004,
    "0005": build_0004,  # widens the status columns only
    "0006": build_0004,  # sign-in delays: a new table and a column that starts empty
    "0007": build_0004,  # adds the printer's working tables only; nothing there to carry forward
    "0008": build_0008,
    "0009": build_0009,
    "0010": build_0010,
    "0011": build_0010,  # adds the measures' plain source, empty until `init` loads the catalogue
    "0012": build_0012,
    "0013": build_0012,  # adds the measures' national item and note, empty until `init` loads the catalogue
    "0014": build_0012,  # adds the improvement plan and the charts' events, changes and target history, all empty
    "0015": build_0012,  # adds users' briefing choices (empty address, not opted in) and the empty briefing send log
    "0016": build_0012,  # adds the stored page responses, working state that starts empty
    "0017": build_0012,  # covering indexes, and the stored assessments, working state that starts empty
}


def migration_revisions() -> list[str]:
    """Every revision id in the migrations folder, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from measures.storage import db

    config = Config()
    config.set_main_option("script_location", str(Path(db.__file__).resolve().parent / "migrations"))
    return [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]
