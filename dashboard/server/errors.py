"""Failures shown as finished pages and messages, never a bare "Internal Server Error" or a silent callback.

Whatever fails while answering (the database down, read-only, full or missing; a bug), the reader sees what
happened in plain words, that nothing was saved where they were saving something, what to do, and a short
reference; the server logs one line carrying the same reference, so an administrator can find it.

- A page load or form (Flask) gets the page `templates/error.html`, status 503 for a database fault, else 500.
- A Dash callback that raises gets its message in its own output (`callback_failed`, Dash's `on_error`): the
  page router's output becomes the error page (so a link followed shows the error, never the old page), any
  other callback shows the notice in its `...-alert` output or its first `children` output (the upload
  preview, say), else in the notice region at the top of every page.
- A callback request that fails before its callback runs (the request gate cannot read the signed-in user
  from a database that is down, say) is answered the same way, as a normal callback response, because
  Dash's renderer shows nothing for an HTTP error.
"""

from __future__ import annotations

import json
import secrets
import traceback
from dataclasses import dataclass
from typing import Any

import dash
from dash import html, no_update
from flask import Flask, Response, current_app, has_request_context, jsonify, request
from flask.typing import ResponseReturnValue
from plotly.utils import PlotlyJSONEncoder
from werkzeug.exceptions import HTTPException

from dashboard import ids
from dashboard.server.callback_requests import UnusableValue
from dashboard.server.response_cache import do_not_store
from measures.storage.faults import describe, first_line

CALLBACK_PATH = "/_dash-update-component"
LAYOUT_PATH = "/_dash-layout"
ROUTER_OUTPUT = ids.PAGES_CONTENT
NOTHING_SAVED = "Nothing was saved: a change is saved whole or not at all, so everything is as it was before."


@dataclass(frozen=True)
class Failure:
    """What the reader is told about one failure, and the reference the server's log line carries."""

    reference: str
    title: str
    what: str
    saved: str
    advice: str
    status: int


def record_failure(error: BaseException, saving: bool) -> Failure:
    """Log one line about `error` with a new reference and return what to tell the reader. `saving` says the
    reader was changing something (a callback or a form), so the message says nothing was saved."""
    reference = secrets.token_hex(4).upper()
    if has_request_context():
        do_not_store()  # the reader sees the failure; the next reader gets a fresh try
    fault = describe(error)
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    request_line = f"{request.method} {request.path}" if has_request_context() else "outside a request"
    summary = f"{type(error).__name__}: {first_line(error)}".replace("\n", " ").replace("\r", " ")
    current_app.logger.error(
        "Failure reference %s: %s failed (%s)%s: %s",
        reference,
        request_line,
        fault.kind if fault else "bug",
        where,
        summary[:500],
    )
    advice = (
        "Try again in a few minutes. If it keeps happening, tell the performance team's administrator, "
        "quoting the reference below."
    )
    if fault is not None:
        return Failure(
            reference,
            "The dashboard cannot use its database just now",
            fault.what,
            NOTHING_SAVED if saving else "",
            advice,
            503,
        )
    return Failure(
        reference,
        "Something went wrong on the server",
        "The dashboard met a fault it did not expect while answering.",
        NOTHING_SAVED if saving else "",
        advice,
        500,
    )


def _reference_line(failure: Failure) -> html.P:
    return html.P(["Reference: ", html.Strong(failure.reference, className="failure-reference")], className="hint")


def error_page(failure: Failure) -> html.Div:
    """The error page, as the page router shows it in place of the page that failed."""
    return html.Div(
        [
            html.H1(failure.title),
            html.Div(
                [html.P(failure.what), *([html.P(failure.saved)] if failure.saved else [])],
                className="notice notice-error",
                role="alert",
            ),
            html.P(failure.advice),
            _reference_line(failure),
            html.P(dash.dcc.Link("Go to the Measures that Matter table", href="/")),
        ],
        className="failure",
    )


def error_notice(failure: Failure) -> html.Div:
    """The error message a callback's output shows in place of what it would have shown."""
    return html.Div(
        [
            html.H2(failure.title, className="notice-title"),
            html.P(failure.what),
            *([html.P(failure.saved)] if failure.saved else []),
            html.P(failure.advice),
            _reference_line(failure),
        ],
        className="notice notice-error failure",
        role="alert",
    )


def _target(outputs: list[dict]) -> int | None:
    """The index of the output that should carry the message: the page router's, an '...-alert', else the
    first `children`; None when no output can show text."""
    plain = [
        (index, output)
        for index, output in enumerate(outputs)
        if isinstance(output, dict) and isinstance(output.get("id"), str)
    ]
    for index, output in plain:
        if output["id"] == ROUTER_OUTPUT:
            return index
    for index, output in plain:
        if output["id"].endswith("alert") and str(output.get("property")).split("@")[0] == "children":
            return index
    for index, output in plain:
        if str(output.get("property")).split("@")[0] == "children":
            return index
    return None


def _content(failure: Failure, output: dict[str, Any]) -> html.Div:
    return error_page(failure) if output["id"] == ROUTER_OUTPUT else error_notice(failure)


def callback_failed(error: Exception) -> Any:
    """Dash's `on_error`: log the failure of a callback and show it in the callback's own output.

    A value no page sends (`UnusableValue`) is the sender's fault, not a failure: it goes on to its own 400.
    """
    if isinstance(error, UnusableValue):
        raise error
    context = dash.callback_context
    single = isinstance(context.outputs_list, dict)
    outputs = [context.outputs_list] if single else list(context.outputs_list or [])
    routing = any(isinstance(o, dict) and o.get("id") == ROUTER_OUTPUT for o in outputs)
    failure = record_failure(error, saving=not routing)
    index = _target(outputs)
    if index is None:
        dash.set_props(ids.FAILURE_NOTICE, {"children": error_notice(failure)})
        return None
    values: list[Any] = [no_update] * len(outputs)
    values[index] = _content(failure, outputs[index])
    return values[0] if single else values


def _callback_response(failure: Failure) -> Response:
    """A callback response (as Dash's renderer expects it) showing `failure`, for a request that failed before
    its callback ran."""
    body = request.get_json(silent=True) or {}
    outputs = body.get("outputs") if isinstance(body, dict) else None
    outputs = [outputs] if isinstance(outputs, dict) else [o for o in outputs or [] if isinstance(o, dict)]
    index = _target(outputs)
    payload: dict = {"multi": True}
    if index is None:
        payload["response"] = {}
        payload["sideUpdate"] = {ids.FAILURE_NOTICE: {"children": error_notice(failure)}}
    else:
        prop = str(outputs[index]["property"]).split("@")[0]  # "children@<hash>" for a duplicate output
        payload["response"] = {outputs[index]["id"]: {prop: _content(failure, outputs[index])}}
    return current_app.response_class(json.dumps(payload, cls=PlotlyJSONEncoder), mimetype="application/json")


def install(app: dash.Dash) -> None:
    """Answer every failure of the app's server with a finished page or message (see the module docstring),
    and clear the notice region when the reader moves to another page."""
    server: Flask = app.server

    @server.errorhandler(Exception)
    def _failed(error: Exception) -> ResponseReturnValue | HTTPException:
        if isinstance(error, HTTPException):
            return error  # 404, 405 and the like keep their own answers
        failure = record_failure(error, saving=request.method not in ("GET", "HEAD") and not _routing())
        if request.path == CALLBACK_PATH:
            return _callback_response(failure)
        if request.path == LAYOUT_PATH:
            return jsonify(json.loads(json.dumps(error_page(failure), cls=PlotlyJSONEncoder)))
        # Not `render_template`: its context processors would ask the database who is signed in, again.
        page = current_app.jinja_env.get_template("error.html").render(failure=failure)
        return current_app.response_class(page, status=failure.status, mimetype="text/html")

    app.clientside_callback(
        "function() { return null; }",
        dash.Output(ids.FAILURE_NOTICE, "children", allow_duplicate=True),
        dash.Input(ids.PAGES_LOCATION, "pathname"),
        prevent_initial_call=True,
    )


def _routing() -> bool:
    body = request.get_json(silent=True) if request.path == CALLBACK_PATH else None
    return isinstance(body, dict) and ROUTER_OUTPUT in str(body.get("output", ""))
