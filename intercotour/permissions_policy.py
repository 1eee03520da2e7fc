"""The Permissions-Policy header: no powerful browser feature, except the camera in the admin.

The camera stays allowed on the admin's own pages (``camera=(self)``) so that the check-in
desk can later scan badges; every other page, public or not, turns it off with the rest.
"""

from django.urls import reverse

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

    def __call__(self, request):
        response = self.get_response(request)
        admin = request.path_info.startswith(reverse("admin:index"))
        response.headers.setdefault("Permissions-Policy", ADMIN if admin else PUBLIC)
        return response
