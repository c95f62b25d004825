"""Fixed-window rate limits per client address, counted in the database.

Every worker process (and every replica behind a load balancer) counts in the same
`RateLimitBucket` rows, so the limit holds for the site, not for one process. The
increment is a single conditional UPDATE, so concurrent requests never lose a hit.
"""

from __future__ import annotations

import ipaddress
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from planner_ops.models import RateLimitBucket

CREATE, LOOKUP = "create", "lookup"

# Saving a plan through the API. The wizard counts its saves itself (wherever they are posted).
_CREATE_PATHS = re.compile(r"^/api/plans/?$")
# Anything that looks up a plan by token.
_LOOKUP_PATHS = re.compile(r"^/(?:p|e|wizard/edit)/[^/]+|^/api/plans/[^/]+")
# Buckets untouched for this long are deleted when a client opens a new one.
STALE_AFTER = 86_400


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    hits: int
    limit: int
    retry_after: int  # seconds until the current window ends


def scope_for(method: str, path: str) -> str | None:
    """Return which limit a request counts against, or None if it is not limited."""
    if method == "POST" and _CREATE_PATHS.match(path):
        return CREATE
    if _LOOKUP_PATHS.match(path):
        return LOOKUP
    return None


def client_address(meta) -> str:
    """Return the address to count a request against.

    With TRUSTED_PROXY_COUNT = n > 0, the n-th address from the right of X-Forwarded-For
    is the one the outermost trusted proxy saw; anything left of it is client-supplied
    and could be forged. IPv6 clients are counted per /64, the block one host usually has.
    """
    address = meta.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if hops:
            address = hops[-proxies] if len(hops) >= proxies else hops[0]
    try:
        ip = ipaddress.ip_address(_without_port(address))
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _without_port(address: str) -> str:
    # Some load balancers append the client's port: "203.0.113.5:4711", "[2001:db8::1]:443".
    if address.startswith("["):
        return address[1:].partition("]")[0]
    if address.count(":") == 1:
        return address.partition(":")[0]
    return address


def hit(scope: str, client: str, *, limit: int, period: int, now: float | None = None) -> Verdict:
    """Count one request by `client` against `scope` and say whether it is within `limit`."""
    now = time.time() if now is None else now
    window = int(now // period * period)
    hits = _increment(f"{scope}:{client}"[:80], window)
    if hits == 1:
        # The client opened a new window: a cheap moment to forget long-gone clients.
        RateLimitBucket.objects.filter(window_start__lt=window - STALE_AFTER).delete()
    retry_after = max(1, math.ceil(window + period - now))
    return Verdict(allowed=hits <= limit, hits=hits, limit=limit, retry_after=retry_after)


def _increment(key: str, window: int) -> int:
    """Add one hit to `key` in `window` (restarting a row left from an older window).

    One upsert statement, atomic on both SQLite and PostgreSQL: concurrent requests
    never lose a hit, and the count returned includes exactly the hits so far.
    """
    table = connection.ops.quote_name(RateLimitBucket._meta.db_table)
    sql = f"""
        INSERT INTO {table} ("key", window_start, hits) VALUES (%s, %s, 1)
        ON CONFLICT ("key") DO UPDATE SET
            hits = CASE WHEN {table}.window_start >= excluded.window_start
                        THEN {table}.hits + 1 ELSE 1 END,
            window_start = CASE WHEN {table}.window_start >= excluded.window_start
                                THEN {table}.window_start ELSE excluded.window_start END
        RETURNING hits
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, window])
        return cursor.fetchone()[0]
