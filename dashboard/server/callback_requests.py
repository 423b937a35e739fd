"""The shape of a Dash callback request, checked before Dash reads it.

Dash trusts the body of `/_dash-update-component` to be what its renderer sends and fails with a server error (and
a traceback in the log) on anything else: outputs that are not a list, outputs other than the ones the callback
declares, fewer inputs than the callback declares, a page address without its leading '/'. The request gate asks
`problem` first and answers 400 with the sentence it returns, so a malformed or hand-made request never reaches
Dash. What each value means is still each callback's to check: a callback given a value no page of the dashboard
sends (a JSON object where a file's contents belong) raises `UnusableValue`, which `install` answers with 400 and
its sentence.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, jsonify

from dashboard.server.page_router import ROUTER_OUTPUT, is_router_request, router_input

REFUSAL = "This request is not one the dashboard's pages send: reload the page and try again."


def _is_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, dict) and all(isinstance(key, str) for key in value))


def _is_spec(item: Any) -> bool:
    """One output, input or state: {"id", "property"(, "value")}, or for a wildcard, a list of them."""
    if isinstance(item, list):
        return all(isinstance(member, dict) and _is_spec(member) for member in item)
    return isinstance(item, dict) and _is_id(item.get("id")) and isinstance(item.get("property"), str)


def _output_count(output: str) -> int | None:
    """How many outputs a callback key names (None for a single output, sent as one object)."""
    if output.startswith(".."):
        return len([part for part in output.strip(".").split("...") if part])
    return None


_WILDCARDS = (["MATCH"], ["ALL"], ["ALLSMALLER"])


def _declared_id(identifier: Any) -> Any:
    """A declared component id: a pattern-matching id, kept as its JSON text, as its dict."""
    if isinstance(identifier, str) and identifier.startswith("{"):
        try:
            return json.loads(identifier)
        except ValueError:
            return identifier
    return identifier


def _declared_outputs(output: str) -> list[tuple[object, str]]:
    """The (id, property) of each output a callback key names; a pattern-matching id as its dict."""

    declared = []
    for part in [part for part in output.strip(".").split("...") if part] if output.startswith("..") else [output]:
        identifier, _, prop = part.rpartition(".")
        declared.append((_declared_id(identifier), prop.split("@")[0]))
    return declared


def _matches(given: Any, identifier: Any, prop: str) -> bool:
    """True when `given` is the output spec the renderer sends for the declared output (identifier, prop): the
    same id and property, or for a pattern-matching id one dict (MATCH) or a list of dicts (ALL) of ids that
    have its keys, its fixed values, and a plain value where it has a wildcard."""
    if not isinstance(identifier, dict):
        return isinstance(given, dict) and given.get("id") == identifier and _property(given) == prop
    if any(value in (["ALL"], ["ALLSMALLER"]) for value in identifier.values()):
        return isinstance(given, list) and all(_matches_pattern(item, identifier, prop) for item in given)
    return _matches_pattern(given, identifier, prop)


def _property(given: dict) -> str:
    # An output another callback also writes (allow_duplicate) is sent as "property@<hash of the callback>".
    return str(given.get("property")).split("@")[0]


def _matches_pattern(given: Any, identifier: dict[str, Any], prop: str) -> bool:
    concrete = given.get("id") if isinstance(given, dict) else None
    return (
        isinstance(concrete, dict)
        and _property(given) == prop
        and concrete.keys() == identifier.keys()
        and all(
            isinstance(concrete[key], (str, int, float, bool)) if value in _WILDCARDS else concrete[key] == value
            for key, value in identifier.items()
        )
    )


def readable(request: Any) -> bool:
    """Parse the request's JSON body once, so later readers get it from Flask's cache; return False when it
    cannot be parsed without failing (JSON nested too deep for Python's parser), True otherwise (a body that is
    not JSON at all reads as None, which `problem` and the gate refuse)."""
    try:
        request.get_json(silent=True)
    except RecursionError:
        return False
    return True


def problem(body: Any, callback_map: dict[str, Any]) -> str | None:
    """Return why `body` is not a well-formed request for a callback in `callback_map` (REFUSAL), or None."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return REFUSAL
    if is_router_request(body) and body["output"] != ROUTER_OUTPUT:
        return REFUSAL  # names the page's content beside other outputs: no callback of Dash's writes that
    entry = callback_map.get(body["output"])
    if entry is None:
        return None  # the gate says the request names no callback
    outputs, inputs = body.get("outputs"), body.get("inputs")
    state, changed = body.get("state", []), body.get("changedPropIds", [])
    count = _output_count(body["output"])
    declared = _declared_outputs(body["output"])
    if count is None:
        if not _is_spec(outputs) or not _matches(outputs, *declared[0]):
            return REFUSAL
    elif (
        not isinstance(outputs, list)
        or len(outputs) != count
        or not all(_is_spec(o) for o in outputs)
        or not all(_matches(given, *expected) for given, expected in zip(outputs, declared, strict=True))
    ):
        return REFUSAL
    for given, declared in ((inputs, entry.get("inputs", [])), (state, entry.get("state", []))):
        if not isinstance(given, list) or len(given) != len(declared) or not all(_is_spec(i) for i in given):
            return REFUSAL
        if not all(
            _matches(item, _declared_id(expected.get("id")), str(expected.get("property")))
            for item, expected in zip(given, declared, strict=True)
            if isinstance(expected, dict)
        ):
            return REFUSAL
    if not isinstance(changed, list) or not all(isinstance(name, str) for name in changed):
        return REFUSAL
    if is_router_request(body):
        pathname = (router_input(body, 0) or {}).get("value")
        if not isinstance(pathname, str) or not pathname.startswith("/"):
            return REFUSAL
        search = (router_input(body, 1) or {}).get("value")
        if search is not None and not isinstance(search, str):
            return REFUSAL
    return None


class UnusableValue(Exception):
    """A callback was sent a value no page of the dashboard sends; the message says so in a sentence."""


def require_text(value: Any, what: str, allow_none: bool = False) -> Any:
    """Return `value` when it is text (or None, if allowed); raise UnusableValue naming `what` otherwise."""
    if isinstance(value, str) or (allow_none and value is None):
        return value
    raise UnusableValue(f"The {what} did not arrive as text, as the page sends it: reload the page and try again.")


def install(server: Flask) -> None:
    """Answer UnusableValue raised by any callback with 400 and its sentence (no traceback in the log)."""

    @server.errorhandler(UnusableValue)
    def _unusable(error: UnusableValue) -> Response:
        response = jsonify({"error": str(error)})
        response.status_code = 400
        return response
