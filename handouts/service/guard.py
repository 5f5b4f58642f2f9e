"""What stands between the public and the pages: limits, rate limits, CSRF, security headers.

Each guard is a small ASGI middleware; every refusal is a short, escaped HTML page with a
status (413, 400, 429, 403), never a traceback. CSRF is asgi-csrf (signed double-submit
cookie, the token a hidden field of every form); rate limits are the `limits` library.
"""

from __future__ import annotations

import html
import secrets as random_tokens
import time
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie

from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse, storage, strategies

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]

#: No inline script or style anywhere, so the policy can forbid them; images may be data:
#: URLs only for nothing of ours, so they are not allowed either.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
       "object-src 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


def error_html(status: int, title: str, message: str) -> bytes:
    """A small page in the service's style; everything in it is escaped."""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{status} {html.escape(title)}</title>'
            f'<link rel="stylesheet" href="/static/site.css">'
            f'<link rel="stylesheet" href="/static/service.css"></head><body>'
            f'<main class="wrap"><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>'
            f'<p><a href="/">Back to the start page</a></p></main></body></html>').encode()


async def send_page(send: Callable, status: int, title: str, message: str,
                    headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            *SECURITY_HEADERS, *(headers or [])]})
    await send({"type": "http.response.body", "body": error_html(status, title, message)})


def security_headers(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)

        async def with_headers(event: dict) -> None:
            if event["type"] == "http.response.start":
                names = {name for name, _ in event.get("headers", [])}
                event = {**event, "headers": [*event.get("headers", []),
                                              *(h for h in SECURITY_HEADERS if h[0] not in names)]}
            await send(event)
        await app(scope, receive, with_headers)
    return wrapped


class _TooLarge(Exception):
    pass


class _Started:
    """A send() that remembers whether the response has begun (then no error page fits)."""

    def __init__(self, send: Callable):
        self._send, self.started = send, False

    async def __call__(self, event: dict) -> None:
        self.started = self.started or event["type"] == "http.response.start"
        await self._send(event)


def body_limit(app: ASGIApp, max_bytes: int) -> ASGIApp:
    """413 for a body over max_bytes, whether it says its length or streams; 400 for a
    multipart body without a boundary (the CSRF guard could not read it)."""
    async def wrapped(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        if length and (not length.isdigit() or int(length) > max_bytes):
            return await send_page(send, 413, "Too large",
                                   f"A request may be at most {max_bytes // 1024} KB.")
        content_type = headers.get(b"content-type", b"")
        if content_type.startswith(b"multipart/form-data") and b"; boundary=" not in content_type:
            return await send_page(send, 400, "Bad request", "The form data is malformed.")
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > max_bytes:
                raise _TooLarge
            return message

        tracking = _Started(send)
        try:
            await app(scope, counted, tracking)
        except _TooLarge:
            if not tracking.started:
                await send_page(send, 413, "Too large",
                                f"A request may be at most {max_bytes // 1024} KB.")
    return wrapped


def errors(app: ASGIApp, log: Callable[[str], None]) -> ASGIApp:
    """The outermost guard: a bug anywhere becomes a 500 page, logged, never a traceback."""
    async def wrapped(scope: dict, receive: Callable, send: Callable) -> None:
        tracking = _Started(send)
        try:
            await app(scope, receive, tracking)
        except Exception as exc:  # noqa: BLE001 - logged here, the reader gets a page
            if scope["type"] != "http":
                raise
            log(f"error on {scope.get('method')} {scope.get('path')}: {exc!r}")
            if not tracking.started:
                await send_page(send, 500, "Something went wrong",
                                "The service could not answer this request. Try again later.")
    return wrapped


def client_address(scope: dict, trusted_proxy: str) -> str:
    """The client's address; X-Forwarded-For only when the peer is the configured proxy."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    if trusted_proxy and peer == trusted_proxy:
        forwarded = dict(scope.get("headers") or []).get(b"x-forwarded-for", b"")
        if forwarded:
            return forwarded.decode("latin-1").split(",")[-1].strip() or peer
    return peer


def rate_limit(app: ASGIApp, *, per_minute: int, posts_per_minute: int,
               trusted_proxy: str = "") -> ASGIApp:
    """429 + Retry-After past a moving window per client: one limit for every request, a
    stricter one for form posts (each may start a build)."""
    limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
    every, posts = parse(f"{per_minute}/minute"), parse(f"{posts_per_minute}/minute")

    async def wrapped(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            return await app(scope, receive, send)
        client = client_address(scope, trusted_proxy)
        limits_hit = [every] + ([posts] if scope["method"] == "POST" else [])
        for item in limits_hit:
            if not limiter.hit(item, "service", client, str(item)):
                reset = limiter.get_window_stats(item, "service", client, str(item)).reset_time
                wait = max(1, int(reset - time.time()) + 1)
                return await send_page(send, 429, "Too many requests",
                                       f"Please wait {wait} seconds and try again.",
                                       [(b"retry-after", str(wait).encode())])
        await app(scope, receive, send)
    return wrapped


CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrftoken"


def csrf_cookie(app: ASGIApp, *, secret: str) -> ASGIApp:
    """Give every client a signed token (cookie, SameSite=Strict, HttpOnly) and put it in
    scope["csrftoken"] for the pages' forms."""
    signer = URLSafeSerializer(secret, salt="csrf")

    async def wrapped(scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        cookie = SimpleCookie()
        try:
            cookie.load(dict(scope.get("headers") or []).get(b"cookie", b"").decode("latin-1"))
        except Exception:  # noqa: BLE001 - a malformed cookie header is just no cookie
            cookie = SimpleCookie()
        token = cookie[CSRF_COOKIE].value if CSRF_COOKIE in cookie else ""
        try:
            signer.loads(token)
            fresh = False
        except BadSignature:
            token, fresh = signer.dumps(random_tokens.token_urlsafe(16)), True

        async def with_cookie(event: dict) -> None:
            if fresh and event["type"] == "http.response.start":
                value = f"{CSRF_COOKIE}={token}; Path=/; SameSite=Strict; HttpOnly"
                event = {**event, "headers": [*event.get("headers", []),
                                              (b"set-cookie", value.encode())]}
            await send(event)
        await app({**scope, "csrftoken": token, "csrf_fresh": fresh}, receive, with_cookie)
    return wrapped


def csrf_problem(scope: MutableMapping, posted: object) -> str:
    """Why a POST fails the CSRF check, or "" when it passes."""
    headers = dict(scope.get("headers") or [])
    if headers.get(b"sec-fetch-site", b"same-origin") not in (b"same-origin", b"none"):
        return "cross-site request"
    origin = headers.get(b"origin", b"").decode("latin-1")
    host = headers.get(b"host", b"").decode("latin-1")
    if origin and origin != "null" and origin.split("://", 1)[-1] != host:
        return "origin does not match"
    sent = posted.get(CSRF_FIELD, "") if hasattr(posted, "get") else ""
    if scope.get("csrf_fresh") or not isinstance(sent, str) or not sent:
        return "no token"
    if not random_tokens.compare_digest(sent, scope["csrftoken"]):
        return "token does not match"
    return ""
