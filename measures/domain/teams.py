"""The service's teams, as the demo data and a new return's drop-down list name them."""

ASSESSMENT_TEAMS = tuple(f"Assessment Team {number}" for number in range(1, 5))
CASEWORK_TEAMS = ASSESSMENT_TEAMS + (
    "Children in Need",
    "Child Protection and Court",
    "Children in Care",
    "Care Leavers",
)
