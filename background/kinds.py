"""What each kind of e-mail is called in the outbox, in the organisers' words.

``EmailDelivery.kind`` is a short code chosen by the app that queues the e-mail ("received",
"sign_in"...). Each app names its kinds here from its ``ready()``; a kind nobody named is
shown as its code.
"""

_labels = {}


def name_kinds(**labels):
    """``name_kinds(received=_("Registration confirmation"), ...)``: lazy labels, by code."""
    _labels.update(labels)


def kind_label(kind):
    return _labels.get(kind, kind)


def kind_choices():
    """``(code, label)`` of every named kind, in the order of their labels."""
    return sorted(_labels.items(), key=lambda item: str(item[1]).lower())
