"""Settings read from the environment: the production guard rails and the switches between the two shapes.

Settings modules are evaluated once per interpreter, so every case imports them in a fresh subprocess with
a controlled environment.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
GOOD_KEY = secrets.token_urlsafe(48)  # 64 characters
GOOD_PAYMENT_SECRET = secrets.token_urlsafe(32)  # 43 characters
# Everything the settings read that could leak in from the shell running the tests.
SETTINGS_VARIABLES = {
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "DB_POOL", "DB_POOL_MIN", "DB_POOL_MAX",
    "CONN_MAX_AGE", "DB_PREPARED_STATEMENTS", "DB_PREPARE_THRESHOLD", "CELERY_DATA_DIR", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "STATICFILES_BACKEND", "EMAIL_BACKEND", "EMAIL_FILE_PATH", "PAYMENT_CALLBACK_SECRET", "SEAL_KEY_PASSPHRASE", "SEALS_DIR",
}

DUMP = """
import json
import {module} as s
print(json.dumps({{
    "DEBUG": s.DEBUG,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "DATABASE": s.DATABASES["default"],
    "BROKER": s.CELERY_BROKER_URL,
    "RESULT_BACKEND": s.CELERY_RESULT_BACKEND,
    "TRANSPORT_OPTIONS": s.CELERY_BROKER_TRANSPORT_OPTIONS,
    "CACHE": s.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": s.CACHES["default"].get("LOCATION"),
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"],
    "SSL_REDIRECT": getattr(s, "SECURE_SSL_REDIRECT", False),
    "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
    "PAYMENT_CALLBACK_SECRET": s.PAYMENT_CALLBACK_SECRET,
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "EMAIL_FILE_PATH": getattr(s, "EMAIL_FILE_PATH", None),
}}, default=str))
"""


def _import(module, tmp_path, **variables):
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    # Keep the run away from the checkout's var/celery folders.
    env["CELERY_DATA_DIR"] = str(tmp_path / "celery")
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", DUMP.format(module=module)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _production(tmp_path, **variables):
    good = {"DEBUG": "false", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "portal.example.gov.cn",
            "PAYMENT_CALLBACK_SECRET": GOOD_PAYMENT_SECRET, "SEAL_KEY_PASSPHRASE": GOOD_KEY[:24]}
    good.update(variables)
    return _import("portal.settings.production", tmp_path, **good)


def _base(tmp_path, **variables):
    completed = _import("portal.settings.base", tmp_path, **variables)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def _assert_refused(completed, message):
    assert completed.returncode != 0
    assert "ImproperlyConfigured" in completed.stderr
    assert "Refusing to start in production" in completed.stderr
    assert message in completed.stderr


# --- Production refuses an unsafe start


@pytest.mark.parametrize("debug", ["true", "1", "on"])
def test_production_refuses_debug(tmp_path, debug):
    _assert_refused(_production(tmp_path, DEBUG=debug), "DEBUG must be off")


def test_production_refuses_debug_left_unset(tmp_path):
    """DEBUG defaults to on for `make run`; production must not inherit that default."""
    completed = _import(
        "portal.settings.production", tmp_path, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portal.example.gov.cn"
    )
    _assert_refused(completed, "DEBUG must be off")


def test_production_refuses_the_default_secret_key(tmp_path):
    env = {"DEBUG": "false", "ALLOWED_HOSTS": "portal.example.gov.cn"}
    completed = _import("portal.settings.production", tmp_path, **env)  # SECRET_KEY unset
    _assert_refused(completed, "SECRET_KEY must be set")

    completed = _production(tmp_path, SECRET_KEY="dev-only-insecure-secret-key-change-me")
    _assert_refused(completed, "SECRET_KEY must be set")


@pytest.mark.parametrize("key", ["", "short", "x" * 49])
def test_production_refuses_a_short_or_empty_secret_key(tmp_path, key):
    _assert_refused(_production(tmp_path, SECRET_KEY=key), "SECRET_KEY must be set")


def test_the_payment_callback_secret_has_a_development_default(tmp_path):
    """`make run` works without it; the default is public, so production refuses it (next test)."""
    assert _base(tmp_path)["PAYMENT_CALLBACK_SECRET"] == "dev-only-payment-callback-secret-change-me"
    assert _base(tmp_path, PAYMENT_CALLBACK_SECRET=GOOD_PAYMENT_SECRET)["PAYMENT_CALLBACK_SECRET"] == (
        GOOD_PAYMENT_SECRET)


@pytest.mark.parametrize("secret", [None, "dev-only-payment-callback-secret-change-me", "", "short", "x" * 31])
def test_production_refuses_the_default_or_a_short_payment_callback_secret(tmp_path, secret):
    if secret is None:
        env = {"DEBUG": "false", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "portal.example.gov.cn"}
        completed = _import("portal.settings.production", tmp_path, **env)  # PAYMENT_CALLBACK_SECRET unset
    else:
        completed = _production(tmp_path, PAYMENT_CALLBACK_SECRET=secret)
    _assert_refused(completed, "PAYMENT_CALLBACK_SECRET must be set")


def test_production_refuses_empty_allowed_hosts(tmp_path):
    _assert_refused(_production(tmp_path, ALLOWED_HOSTS=""), "ALLOWED_HOSTS must name the hosts")


@pytest.mark.parametrize("passphrase", [None, "dev-only-seal-passphrase", "short"])
def test_production_refuses_the_default_or_a_short_seal_passphrase(tmp_path, passphrase):
    """The seals' private keys are encrypted with this passphrase: the public default would expose them."""
    completed = (_production(tmp_path, SEAL_KEY_PASSPHRASE=passphrase) if passphrase is not None
                 else _import("portal.settings.production", tmp_path, DEBUG="false", SECRET_KEY=GOOD_KEY,
                              ALLOWED_HOSTS="portal.example.gov.cn"))
    _assert_refused(completed, "SEAL_KEY_PASSPHRASE must be set")


def test_production_lists_every_problem_at_once(tmp_path):
    completed = _import("portal.settings.production", tmp_path, DEBUG="true", ALLOWED_HOSTS="")
    _assert_refused(completed, "DEBUG must be off")
    assert "SECRET_KEY must be set" in completed.stderr
    assert "ALLOWED_HOSTS must name the hosts" in completed.stderr


def test_production_accepts_a_good_configuration(tmp_path):
    completed = _production(
        tmp_path, ALLOWED_HOSTS="portal.example.gov.cn,.example.gov.cn", DATABASE_URL="postgres://p@db/portal"
    )
    assert completed.returncode == 0, completed.stderr
    values = json.loads(completed.stdout)
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["portal.example.gov.cn", ".example.gov.cn"]
    assert values["SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["PAYMENT_CALLBACK_SECRET"] == GOOD_PAYMENT_SECRET


# --- Mail


def test_make_run_writes_mail_to_files_in_var_mail_and_the_environment_chooses_another_backend(tmp_path):
    values = _base(tmp_path)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["EMAIL_FILE_PATH"] == str(BASE_DIR / "var" / "mail")
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    assert _base(tmp_path, EMAIL_BACKEND=smtp, EMAIL_FILE_PATH=str(tmp_path))["EMAIL_BACKEND"] == smtp
    assert _base(tmp_path, EMAIL_FILE_PATH=str(tmp_path / "mail"))["EMAIL_FILE_PATH"] == str(tmp_path / "mail")


def test_production_sends_mail_by_smtp_unless_told_otherwise(tmp_path):
    completed = _production(tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


# --- DATABASE_URL and REDIS_URL switch the shape


def test_default_database_is_the_sqlite_file_in_wal_mode(tmp_path):
    database = _base(tmp_path)["DATABASE"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(BASE_DIR / "var" / "portal.sqlite3")
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["timeout"] > 0


def test_database_url_selects_postgresql_with_a_connection_pool(tmp_path):
    database = _base(tmp_path, DATABASE_URL="postgres://portal:s3cret@db.internal:6543/approvals")["DATABASE"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("approvals", "portal", "s3cret")
    assert (database["HOST"], int(database["PORT"])) == ("db.internal", 6543)
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 10}


def test_pool_size_is_configurable_and_the_pool_can_be_turned_off(tmp_path):
    url = "postgres://portal@db/portal"
    pooled = _base(tmp_path, DATABASE_URL=url, DB_POOL_MIN="2", DB_POOL_MAX="20")["DATABASE"]
    assert pooled["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 20}

    unpooled = _base(tmp_path, DATABASE_URL=url, DB_POOL="false")["DATABASE"]
    assert "pool" not in unpooled.get("OPTIONS", {})
    assert unpooled["CONN_MAX_AGE"] == 60


def test_postgresql_prepares_repeated_statements_unless_told_otherwise(tmp_path):
    url = "postgres://portal@db/portal"
    options = _base(tmp_path, DATABASE_URL=url)["DATABASE"]["OPTIONS"]
    assert (options["server_side_binding"], options["prepare_threshold"]) == (True, 5)

    options = _base(tmp_path, DATABASE_URL=url, DB_PREPARE_THRESHOLD="2")["DATABASE"]["OPTIONS"]
    assert options["prepare_threshold"] == 2

    options = _base(tmp_path, DATABASE_URL=url, DB_PREPARED_STATEMENTS="false")["DATABASE"]["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options
    assert "prepare_threshold" not in _base(tmp_path)["DATABASE"].get("OPTIONS", {})  # SQLite: nothing to prepare


def test_default_celery_uses_the_filesystem_transport_under_celery_data_dir(tmp_path):
    values = _base(tmp_path)
    data_dir = tmp_path / "celery"
    assert values["BROKER"] == "filesystem://"
    assert values["RESULT_BACKEND"] == f"file://{data_dir / 'results'}"
    assert values["TRANSPORT_OPTIONS"]["data_folder_in"] == str(data_dir / "queue")
    assert values["TRANSPORT_OPTIONS"]["data_folder_out"] == str(data_dir / "queue")
    # Web, worker and beat share the cache, so it cannot be per-process memory.
    assert values["CACHE"] == "django.core.cache.backends.filebased.FileBasedCache"


def test_redis_url_switches_broker_results_and_cache(tmp_path):
    url = "redis://cache.internal:6380/3"
    values = _base(tmp_path, REDIS_URL=url)
    assert values["BROKER"] == url
    assert values["RESULT_BACKEND"] == url
    assert "data_folder_in" not in values["TRANSPORT_OPTIONS"]
    assert values["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert values["CACHE_LOCATION"] == url


def test_redis_url_reaches_the_celery_app(tmp_path):
    """The Celery app reads the broker from Django's settings, not from its own defaults."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(REDIS_URL="redis://cache.internal:6380/3", DJANGO_SETTINGS_MODULE="portal.settings.base")
    completed = subprocess.run(
        [sys.executable, "-c", "from portal.celery import app; print(app.conf.broker_url, app.conf.result_backend)"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["redis://cache.internal:6380/3", "redis://cache.internal:6380/3"]
