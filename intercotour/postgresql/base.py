"""Django's PostgreSQL backend, with a health check that trusts a connection just used.

With ``CONN_HEALTH_CHECKS``, Django checks a persistent connection with a ``SELECT 1``
round trip before the first query of every request: a connection the server closed
(a restart, an idle timeout) is then replaced instead of failing the request. On a busy site
that round trip is one statement in six of a registration (``benchmarks/registration_burst.py``).
Here the check is skipped when the connection answered a request less than
``HEALTH_CHECK_AFTER`` seconds ago (``DATABASES[...]["HEALTH_CHECK_AFTER"]``, default 1):
a connection that just served a request without error is alive; one idle for longer is
checked as before. A server restarted within that second fails at most the next request on
each connection, which then reconnects, as a restart between a check and a query always could.
"""

import time

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    # time.monotonic() when the connection last served a request without error (as that
    # request first used it: the earlier, the safer), and when the current one first used it.
    answered_at = None
    _used_at = None

    @property
    def health_check_after(self):
        return self.settings_dict.get("HEALTH_CHECK_AFTER", 1.0)

    def connect(self):
        self.answered_at = None  # a new connection vouches once a request has used it
        super().connect()

    def _cursor(self, name=None):
        if self._used_at is None:
            self._used_at = time.monotonic()
        return super()._cursor(name)

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self.answered_at is not None
            and time.monotonic() - self.answered_at < self.health_check_after
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self):
        # Called as each request starts and ends (and between a worker's tasks). What ran a
        # query since the last call, with no error but a data or integrity one (a rollback
        # that went through clears it: the server answered), vouches for the connection.
        used_at, self._used_at = self._used_at, None
        answered = used_at is not None and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        if answered and self.connection is not None:
            self.answered_at = used_at
