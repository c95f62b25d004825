"""Plan links: random tokens, their stored hashes, and the sealed share token.

Only SHA-256 hashes of the tokens are stored, so a copy of the database opens no plan.
The edit page must still show the share link, so the share token is also stored sealed:
XOR-ed with a keystream that only the edit token can derive.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from django.core import signing
from django.utils.crypto import salted_hmac

TOKEN_BYTES = 32  # 256 bits
TOKEN_LENGTH = 43  # base64url of 32 bytes, without padding
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"
_TOKEN = re.compile(rf"^{TOKEN_PATTERN}$")
_SEAL_LABEL = b"share-link"


def new_token() -> str:
    """Return a fresh URL-safe token carrying 256 random bits."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(value: object) -> bool:
    """Return whether `value` has the shape of a token (so it is worth a database look-up)."""
    return isinstance(value, str) and bool(_TOKEN.match(value))


def hash_token(token: str) -> str:
    """Return the hex SHA-256 of `token`: what the database stores and looks up."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Return whether `token` hashes to `stored_hash`, in constant time."""
    return is_token(token) and hmac.compare_digest(hash_token(token), stored_hash)


def _keystream(edit_token: str) -> bytes:
    return hmac.new(edit_token.encode("ascii"), _SEAL_LABEL, hashlib.sha256).digest()


def _token_bytes(token: str) -> bytes:
    raw = base64.urlsafe_b64decode(token + "=")
    if len(raw) != TOKEN_BYTES:
        raise ValueError("not a plan token")
    return raw


def seal_share_token(share_token: str, *, edit_token: str) -> str:
    """Return `share_token` sealed with `edit_token`, as 64 hex characters."""
    raw = _token_bytes(share_token)
    return bytes(a ^ b for a, b in zip(raw, _keystream(edit_token), strict=True)).hex()


def unseal_share_token(sealed: str, *, edit_token: str) -> str:
    """Return the share token sealed by `seal_share_token()` with the same edit token."""
    raw = bytes(a ^ b for a, b in zip(bytes.fromhex(sealed), _keystream(edit_token), strict=True))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def seal_with_secret(token: str, *, purpose: str) -> str:
    """Return `token` encrypted with a key derived from SECRET_KEY, signed and timestamped.

    For tokens the server must keep for a while (a wizard run's edit link, the link shown after
    a save): the value is useless without SECRET_KEY, so a copy of the database opens nothing.
    """
    nonce = secrets.token_bytes(16)
    stream = salted_hmac(purpose, nonce, algorithm="sha256").digest()
    sealed = nonce + bytes(a ^ b for a, b in zip(_token_bytes(token), stream, strict=True))
    return signing.dumps(base64.urlsafe_b64encode(sealed).decode("ascii"), salt=purpose)


def unseal_with_secret(value: object, *, purpose: str, max_age: float | None = None) -> str | None:
    """Return the token `seal_with_secret()` sealed, or None if it is damaged or too old."""
    try:
        sealed = base64.urlsafe_b64decode(signing.loads(value, salt=purpose, max_age=max_age))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if len(sealed) != 16 + TOKEN_BYTES:
        return None
    stream = salted_hmac(purpose, sealed[:16], algorithm="sha256").digest()
    raw = bytes(a ^ b for a, b in zip(sealed[16:], stream, strict=True))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
