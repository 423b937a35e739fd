"""A table that stacks on a narrow screen labels each cell with its column's heading and keeps a table's roles."""

from __future__ import annotations

from dash import html

from dashboard.components.stacked_table import STACKED, label_cells, stacked_table


def test_each_cell_is_labelled_with_its_columns_heading_and_a_cells_role():
    row = html.Tr([html.Th("3.1", scope="row"), html.Td("Assessments"), html.Td("77.6%"), html.Td("extra")])
    (labelled,) = label_cells([row], ["", "Measure", "Jan-23"])
    props = [cell.to_plotly_json()["props"] for cell in labelled.children]
    assert [p.get("data-label") for p in props] == [None, "Measure", "Jan-23", None]
    assert [p.get("role") for p in props] == ["rowheader", "cell", "cell", "cell"]
    assert labelled.role == "row"


def test_a_stacked_table_has_its_caption_headings_and_roles():
    table = stacked_table(
        "Chart data",
        ["Month", "Figure"],
        [html.Tr([html.Th("January 2023"), html.Td("17.2")])],
        "t",
        "report-table",
        {1},
    )
    caption, head, body = table.children
    assert caption.children == "Chart data"
    assert [th.children for th in head.children.children] == ["Month", "Figure"]
    assert head.children.children[1].className == "figure"
    assert getattr(body.children[0].children[1], "data-label") == "Figure"
    assert (table.role, head.role, body.role) == ("table", "rowgroup", "rowgroup")
    assert table.className.split() == ["report-table", STACKED]
