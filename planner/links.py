"""Plan links: random tokens, their stored hashes, the sealed share token, and the URLs.

Every plan URL is built here with reverse() from planner/plan_urls.py and planner/api/urls.py.
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
from enum import StrEnum

from django.core import signing
from django.urls import reverse
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


class LinkKind(StrEnum):
    """Which link opened a plan page: share links read, edit links also change the plan."""

    SHARE = "share"
    EDIT = "edit"


SHARE, EDIT = LinkKind.SHARE, LinkKind.EDIT
SCRIPT_SIDES = {"exchange-online": "exchange_online", "on-premises": "on_premises"}


def url_name(kind: LinkKind, page: str) -> str:
    """Return the name, in plan_urls.py, of `page` ("plan", "pdf", ...) behind a `kind` link."""
    if kind == SHARE:
        return "detail" if page == "plan" else page
    return "edit" if page == "plan" else f"edit_{page}"


def plan_url(kind: LinkKind, token: str, page: str = "plan", **kwargs) -> str:
    """Return the site-relative URL of a plan page."""
    return reverse(f"planner:{url_name(kind, page)}", kwargs={"token": token, **kwargs})


def share_path(share_token: str) -> str:
    return plan_url(SHARE, share_token)


def edit_path(edit_token: str) -> str:
    return plan_url(EDIT, edit_token)


def json_path(share_token: str) -> str:
    return reverse("api:plan", kwargs={"token": share_token})


class Links:
    """The URLs one kind of visitor may follow: share-link pages never get the edit ones."""

    def __init__(self, kind: LinkKind, token: str):
        self.kind, self.token = kind, token

    def url(self, page: str, **kwargs) -> str:
        return plan_url(self.kind, self.token, page, **kwargs)

    @property
    def plan(self):
        return self.url("plan")

    @property
    def pdf(self):
        return self.url("pdf")

    @property
    def pdf_letter(self):
        return f"{self.pdf}?size=letter"

    @property
    def pdf_appendix(self):
        """The PDF with its appendix: the answers, information notes and PowerShell scripts."""
        return f"{self.pdf}?appendix=1"

    @property
    def markdown(self):
        return self.url("markdown")

    @property
    def compare(self):
        return self.url("compare")

    def revision(self, number: int) -> str:
        return self.url("revision", number=number)

    def scripts(self, powershell: dict) -> dict:
        """Return the .ps1 download URL of each side that has a script."""
        return {
            key: self.url("script", side=side)
            for side, key in SCRIPT_SIDES.items()
            if powershell.get(key)
        }

    def action(self, name: str) -> str:
        """Return the URL an edit page's form posts to (edit links only)."""
        return reverse(f"planner:{name}", kwargs={"token": self.token})
