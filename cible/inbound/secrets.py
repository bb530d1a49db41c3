"""Chat secrets at rest: encrypted with a key derived from the server's secret key
(Fernet: AES in CBC mode with an HMAC, from the `cryptography` package). Changing
`CIBLE_SECRET_KEY` makes the stored secrets unreadable: they must then be entered again
(the chat settings page says so)."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.utils.crypto import salted_hmac

SALT = "cible.inbound.secrets"


def _fernet() -> Fernet:
    key = salted_hmac(SALT, "fernet", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def decrypt(stored: str) -> str:
    """The secret, or "" when there is none or it cannot be read (another secret key)."""
    if not stored:
        return ""
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except (InvalidToken, ValueError):
        return ""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
