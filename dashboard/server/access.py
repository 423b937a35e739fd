"""Who may see what, in the words pages use. Worker-level figures (caseloads per pseudonymous social worker) are
staff personal data: every page that shows them, or links to them, asks `may_see_worker_level()`; the server
also refuses their callbacks to anyone else (see `dashboard.server.gate`)."""

from __future__ import annotations

from dashboard.server import readers
from dashboard.server.data import engine
from measures.accounts import users
from measures.storage import publications, reads


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


def may_see_drafts() -> bool:
    """Return True when the reader of this request may see draft months (officers and admins)."""
    return readers.may(users.SEE_DRAFTS)


def visible_months() -> reads.Visible:
    """Return the months the reader of this request may see figures of: None (every month) for officers and
    admins, else the published months. Every page hands this to the views, so the server reads no figure of a
    draft month for a viewer, for open viewing or for the meeting-pack printer."""
    if may_see_drafts():
        return None
    return publications.published_months(engine())
