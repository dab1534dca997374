"""A cap on the size of a request body: a larger one answers 413 before any route reads it.

Every body field has its own bound (``api/limits.py``), but those are checked only after the
whole body is read and parsed; without a cap on the total, one request of a few GB would be
buffered in memory first. The cap is ``OBSERVATORY_MAX_BODY_MB``: a declared
``Content-Length`` above it is refused at once, and a body sent without one (chunked) is
counted as it arrives and refused as soon as it passes the cap.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from observatory.errors import error_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOO_LARGE = 413
MIB = 1024 * 1024


# what the route reads once the body passed the cap: the client is gone, as far as it knows
DISCONNECT: Message = {"type": "http.disconnect"}


class BodySizeLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with the common error body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting its body, or answer 413."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        started = refused = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            if refused:
                return DISCONNECT
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # answered here: the route's body parsing would turn an exception into 400
                    refused = True
                    if not started:
                        await self._refuse(send)
                    return DISCONNECT
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 is the answer; the route's own is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise  # the route stopped on the disconnect it was told of; nothing to report

    async def _refuse(self, send: Send) -> None:
        limit_mb = self.max_bytes / MIB
        message = f"request body is larger than {limit_mb:g} MiB (OBSERVATORY_MAX_BODY_MB)"
        payload = json.dumps(error_body(message, TOO_LARGE)).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": TOO_LARGE, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


def _content_length(scope: Scope) -> int | None:
    """The declared body length, None when absent or not a number (the server checks it)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
