"""Tables that become stacked rows on a narrow screen (a phone, or a laptop at 200% zoom): each row a block, each
cell on its own line after its column's heading. The headings are given to the cells as `data-label`, which the
stylesheet shows (`.stacked-table` in assets/style.css). The table's roles are explicit because a browser drops a
table's own semantics once its rows are displayed as blocks: screen readers still read a table."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from dash import html

STACKED = "stacked-table"
# A cell holding a synthetic demonstration figure: the stylesheet draws its dagger after it and gives a screen
# reader the word, so a table of hundreds of such figures needs no extra component for each mark.
SYNTHETIC_FIGURE = "synthetic-figure"


def label_cells(rows: Sequence[html.Tr], headings: Sequence[str]) -> list[html.Tr]:
    """Return `rows`, each with the role of a row and each of its cells labelled (`data-label`) with the heading
    of its column, in order, and given the role of a cell (a row's heading: of a row header); cells beyond the
    headings keep no label."""
    for row in rows:
        row.role = "row"
        cells = row.children if isinstance(row.children, list) else [row.children]
        for index, cell in enumerate(cells):
            if not isinstance(cell, html.Td | html.Th):
                continue
            cell.role = "rowheader" if isinstance(cell, html.Th) else "cell"
            if index < len(headings) and headings[index]:
                setattr(cell, "data-label", headings[index])
    return list(rows)


def heading_row(headings: Sequence[str], numeric: Collection[int] = ()) -> html.Tr:
    """The row of column headings of a stacked table (numeric columns, by index, aligned as figures)."""
    return html.Tr(
        [
            html.Th(text, scope="col", role="columnheader", className="figure" if index in numeric else None)
            for index, text in enumerate(headings)
        ],
        role="row",
    )


def stacked_table(
    caption: str,
    headings: Sequence[str],
    rows: Sequence[html.Tr],
    table_id: str,
    class_name: str,
    numeric: Collection[int] = (),
    caption_hidden: bool = False,
) -> html.Table:
    """Return a table of `rows` under `headings` (with its `caption`, visually hidden if asked) that becomes
    stacked, labelled rows on a narrow screen."""
    return html.Table(
        [
            html.Caption(caption, className="visually-hidden" if caption_hidden else None),
            html.Thead(heading_row(headings, numeric), role="rowgroup"),
            html.Tbody(label_cells(rows, headings), role="rowgroup"),
        ],
        id=table_id,
        className=f"{class_name} {STACKED}",
        role="table",
    )
