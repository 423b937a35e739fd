"""A small improvement plan, made in code, for a database that holds no plan (the `engine` fixture): four actions, the
figures of measure 3.1 from August 2021 to January 2023 (every month published), and one rating of February 2023,
a draft month with no figures.

3.1's figures: August 2021 to July 2022 alternate 60, 62 (mean 61, limits 55.68 to 66.32); August 2022 to January
2023 are 63, six months above the previous average.

As at January 2023:
- 3.1 (measure 3.1): Green in June 2022, Blue from July 2022: completed in July 2022, so the improvement in 3.1
  since is six months above the previous average.
- 3.2 (measures 3.2, 3.3), due October 2022: Red, Amber, Red from November: overdue and stalled. Its progress text
  is written as markup, which every page must show as text.
- 3.3, due June 2023: not yet due in January 2023; Green in February 2023 (a draft month).
- 1.1, due December 2022: Green in December 2022 (synthetic), not rated since: overdue in January 2023.
"""

from __future__ import annotations

from measures.domain.periods import period_range
from measures.storage import plan, publications, recording
from measures.storage.plan import RatingRow

REASON = "As published in the improvement plan, 13 December 2022"
MARKUP = "Recruitment <b>delayed</b> <script>alert(1)</script>"
DRAFT_MONTH = "2023-02"


def add_example_plan(engine) -> None:
    """Add the example plan's actions and ratings to the database of `engine` (its catalogue already loaded)."""
    for number, lead, deadline, deadline_text, measures in (
        ("3.1", "Head of Service, MASH", "2022-08", "August 2022", ("3.1",)),
        ("3.2", "Principal Social Worker", "2022-10", "Autumn 2022", ("3.2", "3.3")),
        ("3.3", "Head of Service, MASH", "2023-06", "Summer 2023", ()),
        ("1.1", "Director of Children's Services", "2022-12", "December 2022", ("1.1",)),
    ):
        plan.add_action(
            engine,
            number=number,
            area=int(number.split(".")[0]),
            text=f"Action {number}: strengthen the front door",
            lead=lead,
            deadline=deadline,
            deadline_text=deadline_text,
            measures=measures,
            actor="ann",
            reason=REASON,
        )
    rows = [RatingRow("3.1", "2022-06", "Green", "Started")]
    rows += [RatingRow("3.1", month, "Blue", "Done") for month in period_range("2022-07", "2023-01")]
    rows += [
        RatingRow("3.2", "2022-11", "Red", MARKUP),
        RatingRow("3.2", "2022-12", "Amber", "Some recruitment"),
        RatingRow("3.2", "2023-01", "Red", "Recruitment has stopped"),
        RatingRow("3.3", "2023-01", "Not yet due", ""),
        RatingRow("3.3", DRAFT_MONTH, "Green", "Started in February"),
        RatingRow("1.1", "2022-12", "Green", "On track", synthetic=True),
    ]
    plan.record_ratings(engine, rows, actor="ann", source="page", reason="Rated after publication")


def add_example_figures(engine) -> None:
    """Record 3.1's example figures (whole service) in one upload and publish each month."""
    months = period_range("2021-08", "2023-01")
    values = [60.0, 62.0] * 6 + [63.0] * 6
    recording.record_values(
        engine,
        [recording.ValueRow("3.1", month, value=value) for month, value in zip(months, values, strict=True)],
        recording.UploadInfo(kind="import", filename="example.xlsx", user_name="ann"),
    )
    for month in months:
        publications.publish(engine, month, "ann")
