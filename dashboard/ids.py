"""Every component id of the dashboard, in one place, so layouts, callbacks and tests agree."""

URL = "url"
PERIOD_PICKER = "period-picker"
OVERVIEW_TABLE = "overview-table"
OVERVIEW_SUMMARY = "overview-summary"

TEMPLATE_BUTTON = "template-button"
TEMPLATE_DOWNLOAD = "template-download"
UPLOADER_NAME = "uploader-name"
UPLOAD = "return-upload"
STAGED_TOKEN = "staged-token"
UPLOAD_PREVIEW = "upload-preview"
CONFIRM_BUTTON = "confirm-import"

# Area page (/area/<number>)
AREA_PERIOD_PICKER = "area-period-picker"
AREA_SHOWN = "area-shown"
AREA_GRADES = "area-grades"
AREA_CARDS = "area-cards"

# Teams drill-down (/teams/<ref>)
TEAMS_PERIOD_PICKER = "teams-period-picker"
TEAMS_SHOWN = "teams-shown"
TEAMS_CHART = "teams-chart"
TEAMS_TABLE = "teams-table"

# Workers drill-down (/workers/<ref>), managers only
WORKERS_PERIOD_PICKER = "workers-period-picker"
WORKERS_TEAM_PICKER = "workers-team-picker"
WORKERS_SHOWN = "workers-shown"
WORKERS_SUMMARY = "workers-summary"
WORKERS_CHART = "workers-chart"
WORKERS_TABLE = "workers-table"

PACK_DOCUMENT = "pack-document"
PACK_PERIOD_PICKER = "pack-period-picker"
PACK_SHOWN_PERIOD = "pack-shown-period"
PACK_PDF_LINK = "pack-pdf-link"

# Measure page (/measure/<ref>)
MEASURE_PERIOD_PICKER = "measure-period-picker"
MEASURE_SHOWN = "measure-shown"
MEASURE_SUMMARY = "measure-summary"
MEASURE_FIGURES = "measure-key-figures"
MEASURE_CHART = "measure-spc-chart"
MEASURE_CHART_TABLE = "measure-chart-table"
MEASURE_MONTHS_TABLE = "measure-months-table"
MEASURE_BENCHMARKS_TABLE = "measure-benchmarks-table"
MEASURE_COMMENTARY = "measure-commentary"
MEASURE_REVISIONS_TABLE = "measure-revisions-table"

# Overview (/)
OVERVIEW_FILTERS = "overview-filters"
OVERVIEW_AREA = "overview-area"
OVERVIEW_COLUMNS = "overview-columns"
OVERVIEW_SHOWN_QUERY = "overview-shown-query"
AREA_GRADES_CHART = "area-grades-chart"
