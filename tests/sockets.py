"""What a server does to a raw connection, for the tests of its limits (in-process and real)."""

from __future__ import annotations

import select
import socket
import time


def closed_by_the_server(sock: socket.socket, within: float, trickle: bytes = b"", every: float = 1.0) -> bool:
    """Whether the server closes ``sock`` within ``within`` seconds, while ``trickle`` is sent a byte at a
    time, one every ``every`` seconds at most."""
    deadline = time.monotonic() + within
    sent = 0
    while time.monotonic() < deadline:
        readable, _, _ = select.select([sock], [], [], every)
        try:
            if readable:
                if sock.recv(65536) == b"":
                    return True  # the end of the stream; what was answered before it is read past
            elif sent < len(trickle):
                sock.sendall(trickle[sent : sent + 1])
                sent += 1
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False
