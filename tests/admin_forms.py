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
