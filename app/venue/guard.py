"""Outbound-traffic guard: while installed, any connection or name lookup to an address outside
this machine (loopback or one of its own addresses) is refused and recorded. `tracktwo room`
installs it in the server process, so that nothing the app does can reach the venue's network
or the internet; the tests install it around a crawl of every page."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class OutboundBlocked(ConnectionRefusedError):
    """A connection outside the machine was attempted while the guard was on."""


def _is_local(host: str, own: frozenset[str]) -> bool:
    if host in own or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@contextmanager
def outbound_guard(own: frozenset[str] = frozenset()) -> Iterator[list[str]]:
    """Install the guard; yields the list of refused destinations (host or host:port)."""
    refused: list[str] = []

    def check(address: Any) -> None:
        if isinstance(address, tuple) and address and isinstance(address[0], str):
            host = address[0]
            if not _is_local(host, own):
                refused.append(f"{host}:{address[1]}" if len(address) > 1 else host)
                raise OutboundBlocked(f"outbound connection to {host} refused (room box)")

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address)
        _real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address)
        return _real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, bytes):
            host = host.decode("idna")
        if host is not None and not _is_local(str(host), own):
            refused.append(str(host))
            raise OutboundBlocked(f"name lookup of {host} refused (room box)")
        return _real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo
    try:
        yield refused
    finally:
        socket.socket.connect = _real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = _real_getaddrinfo


def install(own: frozenset[str]) -> None:
    """For the life of the process (the room server)."""
    outbound_guard(own).__enter__()
