"""A page view as a browser makes it: the page router's callback request, then every server-side callback request
Dash's renderer sends when it inserts the page the router returned.

Dash's renderer (dash-renderer's `getUnfilteredLayoutCallbacks`) fires, when a callback's output inserts a new
piece of layout:

- a callback with an input inside the new piece whose outputs are not all inside it, even when it was declared
  `prevent_initial_call` (a month picker that writes the address: the "navigation callback that changes nothing");
- a callback with an output inside the new piece, unless it was declared `prevent_initial_call`;

and sends an HTTP request only for those that are not clientside callbacks. So one reader reads whatever the
checkout under test does: the release before the navigation moved into the browser sends two requests per page
view, a release after it one, without a flag. The callbacks come from the server's own `/_dash-dependencies`.
Pattern-matching ids (dict ids) are matched exactly; a pattern-matching callback that would fire is counted in
`Dependencies.unemulated` and reported rather than guessed at.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

ROUTER_CONTENT = "_pages_content"
ROUTER_STORE = "_pages_store"
ROUTER_LOCATION = "_pages_location"


def _id_key(component_id: Any) -> str:
    """A hashable key of a component id: the string itself, or a dict id as sorted JSON."""
    return component_id if isinstance(component_id, str) else json.dumps(component_id, sort_keys=True)


def _is_pattern(component_id: Any) -> bool:
    return isinstance(component_id, dict) and any(isinstance(value, list) for value in component_id.values())


def _parse_id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def parse_outputs(key: str) -> list[dict[str, Any]]:
    """The outputs of a callback from its key in `/_dash-dependencies` ("id.prop", "..a.x...b.y..", with an
    "@hash" on an output that allows duplicates), as the browser sends them: [{"id", "property"}]."""
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    outputs = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        outputs.append({"id": _parse_id(component), "property": prop.split("@")[0]})
    return outputs


@dataclass
class Callback:
    """One server-side callback as `/_dash-dependencies` declares it."""

    key: str
    outputs: list[dict[str, Any]]
    inputs: list[dict[str, Any]]
    state: list[dict[str, Any]]
    prevent_initial_call: bool

    @property
    def has_pattern(self) -> bool:
        return any(_is_pattern(item["id"]) for item in (*self.outputs, *self.inputs, *self.state))


@dataclass
class Dependencies:
    """The server-side callbacks of an app; `unemulated` counts pattern-matching ones that fired and were not
    sent (0 on today's pages)."""

    callbacks: list[Callback]
    clientside: int
    unemulated: int = 0
    shell: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, dependencies: list[dict[str, Any]], shell_layout: Any = None) -> Dependencies:
        """Read the answer of `/_dash-dependencies` (and the answer of `/_dash-layout`, for the values of the
        shell's components a callback reads)."""
        callbacks = [
            Callback(
                key=entry["output"],
                outputs=parse_outputs(entry["output"]),
                inputs=entry.get("inputs", []),
                state=entry.get("state", []),
                prevent_initial_call=bool(entry.get("prevent_initial_call")),
            )
            for entry in dependencies
            if not entry.get("clientside_function")
        ]
        clientside = sum(1 for entry in dependencies if entry.get("clientside_function"))
        return cls(callbacks, clientside, shell=dict(components(shell_layout)) if shell_layout else {})

    def router(self) -> Callback:
        """The pages router's callback (it writes the page's content)."""
        return next(cb for cb in self.callbacks if any(o["id"] == ROUTER_CONTENT for o in cb.outputs))

    @property
    def navigation_callbacks(self) -> int:
        """How many server-side callbacks write an address (a location's `search`), the router's aside."""
        return sum(1 for cb in self.callbacks if any(o["property"] == "search" for o in cb.outputs))

    def follow_ups(self, router_answer: dict[str, Any], pathname: str, search: str) -> list[dict[str, Any]]:
        """The bodies of the callback requests a browser sends after the router's `router_answer` (its parsed
        JSON) is inserted, for the address `pathname` + `search`."""
        response = router_answer.get("response", {})
        chunk = dict(components(response.get(ROUTER_CONTENT, {}).get("children")))
        changed_outside = {(ROUTER_STORE, "data")} if ROUTER_STORE in response else set()
        location = {"pathname": pathname, "search": search, "href": None, "hash": ""}
        bodies = []
        router_key = self.router().key
        for cb in self.callbacks:
            if cb.key == router_key:
                continue
            output_keys = {_id_key(o["id"]) for o in cb.outputs}
            inputs_inside = [i for i in cb.inputs if _id_key(i["id"]) in chunk]
            store_changed = [i for i in cb.inputs if (_id_key(i["id"]), i["property"]) in changed_outside]
            by_input = bool(inputs_inside) and not output_keys <= chunk.keys()
            by_output = bool(output_keys & chunk.keys()) and not cb.prevent_initial_call
            if not (by_input or by_output or store_changed):
                continue
            if cb.has_pattern:
                self.unemulated += 1
                continue
            values = [self._value(item, chunk, location) for item in (*cb.inputs, *cb.state)]
            if any(value is _MISSING for value in values[: len(cb.inputs)]):
                continue  # an input not on the page: the renderer leaves the callback out
            sent = [
                {"id": item["id"], "property": item["property"], **({} if value is _MISSING else {"value": value})}
                for item, value in zip((*cb.inputs, *cb.state), values, strict=True)
            ]
            changed = [f"{_id_key(i['id'])}.{i['property']}" for i in (*inputs_inside, *store_changed)]
            bodies.append(
                {
                    "output": cb.key,
                    "outputs": cb.outputs if cb.key.startswith("..") else cb.outputs[0],
                    "inputs": sent[: len(cb.inputs)],
                    "changedPropIds": changed if by_input or store_changed else [],
                    "state": sent[len(cb.inputs) :],
                }
            )
        return bodies

    def _value(self, item: dict[str, Any], chunk: dict[str, dict[str, Any]], location: dict[str, Any]) -> Any:
        key = _id_key(item["id"])
        props = chunk.get(key)
        if props is None:
            props = self.shell.get(key)
            if props is not None and props.get("_type") == "Location":
                return location.get(item["property"], props.get(item["property"], _MISSING))
        if props is None:
            return _MISSING
        return props.get(item["property"], _MISSING)


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


def components(layout: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every component with an id in a serialised Dash layout: (id key, its props with "_type" its type)."""
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and "type" in node:
                if "id" in props:
                    yield _id_key(props["id"]), {**props, "_type": node["type"]}
                stack.extend(value for value in props.values() if isinstance(value, (list, dict)))
            else:
                stack.extend(value for value in node.values() if isinstance(value, (list, dict)))


def _decoders() -> dict[str, Any]:
    import gzip
    import zlib

    found: dict[str, Any] = {"gzip": gzip.decompress, "deflate": zlib.decompress}
    try:
        import brotli  # type: ignore[import-not-found]

        found["br"] = brotli.decompress
    except ImportError:
        pass
    try:
        import zstandard  # type: ignore[import-not-found]

        found["zstd"] = zstandard.ZstdDecompressor().decompress
    except ImportError:
        pass
    return found


DECODERS = _decoders()
# A browser says which compressions it reads (Chromium: gzip, deflate, br, zstd); the reader offers those it can
# decode here, so a server that keeps or makes a compressed copy does that work as it would for a browser.
ACCEPT_ENCODING = ", ".join(DECODERS)


def decoded(content_encoding: str | None, body: bytes) -> bytes:
    """The body of a response as sent before its Content-Encoding (none, or one the reader offered)."""
    if not content_encoding or content_encoding == "identity":
        return body
    return DECODERS[content_encoding.strip().lower()](body)
