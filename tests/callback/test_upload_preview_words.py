"""The upload page's preview read as an officer reads it: a refused file is not summarised as if some of it
were about to be saved, and figures are quoted as they were typed."""

from __future__ import annotations

import base64

from dashboard import ids
from tests.auth_helpers import callback, client_as
from tests.returns import builders
from tests.returns.builders import template_row

OUTPUT = f"..{ids.UPLOAD_PREVIEW}.children...{ids.STAGED_TOKEN}.data...{ids.CONFIRM_BUTTON}.disabled.."


def _words(tree) -> str:
    if isinstance(tree, str):
        return tree
    if isinstance(tree, list):
        return " ".join(_words(item) for item in tree)
    if isinstance(tree, dict) and "props" in tree:
        return _words(tree["props"].get("children"))
    return ""


def _preview(app, path) -> str:
    contents = "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode()
    response = callback(
        client_as(app, "officer"),
        OUTPUT,
        [{"id": ids.UPLOAD, "property": "contents", "value": contents}],
        [{"id": ids.UPLOAD, "property": "filename", "value": path.name}],
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return " ".join(_words(response.get_json()["response"][ids.UPLOAD_PREVIEW]["children"]).split())


def test_a_refused_file_is_not_summarised_by_the_month_that_was_wrong(app, tmp_path):
    path = builders.template_workbook(
        tmp_path / "broken.xlsx",
        [
            template_row("1.1", "2023-02", numerator=44, denominator=-109),
            template_row("2.4", "1899-12", value=100),
            template_row("2.2", "2023-02", value="about 17"),
        ],
    )
    words = _preview(app, path)
    assert "cannot be imported yet" in words
    # The only month counted was the impossible one: 'figures for December 1899: 0 new, 0 revised' reads as if
    # the file were about that month and something of it would be saved.
    assert "figures for December 1899" not in words and "0 new" not in words
    assert "The denominator -109 is below zero" in words, words


def test_one_figure_is_one_figure(app, tmp_path):
    path = builders.template_workbook(tmp_path / "one.xlsx", [template_row("2.3", "2023-02", value=9)])
    assert "1 figure for February 2023: 1 new, 0 revised, 0 unchanged." in _preview(app, path)


def test_figures_a_return_would_revise_are_listed_before_the_new_ones(app, tmp_path):
    path = builders.template_workbook(
        tmp_path / "march.xlsx",
        [
            *[template_row(ref, "2023-02", value=5) for ref in ("2.3", "2.4", "2.5", "5.1", "6.2", "6.3", "8.3")],
            template_row("2.4", "2023-01", value=101, note="Corrected after audit"),
        ],
    )
    words = _preview(app, path)
    # A revision changes what readers have already seen: at the foot of a long list it was easy to miss.
    changes = words[words.index("What would change") :]
    assert changes.index("Revised") < changes.index("New"), changes
