from django import forms
from django.utils.translation import gettext_lazy as _

from intercotour.accessible_forms import AccessibleErrorsMixin
from intercotour.images import check_image

from .documents import DocumentRefused, check_pdf
from .models import Restitution, Speaker

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
# Below this, a face is a blur on the speakers' pages (shown up to 200 px wide on a phone's
# screen, twice that in device pixels); an icon or a tracking pixel is no photo.
PHOTO_MIN_SIDE = 200


class SignInRequestForm(AccessibleErrorsMixin, forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    # Honeypot: hidden from people, filled in by bots (see intercotour.guards).
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})


class ProfileForm(AccessibleErrorsMixin, forms.ModelForm):
    photo = forms.FileField(
        label=_("New photo"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, 2 MB at most, at least 200 × 200 pixels. It is resized for the "
            "site."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    remove_photo = forms.BooleanField(
        label=_("Remove my photo"),
        required=False,
        help_text=_("Your photo is deleted from the site for good."),
    )

    class Meta:
        model = Speaker
        fields = ["job_title", "organisation", "bio", "show_photo"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The programme names each speaker with their job title ("Name, job title,
        # organisation"): a speaker may not clear it. Organisers may leave it empty.
        self.fields["job_title"].required = True
        self.fields["job_title"].error_messages["required"] = _(
            "Give your job title: the programme shows it beside your name."
        )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        if photo.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("The photo is too large: 2 MB at most."))
        _format, width, height = check_image(photo, formats=PHOTO_FORMATS)
        if min(width, height) < PHOTO_MIN_SIDE:
            raise forms.ValidationError(
                _(
                    "This photo is too small: %(width)s × %(height)s pixels. Send a photo of at "
                    "least %(side)s × %(side)s pixels."
                ),
                code="too_small",
                params={"width": width, "height": height, "side": PHOTO_MIN_SIDE},
            )
        return photo

    def _post_clean(self):
        # Saved by speakers.services.update_profile.
        pass


class RestitutionForm(AccessibleErrorsMixin, forms.ModelForm):
    class Meta:
        model = Restitution
        fields = ["summary", "key_points", "proposals"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "key_points": forms.Textarea(attrs={"rows": 6}),
            "proposals": forms.Textarea(attrs={"rows": 6}),
        }

    def _post_clean(self):
        # Saved by speakers.restitutions.save_restitution.
        pass


class DocumentForm(AccessibleErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("As visitors will see it, e.g. “Slides of the round table”."),
    )
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("PDF only, 20 MB at most, without password, scripts or attached files."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.pages = check_pdf(upload)
        except DocumentRefused as refusal:
            raise forms.ValidationError(refusal.message) from None
        return upload
