"""Every component id of the dashboard, in one place, so layouts, callbacks and tests agree."""

URL = "url"

# Dash's own ids for `dash.page_container` and its page router (private names in `dash.dash`: `_ID_LOCATION`,
# `_ID_CONTENT`, `_ID_STORE`). The request gate reads the router's requests by them, so
# tests/callback/test_dash_router_ids.py checks them against Dash's page container and router: an upgrade of
# Dash that renames them fails there instead of letting a page past the gate.
PAGES_LOCATION = "_pages_location"
PAGES_CONTENT = "_pages_content"
PAGES_STORE = "_pages_store"
# At the top of every page: a failed callback with no output of its own to say so says it here.
FAILURE_NOTICE = "failure-notice"
PERIOD_PICKER = "period-picker"
OVERVIEW_TABLE = "overview-table"
OVERVIEW_SUMMARY = "overview-summary"

TEMPLATE_BUTTON = "template-button"
TEMPLATE_DOWNLOAD = "template-download"
UPLOAD = "return-upload"
STAGED_TOKEN = "staged-token"
UPLOAD_PREVIEW = "upload-preview"
UPLOAD_REASON = "upload-reason"
UPLOAD_REASON_HINT = "upload-reason-hint"
CONFIRM_BUTTON = "confirm-import"
# National figures (admin)
NATIONAL_UPLOAD = "national-upload"
NATIONAL_EDITION = "national-edition"
NATIONAL_EDITION_HINT = "national-edition-hint"
NATIONAL_PREVIEW = "national-preview"
NATIONAL_TOKEN = "national-token"
NATIONAL_CONFIRM = "national-confirm"

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
PACK_XLSX_LINK = "pack-xlsx-link"
PACK_CSV_LINK = "pack-csv-link"

# Measure page (/measure/<ref>)
MEASURE_PERIOD_PICKER = "measure-period-picker"
MEASURE_SHOWN = "measure-shown"
MEASURE_SUMMARY = "measure-summary"
MEASURE_FIGURES = "measure-key-figures"
MEASURE_CHART = "measure-spc-chart"
MEASURE_CHART_TABLE = "measure-chart-table"
MEASURE_MONTHS_TABLE = "measure-months-table"
MEASURE_EARLIER_MONTHS_TABLE = "measure-earlier-months-table"
# A table sent when its Details is first opened (pattern ids: the table, the measure and the month)
MEASURE_ON_DEMAND = "measure-on-demand"
MEASURE_ON_DEMAND_BODY = "measure-on-demand-body"
MEASURE_BENCHMARKS_TABLE = "measure-benchmarks-table"
MEASURE_COMMENTARY = "measure-commentary"
MEASURE_REVISIONS_TABLE = "measure-revisions-table"
MEASURE_NATIONAL_CHART = "measure-national-chart"
MEASURE_NATIONAL_TABLE = "measure-national-table"

# Compared with every council (/compare/<ref>)
COUNCILS_YEAR_PICKER = "councils-year-picker"
COUNCILS_SHOWN = "councils-shown"
COUNCILS_TABLE = "councils-table"

# Overview (/)
OVERVIEW_FILTERS = "overview-filters"
OVERVIEW_AREA = "overview-area"
OVERVIEW_COLUMNS = "overview-columns"
OVERVIEW_SHOWN_QUERY = "overview-shown-query"
# Where the overview keeps which control was used, so that focus returns to it when the page is drawn again.
OVERVIEW_FOCUS_KEPT = "overview-focus-kept"
OVERVIEW_FOCUS_RESTORED = "overview-focus-restored"
AREA_GRADES_CHART = "area-grades-chart"

# Users page (/admin/users), admins only
USERS_STATUS = "users-status"
USERS_ALERT = "users-alert"
USERS_TABLE = "users-table"
USERS_HISTORY = "users-history"
USERS_NEW_NAME = "users-new-name"
USERS_NEW_ROLE = "users-new-role"
USERS_ADD_BUTTON = "users-add"
USERS_PICKER = "users-picker"
USERS_ROLE_PICKER = "users-role-picker"
USERS_ROLE_BUTTON = "users-change-role"
USERS_DISABLE_BUTTON = "users-disable"
USERS_ENABLE_BUTTON = "users-enable"
USERS_RESET_BUTTON = "users-reset-password"
USERS_DELAYS = "users-delays"
USERS_CLEAR_DELAY = "users-clear-delay"  # pattern-matching: {"type": ..., "kind": "name"|"address", "key": ...}

# Commentary form on the measure page (officers and admins)
MEASURE_COMMENTARY_LIST = "measure-commentary-list"
MEASURE_COMMENTARY_TARGET = "measure-commentary-target"
MEASURE_COMMENTARY_TEXT = "measure-commentary-text"
MEASURE_COMMENTARY_SAVE = "measure-commentary-save"
MEASURE_COMMENTARY_STATUS = "measure-commentary-status"
MEASURE_COMMENTARY_ALERT = "measure-commentary-alert"

# What happened on the measure's chart: events (officers and admins), process changes and baselines (admins)
MEASURE_CHART_SECTION = "measure-chart-section"
MEASURE_CHART_CHANGES = "measure-chart-changes"
MEASURE_CHART_CHANGES_TARGET = "measure-chart-changes-target"
MEASURE_EVENT_MONTH = "measure-event-month"
MEASURE_EVENT_TEXT = "measure-event-text"
MEASURE_EVENT_SAVE = "measure-event-save"
MEASURE_EVENT_REMOVE_CHOICE = "measure-event-remove-choice"
MEASURE_EVENT_REMOVE_REASON = "measure-event-remove-reason"
MEASURE_EVENT_REMOVE = "measure-event-remove"
MEASURE_EVENT_STATUS = "measure-event-status"
MEASURE_EVENT_ALERT = "measure-event-alert"
MEASURE_SPC_CHANGE_KIND = "measure-spc-change-kind"
MEASURE_SPC_CHANGE_MONTH = "measure-spc-change-month"
MEASURE_SPC_CHANGE_END = "measure-spc-change-end"
MEASURE_SPC_CHANGE_REASON = "measure-spc-change-reason"
MEASURE_SPC_CHANGE_SAVE = "measure-spc-change-save"
MEASURE_SPC_CHANGE_REMOVE_CHOICE = "measure-spc-change-remove-choice"
MEASURE_SPC_CHANGE_REMOVE_REASON = "measure-spc-change-remove-reason"
MEASURE_SPC_CHANGE_REMOVE = "measure-spc-change-remove"
MEASURE_SPC_CHANGE_STATUS = "measure-spc-change-status"
MEASURE_SPC_CHANGE_ALERT = "measure-spc-change-alert"

# Targets (/admin/targets), admins only
TARGETS_MEASURE = "targets-measure"
TARGETS_CURRENT = "targets-current"
TARGETS_KIND = "targets-kind"
TARGETS_KIND_HINT = "targets-kind-hint"
TARGETS_LOW = "targets-low"
TARGETS_HIGH = "targets-high"
TARGETS_TOLERANCE = "targets-tolerance"
TARGETS_TEXT = "targets-text"
TARGETS_OBJECTIVE = "targets-objective"
TARGETS_TIMESCALE = "targets-timescale"
TARGETS_EFFECTIVE = "targets-effective"
TARGETS_REASON = "targets-reason"
TARGETS_SAVE = "targets-save"
TARGETS_STATUS = "targets-status"
TARGETS_ALERT = "targets-alert"
TARGETS_HISTORY = "targets-history"
TARGETS_POLARITY = "targets-polarity"
TARGETS_POLARITY_REASON = "targets-polarity-reason"
TARGETS_POLARITY_SAVE = "targets-polarity-save"
TARGETS_POLARITY_STATUS = "targets-polarity-status"
TARGETS_POLARITY_ALERT = "targets-polarity-alert"
TARGETS_POLARITY_HISTORY = "targets-polarity-history"

# Publish a month (admin)
PUBLISH_MONTH = "publish-month"
PUBLISH_STATUS = "publish-status"
PUBLISH_CHECK = "publish-check"
PUBLISH_MONTHS = "publish-months"
PUBLISH_COMPLETENESS = "publish-completeness"
PUBLISH_CHANGES_SUMMARY = "publish-changes-summary"
PUBLISH_BUTTON = "publish-button"
WITHDRAW_BUTTON = "withdraw-button"
PUBLISH_REASON = "publish-reason"
PUBLISH_REASON_HINT = "publish-reason-hint"
PUBLISH_CHOSEN = "publish-chosen"
PUBLISH_CHECKED_MARK = "publish-checked-mark"

# The improvement plan (/plan): every action by area, with filters
PLAN_PERIOD_PICKER = "plan-period-picker"
PLAN_SHOWN_QUERY = "plan-shown-query"
PLAN_SUMMARY = "plan-summary"
PLAN_BRAG_FILTER = "plan-brag-filter"
PLAN_LEAD_FILTER = "plan-lead-filter"
PLAN_OVERDUE_FILTER = "plan-overdue-filter"
PLAN_AREA_FILTER = "plan-area-filter"
PLAN_ACTIONS = "plan-actions"
PLAN_FOCUS_KEPT = "plan-focus-kept"
PLAN_FOCUS_RESTORED = "plan-focus-restored"
# An improvement area's actions, beside its measures (/area/<number>)
AREA_ACTIONS = "area-actions"
# One action (/plan/<number>): its wording and its ratings, every version
ACTION_VERSIONS = "action-versions"
ACTION_RATINGS = "action-ratings"

# Recording a month's ratings (/ratings), officers and admins
RATINGS_MONTH = "ratings-month"
RATINGS_FORM = "ratings-form"
RATINGS_BRAG = "ratings-brag"  # pattern-matching: {"type": RATINGS_BRAG, "number": "2.4"}
RATINGS_PROGRESS = "ratings-progress"  # pattern-matching: {"type": RATINGS_PROGRESS, "number": "2.4"}
RATINGS_SAVE = "ratings-save"
RATINGS_STATUS = "ratings-status"
RATINGS_CHOSEN = "ratings-chosen"
RATINGS_REASON = "ratings-reason"  # pattern-matching: {"type": RATINGS_REASON, "month": "2023-01"}, published months

# Editing the plan (/admin/plan), admins only
PLAN_EDIT_ACTION = "plan-edit-action"
PLAN_EDIT_NUMBER = "plan-edit-number"
PLAN_EDIT_TEXT = "plan-edit-text"
PLAN_EDIT_LEAD = "plan-edit-lead"
PLAN_EDIT_DEADLINE = "plan-edit-deadline"
PLAN_EDIT_DEADLINE_TEXT = "plan-edit-deadline-text"
PLAN_EDIT_MEASURES = "plan-edit-measures"
PLAN_EDIT_REASON = "plan-edit-reason"
PLAN_EDIT_REASON_HINT = "plan-edit-reason-hint"
PLAN_EDIT_SAVE = "plan-edit-save"
PLAN_EDIT_CLOSE = "plan-edit-close"
PLAN_EDIT_STATUS = "plan-edit-status"
PLAN_EDIT_FIELDS = "plan-edit-fields"

# The monthly briefing's admin page (dashboard/pages/briefing_admin.py).
BRIEFING_STATUS = "briefing-status"
BRIEFING_TEST_BUTTON = "briefing-test-button"
BRIEFING_RESEND_BUTTON = "briefing-resend-button"
BRIEFING_RECIPIENTS = "briefing-recipients"
BRIEFING_LOG = "briefing-log"
