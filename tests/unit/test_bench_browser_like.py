"""The load benchmark's reader sends, after the page router's answer, the callback requests Dash's renderer sends
for the inserted page: worked by hand from the renderer's rules (bench/browser_like.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from browser_like import Dependencies, decoded, parse_outputs  # noqa: E402

ROUTER = {
    "output": ".._pages_content.children..._pages_store.data..",
    "inputs": [{"id": "_pages_location", "property": "pathname"}, {"id": "_pages_location", "property": "search"}],
    "state": [],
    "prevent_initial_call": False,
}
PICKER = {
    "output": "url.search@1a2b",
    "inputs": [{"id": "month-picker", "property": "value"}],
    "state": [{"id": "shown-view", "property": "data"}],
    "prevent_initial_call": True,
}
INSIDE_ONLY = {  # a button's callback writing inside the page: the renderer leaves it alone on insertion
    "output": "confirm-text.children",
    "inputs": [{"id": "confirm-button", "property": "n_clicks"}],
    "state": [],
    "prevent_initial_call": True,
}
FILLS_ITSELF = {  # an output on the page without prevent_initial_call: its initial call is sent
    "output": "..summary.children...summary.title..",
    "inputs": [{"id": "url", "property": "search"}],
    "state": [],
    "prevent_initial_call": False,
}
SHELL = {
    "props": {
        "children": [
            {
                "props": {"id": "url", "refresh": "callback-nav"},
                "type": "Location",
                "namespace": "dash_core_components",
            },
            {"props": {"id": "_pages_content"}, "type": "Div", "namespace": "dash_html_components"},
        ]
    },
    "type": "Div",
    "namespace": "dash_html_components",
}
PAGE = {
    "props": {
        "children": [
            {
                "props": {"id": "month-picker", "value": "2023-01"},
                "type": "Dropdown",
                "namespace": "dash_core_components",
            },
            {
                "props": {"id": "shown-view", "data": "?period=2023-01"},
                "type": "Store",
                "namespace": "dash_core_components",
            },
            {"props": {"id": "confirm-button"}, "type": "Button", "namespace": "dash_html_components"},
            {"props": {"id": "confirm-text", "children": ""}, "type": "P", "namespace": "dash_html_components"},
            {"props": {"id": "summary", "children": "..."}, "type": "P", "namespace": "dash_html_components"},
        ]
    },
    "type": "Div",
    "namespace": "dash_html_components",
}
ANSWER = {"multi": True, "response": {"_pages_content": {"children": PAGE}, "_pages_store": {"data": {"title": "x"}}}}


def test_a_picker_that_navigates_on_the_server_is_sent_after_the_router_with_the_page_values() -> None:
    deps = Dependencies.from_json([ROUTER, PICKER, INSIDE_ONLY], SHELL)

    bodies = deps.follow_ups(ANSWER, "/", "?period=2023-01")

    assert bodies == [
        {
            "output": "url.search@1a2b",
            "outputs": {"id": "url", "property": "search"},
            "inputs": [{"id": "month-picker", "property": "value", "value": "2023-01"}],
            "changedPropIds": ["month-picker.value"],
            "state": [{"id": "shown-view", "property": "data", "value": "?period=2023-01"}],
        }
    ]
    assert deps.navigation_callbacks == 1


def test_a_picker_that_navigates_in_the_browser_sends_nothing() -> None:
    clientside = {**PICKER, "clientside_function": {"namespace": "_dashprivate_clientside_funcs", "function_name": "f"}}
    deps = Dependencies.from_json([ROUTER, clientside, INSIDE_ONLY], SHELL)

    assert deps.follow_ups(ANSWER, "/", "?period=2023-01") == []
    assert (deps.clientside, deps.navigation_callbacks) == (1, 0)


def test_an_output_on_the_page_without_prevent_initial_call_is_called_with_the_address() -> None:
    deps = Dependencies.from_json([ROUTER, FILLS_ITSELF], SHELL)

    bodies = deps.follow_ups(ANSWER, "/area/2", "?period=2022-12")

    assert bodies == [
        {
            "output": "..summary.children...summary.title..",
            "outputs": [{"id": "summary", "property": "children"}, {"id": "summary", "property": "title"}],
            "inputs": [{"id": "url", "property": "search", "value": "?period=2022-12"}],
            "changedPropIds": [],
            "state": [],
        }
    ]


def test_outputs_are_read_from_the_callback_key_without_the_duplicate_mark() -> None:
    assert parse_outputs('..{"index":1,"type":"row"}.data...url.search@9f..') == [
        {"id": {"index": 1, "type": "row"}, "property": "data"},
        {"id": "url", "property": "search"},
    ]


def test_a_compressed_answer_is_read_as_sent() -> None:
    import gzip

    assert decoded("gzip", gzip.compress(b'{"multi": true}')) == b'{"multi": true}'
    assert decoded(None, b"{}") == b"{}"
