"""Pages requested through Dash's page router as the browser does, and the words of what comes back: one set of
readers for every callback test that reads a rendered page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.auth_helpers import callback

ROUTER = ".._pages_content.children..._pages_store.data.."


def route(client, path: str, search: str = ""):
    """POST the page router's callback for `path` and query string `search` as `client`; return the response."""
    inputs = [
        {"id": "_pages_location", "property": "pathname", "value": path},
        {"id": "_pages_location", "property": "search", "value": search},
    ]
    return callback(client, ROUTER, inputs)


def rendered(client, path: str, search: str = "") -> Any:
    """The content the router renders for `path` and `search` (a Dash component tree as JSON); asserts a 200."""
    response = route(client, path, search)
    assert response.status_code == 200
    return response.get_json()["response"]["_pages_content"]["children"]


def components(tree) -> Iterator[dict]:
    """Every component in a rendered tree, depth first."""
    if isinstance(tree, list):
        for item in tree:
            yield from components(item)
    elif isinstance(tree, dict) and "props" in tree:
        yield tree
        yield from components(tree["props"].get("children"))


def text(tree) -> str:
    """The words of a rendered component: every child's text joined by spaces."""
    if isinstance(tree, str):
        return tree
    if isinstance(tree, list):
        return " ".join(text(item) for item in tree)
    if isinstance(tree, dict) and "props" in tree:
        return text(tree["props"].get("children"))
    return ""


def spoken(tree) -> str:
    """The words a screen reader reads: children joined by spaces, aria-hidden marks (arrows, daggers) left out."""
    if isinstance(tree, str):
        return tree.strip()
    if isinstance(tree, list):
        return " ".join(part for part in (spoken(item) for item in tree) if part)
    if isinstance(tree, dict) and "props" in tree and tree["props"].get("aria-hidden") != "true":
        return spoken(tree["props"].get("children"))
    return ""


def classes(component: dict) -> list[str]:
    """The CSS classes of a rendered component."""
    return (component["props"].get("className") or "").split()


def measure_row(tree, ref: str) -> dict:
    """The one table row of measure `ref` (rows carry the ref as data-ref)."""
    rows = [c for c in components(tree) if c["type"] == "Tr" and c["props"].get("data-ref") == ref]
    assert len(rows) == 1, ref
    return rows[0]
