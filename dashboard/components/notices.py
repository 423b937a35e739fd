"""Notices that several pages show: a month in the address that cannot be shown, and demonstration data."""

from __future__ import annotations

from collections.abc import Collection

from dash import html

from dashboard.server import auth
from measures.domain.periods import is_period, long_label

# "Published" means signed off by an admin (every demo month is), so the real months are named by their source.
REAL_MONTHS = "December 2022 and January 2023 whole-service figures are the real figures from the committee paper."


def month_notices(
    requested: str | None, available: Collection[str] | None = None, shown: str | None = None
) -> list[html.P]:
    """Warn when the address names something that is not a month, or (given `available`) a month with no figures,
    naming the month `shown` instead when there is one."""
    if requested and not is_period(requested):
        return [
            html.P(
                f"“{requested}” is not a month in the form YYYY-MM, so the latest month is shown.",
                className="notice notice-warning",
                role="status",
            )
        ]
    if requested and available is not None and requested not in available:
        return [
            html.P(
                f"There are no figures for {long_label(requested)} yet"
                + (f", so {long_label(shown)} is shown." if shown and shown != requested else "."),
                className="notice notice-warning",
                role="status",
            )
        ]
    return []


def synthetic_notice(what: str = "Figures marked †", real_months: bool = True, class_name: str = "") -> html.P:
    """Say that `what` (e.g. 'Figures marked †') are synthetic demonstration figures, not real ones, and (with
    `real_months`) which months are the real figures."""
    text = f"{what} are synthetic, made up to show how the dashboard works: they are not real."
    if real_months:
        text += f" {REAL_MONTHS}"
    return html.P(
        [html.Strong("Demonstration data. "), text],
        className=" ".join(filter(None, ["notice notice-info", class_name])),
    )


def refusal_notice(title: str, permission: str) -> html.Div | None:
    """Return a page saying why this reader may not see it (and how to sign in), or None when they may."""
    reason = auth.refusal_reason(permission)
    if reason is None:
        return None
    action = (
        html.A("Sign in", href="/sign-in", className="button")
        if not auth.signed_in()
        else html.P(
            "If you need it for your work, ask the performance team's administrator to change your role.",
            className="hint",
        )
    )
    return html.Div(
        [
            html.H1(title),
            html.P(reason, className="notice notice-warning", role="alert"),
            action,
        ],
        className="refusal",
    )
