"""Mail servers that fail, for the outbox tests: the boundary, not a mock of our code.

HangingMailServer stands for what the SMTP backend raises after EMAIL_TIMEOUT; that the
setting reaches a real socket is proven against a silent server (test_outbox)."""

import smtplib
import socket


class FailingMailServer:
    """An e-mail backend whose every send fails with ``failure(messages)``."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise self.failure(messages)


class HangingMailServer(FailingMailServer):
    """A server that accepts the connection and never answers: the send times out."""

    def failure(self, messages):
        return TimeoutError("timed out")  # what smtplib raises after EMAIL_TIMEOUT


class RefusingMailServer(FailingMailServer):
    def failure(self, messages):
        return ConnectionRefusedError(socket.errno.ECONNREFUSED, "Connection refused")


class RecipientRefusingMailServer(FailingMailServer):
    """The server refuses every recipient with ``reply`` (code, message)."""

    reply = None

    def failure(self, messages):
        return smtplib.SMTPRecipientsRefused({to: self.reply for m in messages for to in m.to})


class UnknownUserMailServer(RecipientRefusingMailServer):
    """The server answers "550 user unknown": refused for good."""

    reply = (550, b"5.1.1 User unknown")


class GreylistingMailServer(RecipientRefusingMailServer):
    """The server answers "451 try again later": a refusal for now only."""

    reply = (451, b"4.7.1 Greylisted")


class RelayDeniedMailServer(RecipientRefusingMailServer):
    """Our server refuses to relay ("550 5.7.1"): our settings are wrong, not the address."""

    reply = (550, b"5.7.1 Relaying denied")


class WrongPasswordMailServer(FailingMailServer):
    """Our login is refused ("535"): every e-mail would fail until the password is fixed."""

    def failure(self, messages):
        return smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid")
