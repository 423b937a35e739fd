"""Every component id of the dashboard, in one place, so layouts, callbacks and tests agree."""

URL = "url"
PERIOD_PICKER = "period-picker"
SHOWN_PERIOD = "shown-period"
OVERVIEW_TABLE = "overview-table"
OVERVIEW_SUMMARY = "overview-summary"
