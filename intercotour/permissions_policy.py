"""The Permissions-Policy header: no powerful browser feature, except the camera in the admin.

The camera stays allowed on the admin's own pages (``camera=(self)``) so that the check-in
desk can later scan badges; every other page, public or not, turns it off with the rest.
"""

from django.conf import settings
from django.urls import get_script_prefix, reverse

_OFF = (
    "accelerometer=(), autoplay=(), browsing-topics=(), display-capture=(), "
    "encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)
PUBLIC = f"camera=(), {_OFF}"
ADMIN = f"camera=(self), {_OFF}"


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # The admin's address by URLconf: ``reverse()`` took a tenth of a cached page's time.
        self._admin_paths = {}

    def __call__(self, request):
        response = self.get_response(request)
        admin = request.path_info.startswith(self._admin_path(request))
        response.headers.setdefault("Permissions-Policy", ADMIN if admin else PUBLIC)
        return response

    def _admin_path(self, request):
        """The admin's address as ``path_info`` spells it (without the script's prefix)."""
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        path = self._admin_paths.get(urlconf)
        if path is None:
            url = reverse("admin:index", urlconf=urlconf)
            path = self._admin_paths[urlconf] = "/" + url.removeprefix(get_script_prefix())
        return path
