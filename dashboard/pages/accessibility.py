"""Accessibility statement (`/accessibility`), in the form the UK public sector accessibility regulations expect:
how accessible the dashboard is, what we test, known limitations, how to report a problem, the enforcement
procedure and when the statement was prepared. Linked from the footer of every page."""

from __future__ import annotations

from datetime import date

import dash
from dash import dcc, html

from dashboard.server import auth
from dashboard.server.query import single_query_values
from measures.domain.periods import MONTH_NAMES

dash.register_page(
    __name__,
    path="/accessibility",
    name="Accessibility statement",
    title="Accessibility statement - Measures that Matter",
    nav=False,
    required_permission=auth.PUBLIC,
    cached=True,
)

SERVICE = "Measures that Matter"
OWNER = "the council's children's services performance team"
# The council's own contact details belong here before the dashboard is published; until then the statement says
# that they are to be confirmed rather than inventing an address.
CONTACT_EMAIL: str | None = None
RESPONSE_DAYS = 10
PREPARED = date(2026, 11, 24)
REVIEWED = date(2026, 12, 6)
EASS_URL = "https://www.equalityadvisoryservice.com/"
ABILITYNET_URL = "https://mcmw.abilitynet.org.uk/"
WCAG_URL = "https://www.w3.org/TR/WCAG22/"


def _day(moment: date) -> str:
    return f"{moment.day} {MONTH_NAMES[moment.month - 1]} {moment.year}"


def _contact() -> list:
    if CONTACT_EMAIL:
        return [html.A(CONTACT_EMAIL, href=f"mailto:{CONTACT_EMAIL}")]
    return [f"email {OWNER} (the address will be published here before the dashboard goes live)"]


def _section(heading: str, *children) -> html.Section:
    slug = heading.lower().replace(" ", "-").replace("’", "").replace("'", "")
    return html.Section(
        [html.H2(heading, id=f"statement-{slug}"), *children], **{"aria-labelledby": f"statement-{slug}"}
    )


@single_query_values
def layout(**_query) -> html.Div:
    """The statement; it holds no figures, so it is the same on every visit."""
    return html.Div(
        [
            html.H1(f"Accessibility statement for {SERVICE}"),
            html.P(
                f"This accessibility statement applies to the {SERVICE} dashboard of the children's services "
                f"improvement programme, including its meeting pack and the PDF of the pack. It is run by {OWNER}.",
                className="lede",
            ),
            _section(
                "Using this dashboard",
                html.P(
                    "We want as many people as possible to be able to use this dashboard. For example, you "
                    "should be able to:"
                ),
                html.Ul(
                    [
                        html.Li("change colours, contrast levels and fonts using your browser or device settings"),
                        html.Li(
                            "zoom in with your browser, or read on a phone: pages reflow into one column, charts put "
                            "their key under the chart, and tables become a block per row with each figure "
                            "labelled; a few long tables of data (every council's figures, each team's) scroll "
                            "sideways inside their own area, which you can reach and scroll with the keyboard"
                        ),
                        html.Li(
                            "move through every page and use every control with a keyboard alone, starting with "
                            "a “Skip to main content” link"
                        ),
                        html.Li(
                            "use a screen reader: each chart has a summary sentence and a table of its data, and "
                            "each table has headings for its rows and columns"
                        ),
                        html.Li(
                            "understand every judgement without seeing colour: arrows, ratings and special-cause "
                            "icons always carry words, such as “Up, better” or “Off target”"
                        ),
                        html.Li(
                            "print a month's meeting pack, or download it as a PDF, with each improvement area "
                            "starting on a new page"
                        ),
                    ]
                ),
                html.P(
                    [
                        "We have also made the text as simple as we can. ",
                        html.A("AbilityNet has advice on making your device easier to use", href=ABILITYNET_URL),
                        " if you have a disability.",
                    ]
                ),
            ),
            _section(
                "How accessible this dashboard is",
                html.P("We know some parts of this dashboard are not fully accessible:"),
                html.Ul(
                    [
                        html.Li(
                            "the charts themselves cannot be explored point by point with a screen reader or a "
                            "keyboard; their text alternatives are the summary sentence above each chart and the "
                            "data table with it, which hold the same figures"
                        ),
                        html.Li(
                            "the small trend lines in the table of measures are images; their text says only the "
                            "first and last month and value, and the full series is on each measure's page"
                        ),
                        html.Li(
                            "the PDF of the meeting pack is printed from the web page by a browser: its headings "
                            "and tables may not be tagged for screen readers, and it cannot reflow; the meeting "
                            "pack web page has exactly the same content and is the accessible version"
                        ),
                        html.Li(
                            "the month pickers use a Dash component that we adjust so that it is reached and "
                            "named by keyboard and screen reader; every month also has its own web address "
                            "(for example ?period=2023-01), so you never need the picker"
                        ),
                    ]
                ),
            ),
            _section(
                "Feedback and contact information",
                html.P(
                    [
                        "If you need information from this dashboard in a different format, such as accessible "
                        "PDF, large print, easy read or the figures as a spreadsheet, ",
                        *_contact(),
                        f". We'll consider your request and get back to you within {RESPONSE_DAYS} working days.",
                    ]
                ),
            ),
            _section(
                "Reporting accessibility problems with this dashboard",
                html.P(
                    [
                        "We're always looking to improve the accessibility of this dashboard. If you find any "
                        "problems not listed on this page or think we're not meeting accessibility requirements, ",
                        *_contact(),
                        ". Tell us the page's web address, what you were trying to do and what "
                        "assistive technology, if any, you were using.",
                    ]
                ),
            ),
            _section(
                "Enforcement procedure",
                html.P(
                    "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public "
                    "Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 "
                    "(the ‘accessibility regulations’)."
                ),
                html.P(
                    [
                        "If you're not happy with how we respond to your complaint, ",
                        html.A("contact the Equality Advisory and Support Service (EASS)", href=EASS_URL),
                        ".",
                    ]
                ),
            ),
            _section(
                "Technical information about this dashboard’s accessibility",
                html.P(
                    "The council is committed to making its websites accessible, in accordance with the Public "
                    "Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018."
                ),
                html.H3("Compliance status"),
                html.P(
                    [
                        "This dashboard is partially compliant with the ",
                        html.A("Web Content Accessibility Guidelines version 2.2", href=WCAG_URL),
                        " AA standard, due to the non-compliances listed below.",
                    ]
                ),
                html.H3("Non-accessible content"),
                html.P("The content listed below is non-accessible for the following reasons."),
                html.Ul(
                    [
                        html.Li(
                            "Charts cannot be explored by keyboard or screen reader point by point (WCAG 2.2 "
                            "success criterion 1.1.1, non-text content, met through the summary sentence and data "
                            "table; 2.1.1, keyboard, for the chart's own zoom and hover)."
                        ),
                        html.Li(
                            "The PDF of the meeting pack may not be tagged (1.3.1, info and relationships) and does "
                            "not reflow (1.4.10, reflow). The meeting pack web page is the accessible alternative."
                        ),
                    ]
                ),
                html.P("We do not claim that fixing any of these would be a disproportionate burden."),
            ),
            _section(
                "How we tested this dashboard",
                html.P("Every page is checked automatically each time the dashboard's tests run:"),
                html.Ul(
                    [
                        html.Li(
                            "axe-core, an automated accessibility checker, runs in a real browser (Chromium) on "
                            "every page, including the meeting pack and this statement, against the WCAG 2.0, 2.1 "
                            "and 2.2 level A and AA rules; any serious or critical problem stops a release"
                        ),
                        html.Li(
                            "keyboard tests check that the “Skip to main content” link is the first thing reached "
                            "and moves focus to the page's content, that the month picker is reached and used "
                            "without a mouse, and that the focused control is always visibly outlined"
                        ),
                        html.Li(
                            "every page is opened on a phone's screen (390 pixels wide) and at 200% zoom on a "
                            "1280-pixel screen, and fails if anything is wider than the screen outside a scrolling "
                            "area you can reach with the keyboard, or if a chart's key or labels are cut off or "
                            "overlap"
                        ),
                        html.Li("the meeting pack's PDF is made and read back in every test run"),
                    ]
                ),
                html.P(
                    "Automated checks find only some problems. We have not yet tested the dashboard with screen "
                    "reader users or commissioned an independent audit."
                ),
            ),
            _section(
                "What we’re doing to improve accessibility",
                html.P(
                    "We will test the dashboard with councillors and officers who use screen readers, "
                    "magnifiers and speech recognition, and fix what they find. We will review this statement "
                    "whenever the dashboard changes significantly."
                ),
            ),
            _section(
                "Preparation of this accessibility statement",
                html.P(f"This statement was prepared on {_day(PREPARED)}. It was last reviewed on {_day(REVIEWED)}."),
                html.P(
                    "This dashboard was last tested on the date above by automated checks with axe-core and "
                    "keyboard tests, carried out by the team that builds it."
                ),
            ),
            html.P(dcc.Link("Back to the Measures that Matter table", href="/")),
        ],
        className="statement",
    )
