"""A line in the admin history of an object, for changes made outside a model form."""

from django.contrib.admin.models import CHANGE, LogEntry


def log_change(user, obj, message):
    """Record ``message`` in ``obj``'s admin history, credited to ``user``.

    ``message`` is a sentence, or the admin's structured form (``[{"changed": ...}]``).
    """
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[obj],
        action_flag=CHANGE,
        change_message=message if isinstance(message, list) else str(message),
        single_object=True,
    )
