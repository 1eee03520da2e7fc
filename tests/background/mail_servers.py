"""Mail servers that fail, for the outbox tests: the boundary, not a mock of our code.

HangingMailServer stands for what the SMTP backend raises after EMAIL_TIMEOUT; that the
setting reaches a real socket is proven against a silent server (test_outbox)."""

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
