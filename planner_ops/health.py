"""Answers for load balancers and container runtimes: liveness and readiness probes."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """Say the process is up; touches nothing else, so a slow database never restarts it."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_safe
def readyz(request):
    """Say whether this process can serve traffic: 200 if the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Readiness check: the database did not answer")
        return HttpResponse("database unavailable\n", content_type="text/plain", status=503)
    return HttpResponse("ready\n", content_type="text/plain")
