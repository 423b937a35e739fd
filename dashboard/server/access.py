"""Who may see what, in the words pages use. Worker-level figures (caseloads per pseudonymous social worker) are
staff personal data: every page that shows them, or links to them, asks `may_see_worker_level()`; the server
also refuses their callbacks to anyone else (see `dashboard.server.gate`)."""

from __future__ import annotations

from dashboard.server import readers
from measures.accounts import users


def may_see_worker_level() -> bool:
    """Return True when the reader of this request may see worker-level figures (officers and admins)."""
    return readers.may(users.VIEW_WORKERS)


def may_see_officer_notes() -> bool:
    """Return True when the reader of this request may read the catalogue's working notes on its sources (those
    who prepare the figures: officers and admins); everyone else reads the sources named plainly."""
    return readers.may(users.UPLOAD)


def may_see_teams() -> bool:
    """Return True when the reader of this request may see team-level figures (anyone signed in)."""
    return readers.may(users.VIEW_TEAMS)
