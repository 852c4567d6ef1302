"""The workbench's guards, as one ASGI middleware: host, token, body size, security headers.

* ``Host``: only the server's own names (the loopback names, the address it listens on, and any
  allowed host), so a web page elsewhere cannot reach a local server by DNS rebinding.
* Token: when one is set, every request carries it (``Authorization: Bearer T``, the
  ``winset_token`` cookie, or ``?token=T``, which sets the cookie); else 401.
* Cross-site writes: a request that changes something and names another ``Origin`` is refused.
* Body size: more than ``max_upload`` bytes is refused with 413 and a clear message, whether
  the client said so in ``Content-Length`` or not.
* Headers: a Content-Security-Policy that lets no inline script run (charts are drawn from JSON
  data by the workbench's own script), no framing, no sniffing, no referrer.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from winset.web.settings import LOOPBACK_NAMES

__all__ = ["CSP", "Guard", "TOKEN_COOKIE"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_COOKIE = "winset_token"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def _host_name(value: str) -> str:
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    """The middleware; see the module's docstring."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        max_upload: int,
        hosts: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.token = token or None
        self.max_upload = max_upload
        names = {h.strip().lower().strip("[]") for h in (*LOOPBACK_NAMES, *hosts) if h}
        self.any_host = "*" in names or "0.0.0.0" in names or "::" in names
        self.hosts = names

    async def _reply(
        self,
        send: Send,
        status: int,
        text: str,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        body = json.dumps({"detail": text}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *_HEADERS,
                    *(headers or []),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _token_of(self, scope: Scope, headers: dict[str, str]) -> tuple[str | None, bool]:
        """The token a request carries, and whether it came in the query string."""
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip(), False
        if "x-winset-token" in headers:
            return headers["x-winset-token"].strip(), False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if "token" in query:
            return query["token"][0], True
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header: no token
            return None, False
        morsel = cookie.get(TOKEN_COOKIE)
        return (morsel.value if morsel else None), False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request, then pass it on with the security headers added."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = _host_name(headers.get("host", ""))
        if not self.any_host and host not in self.hosts:
            await self._reply(send, 421, f"this server does not answer for the host {host!r}")
            return
        set_cookie = False
        if self.token is not None:
            given, in_query = self._token_of(scope, headers)
            if given is None or not hmac.compare_digest(given.encode(), self.token.encode()):
                await self._reply(
                    send,
                    401,
                    "this workbench needs its token: open it with ?token=... once, or send "
                    "'Authorization: Bearer ...'",
                    [(b"www-authenticate", b"Bearer")],
                )
                return
            set_cookie = in_query
        method = scope.get("method", "GET")
        if method not in ("GET", "HEAD", "OPTIONS"):
            origin = headers.get("origin")
            if origin and origin != "null" and not self._same_origin(origin, headers):
                await self._reply(send, 403, "cross-site requests are refused")
                return
        length = headers.get("content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_upload
            except ValueError:
                too_big = True
            if too_big:
                await self._reply(send, 413, self._too_large())
                return

        if length is None and method not in ("GET", "HEAD", "OPTIONS"):
            # no length given (chunked): read the body here, within the limit, then replay it
            chunks: list[Message] = []
            received = 0
            while True:
                message = await receive()
                chunks.append(message)
                if message["type"] != "http.request":
                    break
                received += len(message.get("body", b""))
                if received > self.max_upload:
                    await self._reply(send, 413, self._too_large())
                    return
                if not message.get("more_body", False):
                    break
            pending = list(chunks)

            async def replay() -> Message:
                if pending:
                    return pending.pop(0)
                return await receive()

            receive = replay

        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(_HEADERS)
                if set_cookie and self.token is not None:
                    extra.append(
                        (
                            b"set-cookie",
                            f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; "
                            "SameSite=Strict".encode(),
                        )
                    )
                present = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in present
                ]
            await send(message)

        await self.app(scope, receive, guarded)

    def _same_origin(self, origin: str, headers: dict[str, str]) -> bool:
        parts = urlsplit(origin)
        return parts.netloc.lower() == headers.get("host", "").lower()

    def _too_large(self) -> str:
        mb = self.max_upload / (1024 * 1024)
        return (
            f"the request is larger than the workbench takes ({mb:g} MB); "
            "split the file or use the command line"
        )
