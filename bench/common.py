"""What the benchmark scripts share: a free loopback port, and the pages router's request as a browser sends it."""

from __future__ import annotations

import json
import socket


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 (only loopback is ever used)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def router_body(pathname: str, search: str) -> bytes:
    """The JSON body of the Dash pages router callback for an address, as the browser sends it."""
    return json.dumps({
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }).encode()
