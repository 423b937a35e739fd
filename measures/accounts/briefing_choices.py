"""Each user's choice about the monthly briefing: the email address it goes to and whether they want it.

A user makes the choice for themselves on their account page; it is audited like every other change to a user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, select, update

from measures.accounts.names import name_key
from measures.storage import audit, db

MAX_ADDRESS_LENGTH = 254  # RFC 5321's longest forward path, less its angle brackets
# One address, no display name, no spaces or angle brackets: what a person types, never a list or a header.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


class BriefingChoiceError(ValueError):
    """The choice could not be saved; the message says why in a sentence."""


@dataclass(frozen=True)
class BriefingChoice:
    """Where a user's briefing goes (`address`, "" for nowhere) and whether they want it (`wanted`)."""

    address: str
    wanted: bool


def check_address(address: str) -> str:
    """Return the address, trimmed ("" stays ""). Raises BriefingChoiceError unless it is one plain address such as
    name@council.gov.uk."""
    cleaned = address.strip()
    if not cleaned:
        return ""
    if len(cleaned) > MAX_ADDRESS_LENGTH or not _ADDRESS.fullmatch(cleaned):
        raise BriefingChoiceError(
            "The email address must be one address such as name@council.gov.uk, without spaces or a name."
        )
    return cleaned


def briefing_choice(engine: Engine, name: str) -> BriefingChoice:
    """Return the choice of the user `name`. Raises KeyError for an unknown user, sqlalchemy errors."""
    u = db.users.c
    with engine.connect() as connection:
        row = connection.execute(
            select(u.email, u.wants_briefing).where(u.name_key == bindparam("key")), {"key": name_key(name)}
        ).first()
    if row is None:
        raise KeyError(name)
    return BriefingChoice(row.email or "", bool(row.wants_briefing))


def set_briefing_choice(engine: Engine, name: str, address: str, wanted: bool, actor: str) -> BriefingChoice:
    """Save the user `name`'s address and whether they want the briefing, as `actor`; audited.

    Returns the saved choice. Raises BriefingChoiceError for an address that is not one plain address, or for
    wanting the briefing without an address (nothing is then written); KeyError for an unknown user.
    """
    cleaned = check_address(address)
    if wanted and not cleaned:
        raise BriefingChoiceError("Give an email address for the briefing to be sent to.")
    u = db.users.c
    with db.write_transaction(engine) as connection:
        result = connection.execute(
            update(db.users)
            .where(u.name_key == bindparam("key"))
            .values(email=bindparam("email"), wants_briefing=bindparam("wanted")),
            {"key": name_key(name), "email": cleaned, "wanted": wanted},
        )
        if result.rowcount != 1:
            raise KeyError(name)
        audit.record(connection, actor, "user.briefing_changed", name, {"wants_briefing": wanted})
    return BriefingChoice(cleaned, wanted)
