"""The Measures that Matter dashboard (Dash, multi-page). `create_app()` builds it; `app.py` serves it."""

from __future__ import annotations

from pathlib import Path

from dash import Dash

ROOT = Path(__file__).resolve().parent.parent


def create_app() -> Dash:
    """Return the Dash app with every page of `dashboard/pages/` registered and the shared stylesheet."""
    from dashboard.components.shell import shell

    app = Dash(
        "dashboard",
        use_pages=True,
        pages_folder="pages",
        assets_folder=str(ROOT / "assets"),
        title="Measures that Matter",
        update_title=None,
    )
    app.layout = shell
    return app

