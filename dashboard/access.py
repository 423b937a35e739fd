"""Who may see what. Worker-level figures (caseloads per pseudonymous social worker) are staff personal data
and are for managers only: every page that shows them, or links to them, asks `may_see_worker_level()`.
This module is the one place to change when roles arrive."""

from __future__ import annotations


def may_see_worker_level() -> bool:
    """Return True when the current reader may see worker-level figures.

    For now every reader may: there is no sign-in yet. Roles arrive with sign-in (a later issue); this
    function will then read the signed-in reader's role from the request, and the workers page, the teams
    page's links and `measures.drilldown.worker_caseloads` (which refuses with PermissionError unless told
    the reader may) all follow it without further change.
    """
    return True
