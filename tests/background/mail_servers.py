"""Mail servers that fail, for the outbox tests: the boundary, not a mock of our code.

HangingMailServer stands for what the SMTP backend raises after EMAIL_TIMEOUT; that the
setting reaches a real socket is proven against a silent server (test_outbox)."""

import smtplib
import socket


class HangingMailServer:
    """A server that accepts the connection and never answers: the send times out."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise TimeoutError("timed out")  # what smtplib raises after EMAIL_TIMEOUT


class RefusingMailServer:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(socket.errno.ECONNREFUSED, "Connection refused")


class UnknownUserMailServer:
    """The server answers "550 user unknown": refused for good."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        recipients = {to: (550, b"5.1.1 User unknown") for m in messages for to in m.to}
        raise smtplib.SMTPRecipientsRefused(recipients)


class GreylistingMailServer:
    """The server answers "451 try again later": a refusal for now only."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        recipients = {to: (451, b"4.7.1 Greylisted") for m in messages for to in m.to}
        raise smtplib.SMTPRecipientsRefused(recipients)


class RelayDeniedMailServer:
    """Our server refuses to relay ("550 5.7.1"): our settings are wrong, not the address."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        recipients = {to: (550, b"5.7.1 Relaying denied") for m in messages for to in m.to}
        raise smtplib.SMTPRecipientsRefused(recipients)


class WrongPasswordMailServer:
    """Our login is refused ("535"): every e-mail would fail until the password is fixed."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid")
