"""uvicorn's HTTP/1.1 protocol (h11) with a deadline for each request.

uvicorn closes a connection that stays idle after an answer, but not one
over which a client sends its request a byte at a time: such a client would
keep a connection (and, while the body is read, the app) busy for as long
as it likes. Here the request line, the headers and the body must all have
arrived within REQUEST_TIMEOUT of the connection being made or the last
answer on it being sent; else the connection is closed (with a 408 when no
request had started).
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_TIMEOUT = 20  # seconds; a form's answer is a few kilobytes
TIMED_OUT = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
             b"content-length: 16\r\nconnection: close\r\n\r\nRequest timeout\n")


class TimedH11Protocol(H11Protocol):
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):  # the request is in, body and all
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # for the next request on this connection

    def shutdown(self) -> None:
        """The server stops: an event stream (a live screen) never ends
        by itself, so its connection is closed now instead of holding the
        server until the graceful shutdown's time is up; the app sees the
        client leave. Every other request is answered first."""
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and _event_stream(cycle.scope):
            self.transport.close()
            return
        super().shutdown()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(REQUEST_TIMEOUT, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE and self.conn.our_state is h11.IDLE:
            self.transport.write(TIMED_OUT)  # no request yet, so no answer under way
        # While the body is read, the app sees the client leave and stops.
        self.transport.close()


def _event_stream(scope) -> bool:
    """Whether a request asked for server-sent events."""
    return any(name == b"accept" and b"text/event-stream" in value.lower() for name, value in scope["headers"])
