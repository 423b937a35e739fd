"""An `Assessment` as JSON text and back, whole (its SPC chart, segments and the chart without recalculation
included), so that an assessment made once can be kept in the database and read by every page and every worker
exactly as it was made.

`assessment_to_json` and `assessment_from_json` are exact inverses: every field comes back equal, tuples as tuples.
Numbers that are not finite are written as JSON's NaN/Infinity extensions, which Python's json reads back.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from typing import Any

import numpy as np

from measures.assessment.model import Assessment
from measures.assessment.spc import SpcPoint, SpcResult, SpcSegment

# Written into every stored form: a form of another layout is refused, never misread.
FORM = 1

_POINT_FIELDS = tuple(field.name for field in fields(SpcPoint))
_SEGMENT_FIELDS = tuple(field.name for field in fields(SpcSegment))
_CHART_FIELDS = tuple(field.name for field in fields(SpcResult) if field.name not in ("points", "segments", "original"))
_ASSESSMENT_FIELDS = tuple(field.name for field in fields(Assessment) if field.name != "spc")


def _plain(value: object) -> object:
    """numpy scalars as Python ones (json writes neither numpy booleans nor integers)."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _chart_form(chart: SpcResult) -> dict[str, Any]:
    """The chart as plain data, each point and segment a list of its fields in order: compact, and quick to make
    (`dataclasses.asdict` copies deeply and costs more than making the assessment)."""
    form: dict[str, Any] = {name: getattr(chart, name) for name in _CHART_FIELDS}
    form["points"] = [[getattr(point, name) for name in _POINT_FIELDS] for point in chart.points]
    form["segments"] = [[getattr(segment, name) for name in _SEGMENT_FIELDS] for segment in chart.segments]
    form["original"] = _chart_form(chart.original) if chart.original is not None else None
    return form


def assessment_to_json(assessment: Assessment) -> str:
    """Return `assessment` as JSON text, every field and its whole SPC chart. Raises nothing for an Assessment
    that `measures.assessment.assess` made."""
    form: dict[str, Any] = {name: getattr(assessment, name) for name in _ASSESSMENT_FIELDS}
    form["spc"] = _chart_form(assessment.spc)
    return json.dumps({"form": FORM, "assessment": form}, default=_plain, separators=(",", ":"))


def _segment(values: list[Any]) -> SpcSegment:
    segment = SpcSegment(*values)
    if segment.fixed_on is None:
        return segment
    start, stop = segment.fixed_on
    return replace(segment, fixed_on=(start, stop))


def _chart(form: dict[str, Any]) -> SpcResult:
    original = form["original"]
    return SpcResult(
        **{
            **form,
            "points": tuple(SpcPoint(*values) for values in form["points"]),
            "segments": tuple(_segment(values) for values in form["segments"]),
            "original": _chart(original) if original is not None else None,
        }
    )


def assessment_from_json(text: str) -> Assessment:
    """Return the Assessment that `assessment_to_json` wrote as `text`. Raises ValueError for text that is not a
    stored form of this layout (the caller then assesses afresh)."""
    try:
        stored = json.loads(text)
        if not isinstance(stored, dict) or stored.get("form") != FORM:
            raise ValueError("not a stored assessment of this form")
        form = dict(stored["assessment"])
        form["spc"] = _chart(form["spc"])
        form["spc_periods"] = tuple(form["spc_periods"])
        return Assessment(**form)
    except (KeyError, TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a stored assessment: {error}") from error
