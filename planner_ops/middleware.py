"""Request plumbing: health probes, headers for private pages, and rate limits."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import JsonResponse
from django.template.response import SimpleTemplateResponse

from planner import health, ratelimit

# Pages that show a plan or the answers behind one: capability links and the wizard.
PRIVATE_PATHS = re.compile(r"^/(?:p|e|wizard)/|^/api/plans/[^/]")
PROBES = {"/healthz": health.healthz, "/readyz": health.readyz}


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before host checks, sessions or rate limits run.

    Load balancers and Docker probe by IP address, which ALLOWED_HOSTS rightly refuses
    for pages, and a probe should not create sessions or count against anyone's limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info.rstrip("/"))
        if probe is not None:
            return probe(request)
        return self.get_response(request)


class PrivatePageMiddleware:
    """Keep plan pages out of caches, search engines and Referer headers.

    Views set these too; this is the safety net for any plan page that forgets, and for
    error pages under the same prefixes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if PRIVATE_PATHS.match(request.path_info):
            response["Cache-Control"] = "private, no-store"
            if "noindex" not in response.get("X-Robots-Tag", ""):
                response["X-Robots-Tag"] = "noindex"
            # The URL is the secret: do not hand it even to our own static file requests.
            # Not "no-referrer": with it browsers send "Origin: null" on form posts, and
            # Django's CSRF check then refuses every POST from these pages.
            response["Referrer-Policy"] = "strict-origin"
        return response


class RateLimitMiddleware:
    """Refuse plan creation and token look-ups beyond the per-address limits with 429."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = ratelimit.scope_for(request.method, request.path_info)
        refused = scope and over_limit(request, scope)
        return refused or self.get_response(request)


def over_limit(request, scope: str):
    """Count `request` against `scope`'s limit; return the 429 response if it is over, else None."""
    rate = getattr(settings, f"RATE_LIMIT_{scope.upper()}")
    if not rate:
        return None
    limit, period = rate
    verdict = ratelimit.hit(
        scope, ratelimit.client_address(request.META), limit=limit, period=period
    )
    return None if verdict.allowed else too_many_requests(request, verdict)


def too_many_requests(request, verdict: ratelimit.Verdict):
    """Return a 429 with Retry-After: JSON in the API's error shape, else the HTML page."""
    message = f"Too many requests from your address. Try again in {verdict.retry_after} seconds."
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"errors": {"": [message]}}, status=429)
    else:
        response = SimpleTemplateResponse(
            "429.html", {"retry_after": verdict.retry_after}, status=429
        )
        response.render()
    response["Retry-After"] = str(verdict.retry_after)
    response["Cache-Control"] = "no-store"
    return response
