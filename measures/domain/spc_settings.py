"""The settings of the SPC special-cause rules: catalogue defaults that a measure may override.

Every help text that names a run length or a minimum number of months is built from these, never typed.
"""

from __future__ import annotations

from dataclasses import dataclass

# The specification's 6, an option of the MDC Excel tool (NHSRplotthedots issue #202). NHS England MDC
# SQL v2.4/v2.5 (`@SettingSpecialCauseShiftPoints INT = 7`) and NHSRplotthedots use 7.
DEFAULT_SHIFT_LENGTH = 6
DEFAULT_TREND_LENGTH = 6
# NHS England MDC "SPC CHARTS SQL QUERY" v2.4/v2.5, step 2b: `@SettingMinimumPoints INT = 15`, "the minimum number
# of non-ghosted points needed for each chart ... to display as an SPC chart; will otherwise display as a run chart,
# with SPC elements removed". (`@SettingMinimumPointsPartition INT = 12` is a different setting: the fewest points
# of each step of a chart whose limits are recalculated, MINIMUM_SEGMENT_POINTS below.) The MDC single-chart
# Excel tool draws limits from 13 points; NHSRplotthedots only warns below 12 (`ptd_add_short_group_warnings`).
DEFAULT_MINIMUM_POINTS = 15
# NHS England MDC SQL v2.4/v2.5 `@SettingMinimumPointsPartition INT = 12`: the fewest points of each step of a chart
# whose limits are recalculated at a change. The product uses it for each segment after a process change, for a
# fixed baseline and for the months before a completed action that its impact is read against (never more than a
# measure's own `minimum_points`).
MINIMUM_SEGMENT_POINTS = 12


@dataclass(frozen=True)
class SpcOptions:
    """Settings for the special-cause rules.

    `shift_length`: points in a row on one side of the mean that make a shift (default 6).
    `trend_length`: points in a row, endpoints included, each strictly above (or below) the one before
    that make a trend (default 6, i.e. five rises).
    `minimum_points`: fewer values than this give no limits and no icons (default 15, the MDC SQL's
    `@SettingMinimumPoints`; the catalogue's `[spc]` table may set another).
    `two_of_three`: apply the two-of-three-beyond-two-sigma rule (default True).
    `exclude_moving_range_outliers`: leave moving ranges above 3.267 × their mean out of the limits
    (default False, as in the MDC SQL; NHSRplotthedots screens them by default).

    Raises ValueError on construction if a length is below 2 or `minimum_points` is below 2.
    """

    shift_length: int = DEFAULT_SHIFT_LENGTH
    trend_length: int = DEFAULT_TREND_LENGTH
    minimum_points: int = DEFAULT_MINIMUM_POINTS
    two_of_three: bool = True
    exclude_moving_range_outliers: bool = False

    @property
    def minimum_segment_points(self) -> int:
        """The fewest months a segment after a process change, a fixed baseline or an impact baseline needs for
        limits: MINIMUM_SEGMENT_POINTS, or `minimum_points` when that is lower."""
        return min(MINIMUM_SEGMENT_POINTS, self.minimum_points)

    def __post_init__(self) -> None:
        for name in ("shift_length", "trend_length", "minimum_points"):
            if int(getattr(self, name)) < 2:
                raise ValueError(f"SpcOptions.{name} must be at least 2, not {getattr(self, name)!r}.")


DEFAULT_OPTIONS = SpcOptions()
