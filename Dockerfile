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
    SQLITE_PATH=/data/db.sqlite3

RUN useradd --create-home --uid 1000 planner \
    && mkdir /data && chown planner:planner /data
WORKDIR /app

# Editable, because settings find templates/ and static/ beside the planner package.
COPY . .
RUN pip install -e .

# The key only lets settings load for collectstatic; it is not kept in the image.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

USER planner
VOLUME /data
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn planner.wsgi --bind 0.0.0.0:${PORT:-8000} --access-logfile -"]
