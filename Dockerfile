# syntax=docker/dockerfile:1
# Tracktwo: a builder stage installs the locked dependencies (requirements/run.txt) into a virtual
# environment; a slim runtime gets that environment plus the runtime files, runs as a non-root
# user, applies the migrations on start, then serves with TRACKTWO_WORKERS uvicorn workers.

ARG PYTHON_VERSION=3.11

# --- builder -----------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# The lock file, not pyproject.toml: every package at its locked version, each download checked
# against its hash (the same requirements/run.txt that `make run` installs). The project itself
# is not installed: app.config.ROOT is the folder holding app/, templates/, static/ and
# migrations/, so the runtime imports app from /srv/tracktwo (below).
COPY requirements/run.txt ./requirements/
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --require-hashes --no-deps -r requirements/run.txt

# --- runtime -----------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
# WeasyPrint (PDF export) needs Pango and HarfBuzz; Noto covers Arabic and Hebrew script;
# tzdata gives zoneinfo the workshops' time zones. Versions are not pinned on purpose: a
# rebuild picks up Debian's security updates.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-noto-core fonts-dejavu-core tzdata \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 tracktwo \
 && useradd --system --uid 10001 --gid tracktwo --home-dir /srv/tracktwo \
      --shell /usr/sbin/nologin tracktwo \
 && mkdir -p /data \
 && chown tracktwo:tracktwo /data

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/srv/tracktwo \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRACKTWO_ENV=production \
    TRACKTWO_HOST=0.0.0.0 \
    TRACKTWO_PORT=8000 \
    TRACKTWO_WORKERS=1 \
    TRACKTWO_ENV_FILE=/etc/tracktwo.env
# The image's default database, at the lowest precedence (a .env file): the environment and a
# secrets directory (TRACKTWO_SECRETS_DIR, e.g. compose.yaml's TRACKTWO_DATABASE_URL secret)
# both override it.
RUN printf 'TRACKTWO_DATABASE_URL=sqlite:////data/tracktwo.db\n' >/etc/tracktwo.env

COPY --from=builder /opt/venv /opt/venv
WORKDIR /srv/tracktwo
# Code and runtime files, owned by root: the service user can read but not change them.
COPY alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static

# Numeric, so that runAsNonRoot-style checks can verify it without the passwd file.
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('TRACKTWO_PORT', '8000') + '/healthz', timeout=4)"]

# Migrations first (a failure stops the container), then exec the server so that uvicorn is
# PID 1 and receives SIGTERM. TRACKTWO_ENV=production refuses the development secret key and
# a missing master key: pass TRACKTWO_SECRET_KEY and TRACKTWO_MASTER_KEY(_FILE). A CMD, not an
# ENTRYPOINT, so that one-off commands run as `docker run ... IMAGE python -m app.cli create-user`.
CMD ["/bin/sh", "-c", "python -m app.cli migrate && exec python -m app.cli serve --host \"$TRACKTWO_HOST\" --port \"$TRACKTWO_PORT\" --workers \"$TRACKTWO_WORKERS\""]
