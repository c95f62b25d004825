# The production image: `make serve` in a container. Build: docker build -t connector-planner .
FROM python:3.11-slim

# WeasyPrint (PDF plans) needs Pango and HarfBuzz; DejaVu gives it a font.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    PORT=8000 \
    SQLITE_PATH=/data/db.sqlite3

RUN useradd --create-home --uid 1000 planner \
    && mkdir /data && chown planner:planner /data
WORKDIR /app

# The locked dependencies first, so a code change keeps this layer.
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# Editable, because settings find templates/ and static/ beside the planner package.
RUN pip install --no-deps -e .

# The key only lets settings load for collectstatic; it is not kept in the image.
RUN SECRET_KEY=collectstatic-only-not-a-secret-but-long-enough-for-the-settings python manage.py collectstatic --noinput --verbosity 0

USER planner
VOLUME /data
EXPOSE 8000

# Liveness only: /healthz touches no database, so a slow database never restarts the app.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT') or 8000}/healthz\", timeout=4)"]

# The same server command as `make serve` (which also collects static files, done above).
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn -c gunicorn.conf.py planner.wsgi"]
