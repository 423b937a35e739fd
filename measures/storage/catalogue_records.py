"""The catalogue in the database: writing the file's areas and measures in, and reading them back with any
targets an admin changed in the app."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, insert, select, update

from measures.domain.catalogue import Area, Catalogue, Measure, Target
from measures.domain.spc_settings import DEFAULT_OPTIONS, SpcOptions
from measures.storage import audit, db, versioning
from measures.storage.chart_changes import measure_changes

# ---------------------------------------------------------------------------------------------
# Catalogue


# The fields an admin may change in the app with the target form; once changed there, `sync_catalogue` keeps them.
EDITABLE_MEASURE_FIELDS = (
    "target_kind",
    "target_low",
    "target_high",
    "target_tolerance",
    "target_text",
    "objective",
    "timescale",
)
# The polarity an admin corrected in the app (`edits.change_polarity`), kept apart from the target fields: it is
# kept by `sync_catalogue` only once corrected (`polarity_edited_at` set), so a target edit never freezes it.
POLARITY_FIELD = "polarity"
# The catalogue's flags that say where its polarity came from and ask for a check ("Check: ... taken from the
# target"): true of the file's polarity only, so they are dropped once an admin has corrected the polarity.
POLARITY_SOURCE_FLAGS = frozenset(
    {"polarity-from-target", "polarity-from-plan", "polarity-doubtful", "polarity-not-stated"}
)


def sync_catalogue(engine: Engine, catalogue: Catalogue, actor: str = audit.SYSTEM_ACTOR) -> dict[str, int]:
    """Write the catalogue's areas and measures into the database, adding new ones and updating changed ones.

    A measure whose targets an admin has changed in the app keeps those fields (EDITABLE_MEASURE_FIELDS), and a
    measure whose polarity an admin has corrected in the app keeps that polarity; the file updates the rest.
    Measures no longer in the file are kept (their values are history). When anything changes it is audited.
    Returns counts {"areas", "measures_added", "measures_updated"}. Raises sqlalchemy errors on a database failure.
    """
    added: list[str] = []
    updated: list[str] = []
    areas_changed = 0
    with db.write_transaction(engine) as connection:
        stored_areas = {row.number: row._asdict() for row in connection.execute(select(db.areas))}
        for area in catalogue.areas:
            record = {
                "title": area.title,
                "short_title": area.short_title,
                "description": area.description,
                "outcomes": "\n".join(area.outcomes),
            }
            if area.number not in stored_areas:
                connection.execute(insert(db.areas).values(number=area.number, **record))
                areas_changed += 1
            elif any(stored_areas[area.number][k] != v for k, v in record.items()):
                connection.execute(update(db.areas).where(db.areas.c.number == area.number).values(**record))
                areas_changed += 1
        stored = {row.ref: row._asdict() for row in connection.execute(select(db.measures))}
        for measure in catalogue.measures:
            record = _measure_record(measure)
            if measure.ref not in stored:
                connection.execute(insert(db.measures).values(**record))
                added.append(measure.ref)
                continue
            if stored[measure.ref]["edited_at"] is not None:
                record = {k: v for k, v in record.items() if k not in EDITABLE_MEASURE_FIELDS}
            if stored[measure.ref]["polarity_edited_at"] is not None:
                record = {k: v for k, v in record.items() if k != POLARITY_FIELD}
            if any(stored[measure.ref][k] != v for k, v in record.items()):
                connection.execute(update(db.measures).where(db.measures.c.ref == measure.ref).values(**record))
                updated.append(measure.ref)
        if added or updated or areas_changed:
            versioning.advance(connection)
            audit.record(
                connection,
                actor,
                "catalogue.synced",
                "catalogue.toml",
                {"areas_changed": areas_changed, "measures_added": added, "measures_updated": updated},
            )
    return {"areas": len(catalogue.areas), "measures_added": len(added), "measures_updated": len(updated)}


def _measure_record(measure: Measure) -> dict:
    target = measure.target
    return {
        "ref": measure.ref,
        "area_number": measure.area,
        "sort_area": measure.sort_key[0],
        "sort_number": measure.sort_key[1],
        "title": measure.title,
        "short_title": measure.short_title,
        "unit": measure.unit,
        "polarity": measure.polarity,
        "good_looks_like": measure.good_looks_like,
        "counts": measure.counts,
        "decimals": measure.decimals,
        "target_kind": target.kind if target else None,
        "target_low": target.low if target else None,
        "target_high": target.high if target else None,
        "target_tolerance": target.tolerance if target else None,
        "target_text": target.text if target else None,
        "target_source": measure.target_source,
        "objective": measure.objective,
        "timescale": measure.timescale,
        "best_practice": measure.best_practice,
        "numerator_label": measure.numerator_label,
        "denominator_label": measure.denominator_label,
        "chart": measure.chart,
        "source": measure.source,
        "source_note": measure.source_note,
        "flags": ",".join(measure.flags),
        "spc_shift_length": measure.spc.shift_length,
        "spc_trend_length": measure.spc.trend_length,
        "spc_minimum_points": measure.spc.minimum_points,
        "spc_two_of_three": measure.spc.two_of_three,
        "spc_exclude_moving_range_outliers": measure.spc.exclude_moving_range_outliers,
        "basis": measure.basis,
        "national_item": measure.national_item,
        "national_note": measure.national_note,
    }


def _spc_options(row: Any) -> SpcOptions:
    """The SPC settings stored with a measure; an empty column (a database not yet re-synced since migration
    0008) reads as the built-in default."""

    def stored(column: str, default: Any) -> Any:
        value = getattr(row, column)
        return default if value is None else value

    return SpcOptions(
        shift_length=int(stored("spc_shift_length", DEFAULT_OPTIONS.shift_length)),
        trend_length=int(stored("spc_trend_length", DEFAULT_OPTIONS.trend_length)),
        minimum_points=int(stored("spc_minimum_points", DEFAULT_OPTIONS.minimum_points)),
        two_of_three=bool(stored("spc_two_of_three", DEFAULT_OPTIONS.two_of_three)),
        exclude_moving_range_outliers=bool(
            stored("spc_exclude_moving_range_outliers", DEFAULT_OPTIONS.exclude_moving_range_outliers)
        ),
    )


def read_catalogue(engine: Engine) -> Catalogue:
    """Return the catalogue as stored in the database (empty if `init` has not run), each measure with its SPC
    settings in force (`Measure.spc`) and its flags, less POLARITY_SOURCE_FLAGS when an admin has corrected its
    polarity in the app (`polarity_edited_at` set), and with what was recorded in the app for its chart: its
    process changes, fixed baseline and target history (`measures.storage.chart_changes`), so every reader rates
    and charts it the same way. Raises sqlalchemy errors if the database cannot be read."""
    with engine.connect() as connection:
        process_changes, baselines, target_history = measure_changes(connection)
        area_rows = connection.execute(select(db.areas).order_by(db.areas.c.number)).all()
        measure_rows = connection.execute(
            select(db.measures).order_by(db.measures.c.sort_area, db.measures.c.sort_number)
        ).all()
    areas = tuple(
        Area(
            number=row.number,
            title=row.title,
            short_title=row.short_title,
            description=row.description,
            outcomes=tuple(line for line in row.outcomes.split("\n") if line),
        )
        for row in area_rows
    )
    measures = tuple(
        Measure(
            ref=row.ref,
            area=row.area_number,
            title=row.title,
            short_title=row.short_title,
            unit=row.unit,
            polarity=row.polarity,
            good_looks_like=row.good_looks_like,
            counts=bool(row.counts),
            decimals=row.decimals,
            target=Target(
                kind=row.target_kind,
                low=row.target_low,
                high=row.target_high,
                tolerance=row.target_tolerance or 0.0,
                text=row.target_text or "",
            )
            if row.target_kind
            else None,
            target_source=row.target_source,
            objective=row.objective,
            timescale=row.timescale,
            best_practice=row.best_practice,
            numerator_label=row.numerator_label,
            denominator_label=row.denominator_label,
            chart=row.chart,
            source=row.source,
            source_note=row.source_note,
            flags=tuple(
                flag
                for flag in row.flags.split(",")
                if flag and not (row.polarity_edited_at is not None and flag in POLARITY_SOURCE_FLAGS)
            ),
            sort_key=(row.sort_area, row.sort_number),
            national_item=row.national_item or "",
            national_note=row.national_note or "",
            basis=row.basis or "month",
            spc=_spc_options(row),
            process_changes=process_changes.get(row.ref, ()),
            baseline=baselines.get(row.ref),
            target_history=target_history.get(row.ref, ()),
        )
        for row in measure_rows
    )
    return Catalogue(areas=areas, measures=measures)
