"""The ASGI application: the routes, wrapped in the guards, served by uvicorn.

Guards, outermost first: errors (a page, never a traceback), security headers, body size,
rate limits, the CSRF cookie; then Starlette's router (each POST handler checks the
form's CSRF token).
"""

from __future__ import annotations

import logging
import secrets

from starlette.applications import Starlette
from starlette.routing import Route

from ..sources import Sources
from . import guard, jobs
from .config import ServiceConfig
from .context import Service
from .routes import ROUTES

log = logging.getLogger("handouts.service")


def create_app(config: ServiceConfig, sources: Sources | None = None,
               queue: jobs.Queue | None = None):
    """The guarded ASGI application; `.service` on it is the shared state (for tests)."""
    service = Service(config, sources or Sources.shipped(), queue)
    app = Starlette(routes=[Route(path, endpoint=_bind(handler, service), methods=methods)
                            for path, handler, methods in ROUTES])
    secret = config.secret or secrets.token_hex(32)
    wrapped = guard.csrf_cookie(app, secret=secret)
    wrapped = guard.rate_limit(wrapped, per_minute=config.rate_per_minute,
                               posts_per_minute=config.posts_per_minute,
                               trusted_proxy=config.trusted_proxy)
    wrapped = guard.body_limit(wrapped, config.max_request_kb * 1024)
    wrapped = guard.errors(guard.security_headers(wrapped), log.error)
    wrapped.service = service  # type: ignore[attr-defined]
    return wrapped


def _bind(handler, service: Service):
    async def endpoint(request):
        return await handler(service, request)
    endpoint.__name__ = handler.__name__
    return endpoint


def serve(config: ServiceConfig) -> None:
    """Run until Ctrl+C (uvicorn, one process: the workers are the queue's)."""
    import uvicorn
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_app(config)
    print(f"Serving the edition service at http://{config.host}:{config.port}/ "
          f"(storage: {config.storage}; Ctrl+C stops)", flush=True)
    try:
        uvicorn.run(app, host=config.host, port=config.port, log_level="warning",
                    proxy_headers=False, timeout_graceful_shutdown=5)
    finally:
        app.service.queue.close()
