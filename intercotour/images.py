"""Checking uploaded images before anything decodes them (speaker photos, partner logos).

An image file can be small and still cost a lot to decode: a 0.6 MB PNG of 13,000 × 13,000
pixels takes seconds and gigabytes once decompressed (a "decompression bomb"). So:

1. the header alone is read (``Image.open`` is lazy) and the pixel count checked against
   ``MAX_PIXELS`` before any pixel is decoded; Pillow's own ``DecompressionBombWarning`` (raised
   at open time above its much higher default) is turned into a refusal too;
2. ``verify()`` checks the file's structure (chunk checksums for PNG);
3. the file is opened again and fully decoded (``load()``): a truncated JPEG, or a PNG whose
   checksums are right but whose compressed data is garbage, fails here rather than later in
   the resizing code, where it would be an error page.

Every failure is a ``ValidationError`` with a French message, never an exception escaping to
the view.
"""

import contextlib
import logging
import warnings

from django import forms
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile

logger = logging.getLogger(__name__)

# 25 megapixels: any photo from a phone or a camera (a 24 MP camera gives 6000 × 4000), far
# below what costs real memory to decode (25 MP in RGBA is 100 MB at worst).
MAX_PIXELS = 25_000_000
WEB_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})

NOT_AN_IMAGE = _("This file is not a JPEG, PNG or WebP image.")
BROKEN_IMAGE = _("This image is damaged or incomplete and cannot be read. Save it again and retry.")
TOO_MANY_PIXELS = _(
    "This image is too large: %(width)s × %(height)s pixels. "
    "Send an image of 25 megapixels at most (e.g. 6000 × 4000)."
)


class PixelBombError(Exception):
    """Raised from the header: too many pixels to decode safely."""


def _open_header(upload):
    """Open lazily (header only), with Pillow's bomb warning turned into an error."""
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(upload)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise PixelBombError from error


@contextlib.contextmanager
def _strict_decoding():
    """Truncated data is an error while we decode: WeasyPrint, once imported, turns Pillow's
    ``LOAD_TRUNCATED_IMAGES`` on for the whole process, which would let a broken upload pass."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def check_image(upload, *, formats=WEB_FORMATS, max_pixels=MAX_PIXELS):
    """Raise ``ValidationError`` unless ``upload`` is a sound image in ``formats``.

    Returns ``(format, width, height)``; the file is left at its start.
    """
    try:
        with _open_header(upload) as image, _strict_decoding():
            image_format, (width, height) = image.format, image.size
            if width * height > max_pixels:
                raise forms.ValidationError(
                    TOO_MANY_PIXELS,
                    code="too_many_pixels",
                    params={"width": width, "height": height},
                )
            if image_format not in formats:
                raise forms.ValidationError(NOT_AN_IMAGE, code="format")
            image.verify()
    except forms.ValidationError:
        raise
    except PixelBombError:
        raise forms.ValidationError(
            _(
                "This image has too many pixels to be read safely. "
                "Send an image of 25 megapixels at most (e.g. 6000 × 4000)."
            ),
            code="too_many_pixels",
        ) from None
    except Exception:  # noqa: BLE001 - any failure to parse a hostile file is a refusal
        logger.info("Uploaded file refused: not a readable image.", exc_info=True)
        raise forms.ValidationError(NOT_AN_IMAGE, code="not_an_image") from None
    try:
        # verify() leaves the image unusable: open again and decode every pixel.
        with _open_header(upload) as image, _strict_decoding():
            image.load()
    except Exception:  # noqa: BLE001 - truncated or garbage data, whatever Pillow raises
        logger.info("Uploaded image refused: it does not decode.", exc_info=True)
        raise forms.ValidationError(BROKEN_IMAGE, code="broken") from None
    finally:
        upload.seek(0)
    return image_format, width, height


class SafeImageField(forms.ImageField):
    """Django's ImageField, with the checks above before its own (which decodes nothing more)."""

    default_error_messages = {"invalid_image": NOT_AN_IMAGE}

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        check_image(upload)
        return super().to_python(data)
