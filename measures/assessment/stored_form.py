"""An `Assessment` as JSON text and back, whole (its SPC chart, segments and the chart without recalculation
included), so that an assessment made once can be kept in the database and read by every page and every worker
exactly as it was made.

`assessment_to_json` and `assessment_from_json` are exact inverses: every field comes back equal, tuples as tuples.
Numbers that are not finite are written as JSON's NaN/Infinity extensions, which Python's json reads back.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import numpy as np

from measures.assessment.model import Assessment
from measures.assessment.spc import SpcPoint, SpcResult, SpcSegment

# Written into every stored form: a form of another layout is refused, never misread.
FORM = 1


def _plain(value: object) -> object:
    """numpy scalars as Python ones (json writes neither numpy booleans nor integers)."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def assessment_to_json(assessment: Assessment) -> str:
    """Return `assessment` as JSON text, every field and its whole SPC chart. Raises nothing for an Assessment
    that `measures.assessment.assess` made."""
    fields = asdict(assessment)  # the chart, its points and segments too
    return json.dumps({"form": FORM, "assessment": fields}, default=_plain, separators=(",", ":"))


def _point(fields: dict[str, Any]) -> SpcPoint:
    return SpcPoint(**fields)


def _segment(fields: dict[str, Any]) -> SpcSegment:
    fixed_on = fields.get("fixed_on")
    return SpcSegment(**{**fields, "fixed_on": tuple(fixed_on) if fixed_on is not None else None})


def _chart(fields: dict[str, Any]) -> SpcResult:
    original = fields.get("original")
    return SpcResult(
        **{
            **fields,
            "points": tuple(_point(point) for point in fields["points"]),
            "segments": tuple(_segment(segment) for segment in fields.get("segments", ())),
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
        fields = dict(stored["assessment"])
        fields["spc"] = _chart(fields["spc"])
        fields["spc_periods"] = tuple(fields["spc_periods"])
        return Assessment(**fields)
    except (KeyError, TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a stored assessment: {error}") from error
