"""The attendees' survey form: one choice per rateable session, built from the day's sessions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intercotour.accessible_forms import AccessibleErrorsMixin

from .models import RATINGS

SESSION_PREFIX = "session_"


def _choices(lowest, highest):
    labels = {1: lowest, 5: highest}
    return [
        (value, f"{value} – {labels[value]}" if value in labels else str(value))
        for value in RATINGS
    ]


class SurveyForm(AccessibleErrorsMixin, forms.Form):
    overall_rating = forms.TypedChoiceField(
        label=_("Overall, how satisfied are you with the day?"),
        coerce=int,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Your comments"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    themes_wanted = forms.CharField(
        label=_("Which themes would you like at the next stops?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, sessions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["overall_rating"].choices = _choices(_("not at all"), _("very satisfied"))
        self.session_fields = []
        for session in sessions:
            name = f"{SESSION_PREFIX}{session.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=session.title,
                coerce=int,
                required=False,
                empty_value=None,
                choices=_choices(_("not useful"), _("very useful")),
                widget=forms.RadioSelect,
            )
            self.session_fields.append(name)
        self.order_fields(["overall_rating", *self.session_fields])

    def clean(self):
        cleaned = super().clean()
        unknown = [
            key for key in self.data if key.startswith(SESSION_PREFIX) and key not in self.fields
        ]
        if unknown:
            raise forms.ValidationError(_("One of the sessions rated is not part of your day."))
        return cleaned

    def session_field_list(self):
        return [self[name] for name in self.session_fields]

    def answers(self):
        """Keyword arguments for ``services.save_survey_response``."""
        return {
            "overall_rating": self.cleaned_data["overall_rating"],
            "session_ratings": {
                int(name.removeprefix(SESSION_PREFIX)): self.cleaned_data[name]
                for name in self.session_fields
                if self.cleaned_data.get(name) is not None
            },
            "comments": self.cleaned_data["comments"],
            "themes_wanted": self.cleaned_data["themes_wanted"],
        }

    @classmethod
    def initial_from(cls, response):
        if response is None:
            return {}
        return {
            "overall_rating": response.overall_rating,
            "comments": response.comments,
            "themes_wanted": response.themes_wanted,
            **{
                f"{SESSION_PREFIX}{rating.session_id}": rating.usefulness
                for rating in response.ratings.all()
            },
        }
