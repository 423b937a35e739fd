"""The comparison with recent months: a month's figure against the average of the months before it."""

RECENT_MONTHS = 12  # the average of the previous 12 months
MINIMUM_RECENT_MONTHS = 6  # fewer figures than this in those months: no average is quoted
