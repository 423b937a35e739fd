"""The demo loads the national data the project ships: every row of the LAIT extract, both neighbour editions."""

from __future__ import annotations

import csv

from measures.cli.demo import NATIONAL_FILES, load_national
from measures.domain.national_reference import NATIONAL_DATA_DIR
from measures.storage import national


def test_the_demo_holds_every_row_of_the_extract_as_published(demo_engine):
    with (NATIONAL_DATA_DIR / "lait_extract.csv").open(newline="", encoding="utf-8") as handle:
        shipped = list(csv.DictReader(handle))
    frame = national.national_figures(demo_engine)
    assert len(frame) == len(shipped) == 16_660
    dashes = sum(1 for record in shipped if record["Values"] == "-")
    assert (frame["status"] == "not available").sum() == dashes and frame["value"].isna().sum() == dashes
    first = shipped[0]
    stored = frame[(frame["item"] == first["Short Desc"]) & (frame["year"] == first["Years"])]
    assert stored.set_index("la_code").loc[int(first["LA Number"]), "value"] == float(first["Values"])


def test_the_demo_holds_both_neighbour_editions(demo_engine):
    assert national.neighbour_editions(demo_engine) == [("2021-04", "April 2021"), ("2025-05", "May 2025")]
    # Herefordshire's 2021 group, as the product brief lists it: Shropshire, Devon, Cornwall, Somerset, Dorset,
    # Wiltshire, Suffolk, Norfolk, Gloucestershire, Cumbria.
    assert national.neighbour_group(demo_engine, "2021-04", 884) == (893, 878, 908, 933, 838, 865, 935, 926, 916, 909)
    may_2025 = national.neighbour_group(demo_engine, "2025-05", 884)
    assert len(may_2025) == 10 and {893, 933, 935} <= set(may_2025)  # of the 2021 group only these three remain
    assert not {878, 908, 838, 865, 926, 916, 909} & set(may_2025)


def test_loading_the_national_data_again_changes_nothing(demo_engine):
    counts = load_national(demo_engine)
    assert set(counts) == {path.name for path in NATIONAL_FILES}
    assert all(c["added"] == c["revised"] == 0 for c in counts.values())
