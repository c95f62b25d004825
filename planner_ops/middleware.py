"""Request plumbing: health probes, and headers for private pages."""

from __future__ import annotations

from django.conf import settings

from planner_ops import health

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


def is_private(request) -> bool:
    """Return whether the request reached a view named in PRIVATE_URL_NAMESPACES/_NAMES.

    A URL that matches no view is private too: it may be a plan link with a typo.
    """
    match = request.resolver_match
    if match is None:
        return True
    return (
        match.namespace in settings.PRIVATE_URL_NAMESPACES
        or match.view_name in settings.PRIVATE_URL_NAMES
    )


class PrivatePageMiddleware:
    """Keep plan pages (and error pages under them) out of caches, search engines and Referers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_private(request):
            response["Cache-Control"] = "private, no-store"
            if "noindex" not in response.get("X-Robots-Tag", ""):
                response["X-Robots-Tag"] = "noindex"
            # The URL is the secret: do not hand it even to our own static file requests.
            # Not "no-referrer": with it browsers send "Origin: null" on form posts, and
            # Django's CSRF check then refuses every POST from these pages.
            response["Referrer-Policy"] = "strict-origin"
        return response
