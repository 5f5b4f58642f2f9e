"""What every request handler shares: settings, inputs, storage, the queue, the pages.

Made once when the service starts; handlers (routes.py) get it explicitly.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.templating import Jinja2Templates

from ..build import cache
from ..catalogs import available_locales
from ..sources import Sources
from . import guard, jobs
from .config import ServiceConfig
from .storage import Store, digest

log = logging.getLogger("handouts.service")
STATIC = {"site.css": "site", "filter.js": "site", "service.css": "service",
          "service.js": "service"}


class Service:
    """Everything a request needs, made once at start: settings, inputs, storage, queue."""

    def __init__(self, config: ServiceConfig, sources: Sources, queue: jobs.Queue | None = None):
        self.config = config
        self.sources = sources
        self.store = Store(config.storage, config.storage_mb * 1_000_000)
        self.queue = queue or jobs.EmbeddedQueue(
            build_workers=config.build_workers, preview_workers=config.preview_workers,
            queue_size=config.queue_size, job_seconds=config.job_seconds,
            preview_seconds=config.preview_seconds)
        self.codes = available_locales(sources.locales)
        self.templates = str(sources.templates)
        self.locales = str(sources.locales)
        #: What every object also depends on: code, templates, catalogs, fonts, libraries.
        inputs = cache.Inputs.gather(sources)
        self.inputs = digest(dataclasses.asdict(inputs), cache.tree_digest(sources.locales))
        self.failed: dict[str, str] = {}   # object id -> why its task failed (this run)
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(sources.templates / "service")),
            autoescape=True, undefined=jinja2.StrictUndefined)
        self.pages = Jinja2Templates(env=environment)

    def page(self, request: Request, name: str, status: int = 200, **context) -> Response:
        return self.pages.TemplateResponse(request, name, {
            "csrftoken": request.scope["csrftoken"], **context}, status_code=status)

    def settle(self, kind: str, object_id: str):
        """The done-callback of a task: publish what it made, or remember why it failed."""
        def done(future: Future) -> None:
            reason = jobs.failure_reason(future)
            if reason:
                log.warning("%s/%s failed: %s", kind, object_id, reason)
                self.failed[object_id] = reason
                self.store.abandon(kind, object_id)
            else:
                self.failed.pop(object_id, None)
                self.store.finish(kind, object_id)
        return done

    def start(self, kind: str, object_id: str, lane: str, function: Callable[..., Any],
              arguments: Callable[[str], tuple]) -> Future:
        """Run function(*arguments(folder)) to fill a storage object (raises jobs.QueueFull);
        the same object while its task runs is joined, not started again."""
        running = self.queue.running(object_id)
        if running is not None:
            return running
        folder = self.store.start(kind, object_id)
        try:
            return self.queue.submit(lane, object_id, function, *arguments(str(folder)),
                                     on_done=self.settle(kind, object_id))
        except jobs.QueueFull:
            self.store.abandon(kind, object_id)
            raise

    def state(self, kind: str, object_id: str) -> str:
        """done, running or failed (this run), or missing."""
        if self.store.complete(kind, object_id) is not None:
            return "done"
        if self.queue.running(object_id) is not None:
            return "running"
        return "failed" if object_id in self.failed else "missing"


def busy(service: Service, exc: jobs.QueueFull) -> Response:
    return Response(guard.error_html(503, "Busy", f"The service is busy. Please try again in "
                                     f"{exc.retry_after} seconds."), status_code=503,
                    media_type="text/html", headers={"Retry-After": str(exc.retry_after)})


def forbidden(problem: str) -> Response:
    log.info("CSRF check failed: %s", problem)
    return Response(guard.error_html(403, "Form expired", "This form could not be checked (it "
                                     "is old, or came from another site). Go back, reload the "
                                     "page and send it again."),
                    status_code=403, media_type="text/html")


def not_found() -> Response:
    return Response(guard.error_html(404, "Not found", "There is nothing at this address. It "
                                     "may have expired: make it again from the form."),
                    status_code=404, media_type="text/html")


async def settle_briefly(future: Future, seconds: float) -> None:
    """Wait a little for a quick task, so the page after the redirect has its result."""
    try:
        await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), seconds)
    except Exception:  # noqa: BLE001 - still running or failed: the next page says which
        pass


def static_file(service: Service, name: str) -> Response:
    folder = STATIC.get(name)
    if folder is None:
        return not_found()
    return FileResponse(service.sources.templates / folder / name,
                        headers={"Cache-Control": "public, max-age=3600"})


def object_file(service: Service, kind: str, object_id: str, inner: str) -> Response:
    path = service.store.file(kind, object_id, inner)
    if path is None:
        return not_found()
    disposition = "attachment" if path.suffix in (".zip", ".toml") else "inline"
    return FileResponse(path, content_disposition_type=disposition,
                        filename=path.name if disposition == "attachment" else None,
                        headers={"Cache-Control": "public, max-age=86400, immutable"})

