"""Fixed-window rate limits per client address, counted in the database.

Every worker process (and every replica behind a load balancer) counts in the same
`RateLimitBucket` rows, so the limit holds for the site, not for one process. The
increment is a single conditional UPDATE, so concurrent requests never lose a hit.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.template.response import SimpleTemplateResponse

from planner_ops.models import RateLimitBucket

# "create": saving a plan (the API's POST, and the wizard's save, which counts itself wherever
# it is posted). "lookup": anything that looks up a plan by token.
CREATE, LOOKUP = "create", "lookup"
# Buckets untouched for this long are deleted when a client opens a new one.
STALE_AFTER = 86_400


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    hits: int
    limit: int
    retry_after: int  # seconds until the current window ends


def rate_limit(scope: str, *, api: bool = False):
    """Count each request to the view against `scope`'s limit; answer 429 beyond it.

    Counted before the view runs, so a 429 never says whether a token exists. With `api`,
    the 429 is in the API's JSON error shape.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            refused = over_limit(request, scope, api=api)
            return refused or view(request, *args, **kwargs)

        return wrapper

    return decorate


def over_limit(request, scope: str, *, api: bool = False):
    """Count `request` against `scope`'s limit; return the 429 response if it is over, else None."""
    rate = getattr(settings, f"RATE_LIMIT_{scope.upper()}")
    if not rate:
        return None
    limit, period = rate
    verdict = hit(scope, client_address(request.META), limit=limit, period=period)
    return None if verdict.allowed else too_many_requests(verdict, api=api)


def too_many_requests(verdict: Verdict, *, api: bool = False):
    """Return a 429 with Retry-After: JSON in the API's error shape, else the HTML page."""
    message = f"Too many requests from your address. Try again in {verdict.retry_after} seconds."
    if api:
        response = JsonResponse({"errors": {"": [message]}}, status=429)
    else:
        response = SimpleTemplateResponse(
            "429.html", {"retry_after": verdict.retry_after}, status=429
        )
        response.render()
    response["Retry-After"] = str(verdict.retry_after)
    response["Cache-Control"] = "no-store"
    return response


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
