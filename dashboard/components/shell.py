"""The frame every page sits in: skip link, header with navigation, main content, footer; and the page's
language, declared in the HTML every page is served in."""

from __future__ import annotations

import re

import dash
from dash import dcc, html
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids
from dashboard.server import auth
from dashboard.server.data import engine
from measures.accounts import users
from measures.domain.council import load_council
from measures.domain.number_words import number_in_words
from measures.storage.catalogue_records import read_catalogue

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
        if page.get("nav", True)
        and page["module"].split(".")[-1] != "not_found_404"
        and auth.may(page.get("required_permission", users.VIEW_SERVICE))
    ]
    return html.Nav(html.Ul(links, className="nav-list"), className="site-nav", **{"aria-label": "Main"})


def _account() -> html.Div:
    """Who is signed in, with their role, links to change the password and to choose the email briefing, and a
    sign-out button (a form post carrying the CSRF token); or a sign-in link for someone reading without signing
    in."""
    if not auth.signed_in():
        return html.Div(html.A("Sign in", href="/sign-in", className="account-link"), className="account")
    return html.Div(
        [
            html.Span([html.Span(auth.current_name(), className="account-name"), f" ({auth.current_role()})"]),
            html.A("Change password", href="/account/password", className="account-link"),
            html.A("Email briefing", href="/account/briefing", className="account-link"),
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf_token", value=generate_csrf(), id="sign-out-token"),
                    html.Button("Sign out", type="submit", className="account-button"),
                ],
                action="/sign-out",
                method="post",
                className="account-form",
            ),
        ],
        className="account",
    )


def _plan_line() -> html.P | None:
    """The improvement plan's extent, from the catalogue in the database: "Improvement plan: ten improvement
    areas; measures 1.1 to 10.7." Left out when the catalogue is empty or cannot be read (a page that says why
    the database is unreadable must still be shown)."""
    try:
        catalogue = read_catalogue(engine())
    except SQLAlchemyError:
        return None
    if not catalogue.measures:
        return None
    areas = len(catalogue.areas)
    noun = "improvement area" if areas == 1 else "improvement areas"
    return html.P(
        f"Improvement plan: {number_in_words(areas)} {noun}; "
        f"measures {catalogue.measures[0].ref} to {catalogue.measures[-1].ref}."
    )


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
                            [
                                html.Span(f"{load_council().name} Children and Families", className="brand-kicker"),
                                html.Span("Measures that Matter", className="brand-name"),
                            ],
                            href="/",
                            className="brand",
                        ),
                        _navigation(),
                        _account(),
                    ],
                    className="header-inner",
                ),
                className="site-header",
            ),
            html.Main(
                [html.Div(id=ids.FAILURE_NOTICE), dash.page_container], id="main", className="site-main", tabIndex="-1"
            ),
            html.Footer(
                html.Div(
                    [
                        html.P(
                            "Figures are computed from the monthly return: arrows, judgements and ratings are "
                            "never typed by hand."
                        ),
                        _plan_line(),
                        html.P(dcc.Link("Accessibility statement", href="/accessibility")),
                    ],
                    className="footer-inner",
                ),
                className="site-footer",
            ),
        ],
        className="site",
    )
