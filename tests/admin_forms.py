"""Helpers to submit admin change forms as the browser would."""

from django.urls import reverse


def stop_change_data(client, stop, **changes):
    """The stop's admin change form as displayed, with ``changes`` applied."""
    form = client.get(reverse("admin:events_stop_change", args=[stop.pk])).context["adminform"]
    form = form.form
    data = {
        name: "" if form[name].value() is None else form[name].value()
        for name in form.fields
        if name != "partners"
    }
    for name in ("registration_opens_at", "registration_closes_at"):
        local = getattr(stop, name).astimezone()
        data[f"{name}_0"] = local.strftime("%d/%m/%Y")
        data[f"{name}_1"] = local.strftime("%H:%M:%S")
    data["date"] = stop.date.strftime("%d/%m/%Y")
    for inline in ("sessions", "contacts"):
        data[f"{inline}-TOTAL_FORMS"] = data[f"{inline}-INITIAL_FORMS"] = "0"
    data.update({name: str(value) for name, value in changes.items()})
    return data


def session_change_data(client, session, **changes):
    """The session's admin change form as displayed, inlines left as they are, ``changes``
    applied."""
    page = client.get(reverse("admin:events_session_change", args=[session.pk]))
    form = page.context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    for name in ("starts_at", "ends_at"):
        local = getattr(session, name).astimezone()
        data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%d/%m/%Y"), local.strftime("%H:%M")
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update({name: str(value) for name, value in changes.items()})
    return data
