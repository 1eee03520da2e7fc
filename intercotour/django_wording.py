"""Django's own messages, as this site words them.

The project's catalogue comes before Django's (``LOCALE_PATHS``), so a message of Django's
translated here is shown in these words. Marked here so that ``makemessages`` keeps them:
nothing imports this module.

- "Enter a valid email address.": Django's French says "adresse de courriel"; everywhere else
  the site says "adresse e-mail", as its users do.
"""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("Enter a valid email address."),
]
