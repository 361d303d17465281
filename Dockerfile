# Production image: one image for web (gunicorn), Celery worker and beat; docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    MEDIA_ROOT=/app/media \
    CELERY_DATA_DIR=/app/var/celery \
    SEALS_DIR=/app/var/seals

# CJK fonts for pages and PDFs (notices, certificates), and the native libraries WeasyPrint loads at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk \
        fontconfig \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        shared-mime-info \
    && rm -rf /var/lib/apt/lists/* \
    && fc-cache -f

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home --shell /usr/sbin/nologin portal

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

# The code stays owned by root (read-only for the app); only media and var/ are writable by the portal user.
COPY . .
RUN python -m compileall -q portal approvals agents \
    && DEBUG=false \
       SECRET_KEY=build-only-dummy-secret-key-never-used-at-run-time-0123456789abcdef \
       PAYMENT_CALLBACK_SECRET=build-only-dummy-payment-secret-never-used-at-run-time \
       ALLOWED_HOSTS=build.invalid \
       SEAL_KEY_PASSPHRASE=build-only-dummy-seal-passphrase \
       python manage.py collectstatic --noinput --verbosity 1 \
    && mkdir -p /app/media /app/var/celery /app/var/seals \
    && chown -R portal:portal /app/media /app/var

USER portal
EXPOSE 8000
# Web by default; docker-compose.yml overrides the command for migrate-then-serve, the worker and beat.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", \
     "--access-logfile", "-"]
