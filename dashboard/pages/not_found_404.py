"""The page shown for an address that does not exist."""

import dash
from dash import dcc, html

dash.register_page(__name__, path="/404", name="Page not found", title="Page not found", nav=False)

layout = html.Div(
    [
        html.H1("Page not found"),
        html.P("If you typed the address, check it is correct. If you followed a link, it may be out of date."),
        html.P(dcc.Link("Go to the Measures that Matter table", href="/")),
    ]
)
