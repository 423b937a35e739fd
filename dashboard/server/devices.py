"""The "known device" cookie: signing in gives the browser a signed cookie naming the user (by digest) and a random
device id; when that browser signs in as the same user again, only its own failed attempts make it wait, so a
stranger's guesses never keep the user out (`measures.accounts.sign_in_delays`)."""

from __future__ import annotations

import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from dashboard.server.sessions import cookie_secure
from measures.accounts import sign_in_delays, users

DEVICE_COOKIE = "mtm_device"
DEVICE_COOKIE_DAYS = 365


def _devices() -> URLSafeSerializer:
    key = current_app.secret_key
    if not key:  # never sign with an empty key; the gate answers first while the key cannot be read
        raise RuntimeError("The session key has not been read from the database yet.")
    return URLSafeSerializer(key, salt="known-device")


def _name_digest(name: str) -> str:
    return sign_in_delays.attempt_key(users.name_key(name)[:80])


def known_device(name: str) -> str:
    """Return this browser's device id when it has signed in as `name` before (its cookie is valid), else ''.
    Needs a request context; raises nothing for a missing, forged or malformed cookie."""
    try:
        known = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return ""
    if isinstance(known, dict) and known.get("name") == _name_digest(name) and isinstance(known.get("device"), str):
        return str(known["device"][:64])
    return ""


def remember_device(response: Response, name: str, device: str) -> None:
    """Set the cookie on `response` marking this browser as one where `name` has signed in (keeping its device id
    `device` if it had one, else a new random one)."""
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps({"name": _name_digest(name), "device": device or secrets.token_hex(16)}),
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        path="/",
        secure=cookie_secure(current_app),
    )
