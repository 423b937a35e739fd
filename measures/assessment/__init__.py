"""Assessment of measures: month-on-month change, judgement, RAG, and SPC (NHS "Making Data Count").

- `change`: `direction`, `judgement`, `rag`, `small_denominator`, and the checks on typed arrows
  (`arrow_claim`, `arrow_contradiction`) that the Excel import reuses.
- `spc`: the XmR chart with the four special-cause rules and the variation and assurance icons.
- `model`: `Assessment`, one measure as at one month: the one typed result every page reads.
- `assess`: `assess_measure` (one measure from its monthly rows) and `assess_all` (every measure of a month),
  the one pipeline that makes Assessments; `assess_period` (a frame of them) and `assessment_records` (JSON).
"""

from measures.assessment.assess import (
    ASSESSMENT_COLUMNS,
    RECORD_KEYS,
    ServiceMonth,
    assess_all,
    assess_measure,
    assess_period,
    assessment_records,
)
from measures.assessment.change import (
    arrow_claim,
    arrow_contradiction,
    as_decimal,
    direction,
    distance_to_band,
    judgement,
    moved_within_band,
    rag,
    round_half_up,
    small_denominator,
)
from measures.assessment.model import Assessment
from measures.assessment.spc import (
    LIMIT_CONSTANT,
    TWO_SIGMA_CONSTANT,
    SpcPoint,
    SpcResult,
    assurance_of,
    moving_range_mean,
    shift_points,
    spc,
    trend_points,
    two_of_three_points,
)
from measures.domain.spc_settings import (
    DEFAULT_MINIMUM_POINTS,
    DEFAULT_SHIFT_LENGTH,
    DEFAULT_TREND_LENGTH,
    SpcOptions,
)

__all__ = [
    "ASSESSMENT_COLUMNS",
    "DEFAULT_MINIMUM_POINTS",
    "DEFAULT_SHIFT_LENGTH",
    "DEFAULT_TREND_LENGTH",
    "LIMIT_CONSTANT",
    "RECORD_KEYS",
    "Assessment",
    "ServiceMonth",
    "TWO_SIGMA_CONSTANT",
    "SpcOptions",
    "SpcPoint",
    "SpcResult",
    "arrow_claim",
    "arrow_contradiction",
    "as_decimal",
    "assess_all",
    "assess_measure",
    "assess_period",
    "assessment_records",
    "assurance_of",
    "direction",
    "distance_to_band",
    "judgement",
    "moved_within_band",
    "moving_range_mean",
    "rag",
    "round_half_up",
    "shift_points",
    "small_denominator",
    "spc",
    "trend_points",
    "two_of_three_points",
]
