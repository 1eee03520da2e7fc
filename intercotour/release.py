"""The identifier of the running release, part of every cached page's key.

A new release must never serve HTML cached by the previous one: that HTML links static files
(hashed names) the new release may no longer have. The identifier is, in order:

1. ``RELEASE_ID`` from the environment (e.g. the git commit set by the deployment);
2. a hash of the static files manifest written by ``collectstatic`` and of the contents of
   the code, templates and translations (production: a deploy that changes only a template
   or a form, not a static file, is a new release too; contents, not dates, so that every
   machine running the same code agrees);
3. a hash of the names, sizes and modification times of the code, templates and static files
   (development, where there is no manifest).
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings


@functools.cache
def release_id():
    if settings.RELEASE_ID:
        return settings.RELEASE_ID
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        digest = hashlib.sha256(manifest.read_bytes())
        digest.update(code_digest(Path(settings.BASE_DIR)).encode())
        return digest.hexdigest()[:12]
    return _source_fingerprint(Path(settings.BASE_DIR))


def _source_files(base, *, static=False):
    """The project's Python packages, templates and translations (and ``static`` files)."""
    packages = sorted(path for path in base.iterdir() if (path / "__init__.py").is_file())
    files = [file for package in packages for file in sorted(package.rglob("*.py"))]
    files += sorted(base.glob("templates/**/*")) + sorted(base.glob("locale/**/*.mo"))
    if static:
        files += sorted(base.glob("static/**/*"))
    return [path for path in files if path.is_file()]


def code_digest(base):
    """A hash of the contents of the project's Python packages, templates and translations."""
    digest = hashlib.sha256()
    for path in _source_files(base):
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _source_fingerprint(base):
    """Development: a hash of the source files' names, sizes and modification times."""
    digest = hashlib.sha256()
    for path in _source_files(base, static=True):
        stat = path.stat()
        digest.update(f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]
