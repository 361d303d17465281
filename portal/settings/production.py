"""Production settings: the base settings plus refusal to start in an unsafe shape."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import (
    ALLOWED_HOSTS, DEBUG, DEFAULT_PAYMENT_CALLBACK_SECRET, DEFAULT_SEAL_KEY_PASSPHRASE, DEFAULT_SECRET_KEY,
    PAYMENT_CALLBACK_SECRET, SEAL_KEY_PASSPHRASE, SECRET_KEY, env,
)

problems = []
if DEBUG:
    problems.append("DEBUG must be off in production (set DEBUG=false).")
if not SECRET_KEY or SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
    problems.append("SECRET_KEY must be set to a random value of at least 50 characters.")
if PAYMENT_CALLBACK_SECRET == DEFAULT_PAYMENT_CALLBACK_SECRET or len(PAYMENT_CALLBACK_SECRET) < 32:
    problems.append("PAYMENT_CALLBACK_SECRET must be set to the secret shared with the payment platform "
                    "(random, at least 32 characters).")
if not ALLOWED_HOSTS:
    problems.append("ALLOWED_HOSTS must name the hosts this portal answers for.")
if not SEAL_KEY_PASSPHRASE or SEAL_KEY_PASSPHRASE == DEFAULT_SEAL_KEY_PASSPHRASE or len(SEAL_KEY_PASSPHRASE) < 16:
    problems.append("SEAL_KEY_PASSPHRASE must be set to a secret of at least 16 characters (it encrypts the seals' keys).")
if problems:
    raise ImproperlyConfigured("Refusing to start in production: " + " ".join(problems))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
