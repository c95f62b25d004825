"""gunicorn settings for `make serve` and the Docker image: `gunicorn -c gunicorn.conf.py planner.wsgi`.

Environment: BIND (default 0.0.0.0:$PORT, PORT default 8000), WEB_CONCURRENCY (worker
processes, default 2), GUNICORN_THREADS (threads per worker, default 4), GUNICORN_TIMEOUT
(seconds, default 60: a large plan's PDF takes a few seconds on a slow machine).
"""

import os

bind = os.environ.get("BIND") or f"0.0.0.0:{os.environ.get('PORT') or '8000'}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
# Threads (gthread workers) keep pages flowing while a worker renders a PDF: with one thread per
# worker, two PDFs in progress left every other request waiting seconds (issue 7, `make bench`).
# PDF_MAX_CONCURRENCY still bounds the renders per worker.
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30

# Load Django once in the master; workers share those pages. WeasyPrint is loaded in each worker's
# PDF fork server (planner/exports/pdf.py), never in the master or the workers themselves.
preload_app = True

# Both logs to stdout/stderr for the container runtime; tokens in plan URLs are masked.
logger_class = "planner_ops.gunicorn_logging.MaskingLogger"
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# gunicorn trusts X-Forwarded-Proto/-Ssl/-Protocol from 127.0.0.1 by default; honour them only
# when the deployment says a proxy sets them, as Django does (review C12).
if (os.environ.get("TRUST_X_FORWARDED_PROTO") or "").strip().lower() not in {
    "1",
    "true",
    "yes",
    "on",
}:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}

# Small request heads: nothing in this app needs long URLs or many headers.
limit_request_line = 4094
limit_request_fields = 50


def post_worker_init(worker):
    """Start this worker's PDF fork server now, so no visitor waits for it on a first PDF."""
    from planner.exports.pdf import start_renderer

    # Every render's child runs gunicorn's script again: its one import is loaded once, there.
    start_renderer(preload=("gunicorn.app.wsgiapp",))
