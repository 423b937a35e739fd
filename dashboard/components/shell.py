"""The frame every page sits in: skip link, header with navigation, main content, footer; and the page's
language, declared in the HTML every page is served in."""

from __future__ import annotations

import re

import dash
from dash import dcc, html

from dashboard import ids

LANGUAGE = "en-GB"



@dash.hooks.index()
def _language(index: str) -> str:
    """Declare the page language (WCAG 3.1.1) in the HTML every page is served in.

    Repairs to Dash components that axe-core flags live in assets/component-repairs.js."""
    return re.sub(r"<html(?![^>]*\blang=)", f'<html lang="{LANGUAGE}"', index, count=1)


def _navigation() -> html.Nav:
    links = [
        html.Li(dcc.Link(page["name"], href=page["relative_path"], className="nav-link"))
        for page in dash.page_registry.values()
        if page.get("nav", True) and page["module"].split(".")[-1] != "not_found_404"
    ]
    return html.Nav(html.Ul(links, className="nav-list"), className="site-nav", **{"aria-label": "Main"})


def shell() -> html.Div:
    """Return the app layout: header, navigation, the current page and the footer."""
    return html.Div(
        [
            # Pages navigate by setting this location from callbacks (e.g. the month picker). It lives here,
            # beside the router's own, because Dash needs every Location of a pages app on the same layout.
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            html.A("Skip to main content", href="#main", className="skip-link"),
            html.Header(
                html.Div(
                    [
                        html.A(
                            [html.Span("Children and Families", className="brand-kicker"),
                             html.Span("Measures that Matter", className="brand-name")],
                            href="/",
                            className="brand",
                        ),
                        _navigation(),
                    ],
                    className="header-inner",
                ),
                className="site-header",
            ),
            html.Main(dash.page_container, id="main", className="site-main", tabIndex="-1"),
            html.Footer(
                html.Div(
                    [
                        html.P(
                            "Figures are computed from the monthly return: arrows, judgements and ratings are "
                            "never typed by hand."
                        ),
                        html.P("Improvement plan: ten improvement areas; measures 1.1 to 10.7."),
                        html.P(dcc.Link("Accessibility statement", href="/accessibility")),
                    ],
                    className="footer-inner",
                ),
                className="site-footer",
            ),
        ],
        className="site",
    )
