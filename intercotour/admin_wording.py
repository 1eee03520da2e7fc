"""The admin's titles, buttons and history in correct French.

Django's own French admin strings put a model's name into a fixed sentence ("Modification de
%s", "Supprimer les %(verbose_name_plural)s sélectionnés", "Ajouter un objet %(verbose_name)s
supplémentaire"): they cannot elide ("de l’inscription") nor agree in gender ("sélectionnées").
Each admin names its own titles with ``Wording`` (whole sentences, translated as such), and
``WordedAdmin`` puts them where Django would put its generic ones.

The history is stored as Django stores it (JSON, untranslated, translated when shown) but with
the model fields' own verbose names, which the catalogue knows, rather than the capitalised
form labels, which it does not; ``describe_change`` renders a line in sentences that need no
elision. Text areas compare their value with Windows line ends removed: a browser sends
``\\r\\n``, and a text that was not touched no longer shows up as changed.
"""

import json
from dataclasses import dataclass

from django import forms
from django.contrib.admin import helpers
from django.db import models
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import override as translation_override

from .french import colon, in_french


@dataclass(frozen=True)
class Wording:
    """One model's admin sentences, each translated whole (lazy strings)."""

    add_title: str  # "New stop"
    change_title: str  # "Edit the stop"
    view_title: str  # "The stop"
    add_button: str  # "Add a stop"
    delete_selected: str  # "Delete the selected stops"


def _normalise_newlines(value):
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


class TextAreaField(forms.CharField):
    """A text area whose untouched text is not "changed" because of the browser's ``\\r\\n``."""

    def to_python(self, value):
        return _normalise_newlines(super().to_python(value))

    def has_changed(self, initial, data):
        return super().has_changed(_normalise_newlines(initial), data)


class NormalisedTextMixin:
    """For ModelAdmin and inlines: text areas through ``TextAreaField``."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) and not db_field.choices:
            kwargs.setdefault("form_class", TextAreaField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class WordedInline(NormalisedTextMixin):
    """An inline whose "add another" link says ``add_another_label``."""

    add_another_label = None


class _WordedInlineFormSet(helpers.InlineAdminFormSet):
    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = str(self.opts.add_another_label)
        return json.dumps(data)


class WordedAdmin(NormalisedTextMixin):
    """A ModelAdmin with its own ``wording`` and a history that names the fields changed."""

    wording: Wording = None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self.wording:
            if add:
                context["title"] = self.wording.add_title
            elif self.has_change_permission(request, obj):  # for this very object
                context["title"] = self.wording.change_title
            else:
                context["title"] = self.wording.view_title
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        extra = {}
        if self.wording:
            extra["add_label"] = self.wording.add_button
        if "_popup" not in request.GET:
            # "Sélectionnez l’objet étape à changer" says less than the plural name.
            extra["title"] = self.opts.verbose_name_plural.capitalize()
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.wording and "delete_selected" in actions:
            function, name, _description = actions["delete_selected"]
            actions["delete_selected"] = (function, name, self.wording.delete_selected)
        return actions

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            if getattr(inline_formset.opts, "add_another_label", None):
                inline_formset.__class__ = _WordedInlineFormSet
        return inline_formsets

    def construct_change_message(self, request, form, formsets, add=False):
        return construct_change_message(form, formsets, add)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return _french_colons(deleted), counts, perms_needed, _french_colons(protected)


def _french_colons(lines):
    """Django writes what a deletion removes as "Type: object", with its own colon: in French,
    a no-break space goes before it. ``lines``: Django's nested lists of (safe) strings."""
    if not in_french():
        return lines
    spaced = []
    for line in lines:
        if isinstance(line, list):
            spaced.append(_french_colons(line))
        else:
            # The first ": " is Django's, after the type's name (which has none).
            french = line.replace(": ", colon(), 1)
            spaced.append(mark_safe(french) if isinstance(line, SafeData) else french)
    return spaced


def _field_names(form, changed):
    """The model fields' verbose names (untranslated: the history translates them when shown)."""
    names = []
    for name in changed:
        try:
            names.append(str(form._meta.model._meta.get_field(name).verbose_name))
        except Exception:  # noqa: BLE001 - a form-only field: its label, or its name
            names.append(str(form.fields[name].label or name) if name in form.fields else name)
    return names


def construct_change_message(form, formsets, add):
    """Django's structure, with the fields named by their model verbose names."""
    changed = form.changed_data
    with translation_override(None):
        message = []
        if add:
            message.append({"added": {}})
        elif changed:
            message.append({"changed": {"fields": _field_names(form, changed)}})
        for formset in formsets or []:
            for obj in formset.new_objects:
                message.append({"added": {"name": str(obj._meta.verbose_name), "object": str(obj)}})
            for obj, fields in formset.changed_objects:
                message.append(
                    {
                        "changed": {
                            "name": str(obj._meta.verbose_name),
                            "object": str(obj),
                            "fields": _field_names(formset.forms[0], fields),
                        }
                    }
                )
            for obj in formset.deleted_objects:
                message.append(
                    {"deleted": {"name": str(obj._meta.verbose_name), "object": str(obj)}}
                )
    return message


def describe_change(entry):
    """A history line in the current language, in sentences that need no elision."""
    raw = entry.change_message or ""
    if not raw.startswith("["):
        return raw
    try:
        parts = json.loads(raw)
    except json.JSONDecodeError:
        return raw
    sentences = []
    for part in parts:
        kind, details = next(iter(part.items()), (None, {}))
        details = details or {}
        fields = [gettext(name) for name in details.get("fields", [])]
        values = {
            "name": gettext(details.get("name", "")),
            "object": details.get("object", ""),
            "fields": get_text_list(fields, gettext("and")),
        }
        if kind == "added":
            sentences.append(
                gettext("Added: %(name)s “%(object)s”.") % values
                if details
                else gettext("Created.")
            )
        elif kind == "changed" and "name" in details:
            sentences.append(
                ngettext(
                    "Field changed: %(fields)s (%(name)s “%(object)s”).",
                    "Fields changed: %(fields)s (%(name)s “%(object)s”).",
                    len(fields),
                )
                % values
            )
        elif kind == "changed":
            sentences.append(
                ngettext("Field changed: %(fields)s.", "Fields changed: %(fields)s.", len(fields))
                % values
            )
        elif kind == "deleted":
            sentences.append(gettext("Deleted: %(name)s “%(object)s”.") % values)
    return " ".join(sentences) or gettext("No fields changed.")
