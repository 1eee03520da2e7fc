"""Test-only overrides: fast hashing, plain static storage, temporary media."""

import os
import tempfile

# The production settings refuse to start without a key when DEBUG is off.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from .settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="intercotour-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STATIC_ROOT = tempfile.mkdtemp(prefix="intercotour-test-static-")
WHITENOISE_AUTOREFRESH = True
# The test client and the live server speak plain http, directly (no proxy in front).
SECURE_SSL_REDIRECT = False
TRUSTED_PROXY_COUNT = 0
# Most tests sign staff in with force_login; the two-factor tests turn this on.
STAFF_REQUIRE_2FA = False
