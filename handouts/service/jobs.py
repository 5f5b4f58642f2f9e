"""The job queue: whole editions and previews run in worker processes, never in the server.

`Queue` is the interface the pages use: submit a named task, ask how it went. The embedded
default (`EmbeddedQueue`) needs no server: pebble process pools inside the service, one for
editions and one for previews, so a long edition never delays a preview. Each task has a time
limit (pebble stops the worker process that overruns) and the number waiting is bounded: when
it is full, submit raises QueueFull and the page answers 503 with Retry-After. A distributed
engine can take over by implementing the same three methods.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Protocol

import pebble

BUILDS = "builds"
PREVIEWS = "previews"


class QueueFull(RuntimeError):
    """No room for another task now; retry_after says when to try again (seconds)."""

    def __init__(self, retry_after: int):
        super().__init__(f"busy: try again in {retry_after} s")
        self.retry_after = retry_after


class Queue(Protocol):
    def submit(self, lane: str, task_id: str, function: Callable[..., Any], *args: Any,
               on_done: Callable[[Future], None] | None = None) -> Future: ...

    def running(self, task_id: str) -> Future | None: ...

    def close(self) -> None: ...


def _context():
    """forkserver: the service has threads (the event loop's), which fork does not copy safely;
    the server process imports the build once, and each worker forks from it."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["handouts.service.routes"])
    return context


class EmbeddedQueue:
    """Process pools in this service: lane -> (pool, workers, time limit)."""

    def __init__(self, *, build_workers: int, preview_workers: int, queue_size: int,
                 job_seconds: float, preview_seconds: float):
        self._lanes = {
            BUILDS: (pebble.ProcessPool(max_workers=build_workers, max_tasks=20,
                                        context=_context()),
                     build_workers, job_seconds),
            PREVIEWS: (pebble.ProcessPool(max_workers=preview_workers, max_tasks=50,
                                       context=_context()),
                       preview_workers, preview_seconds),
        }
        self.queue_size = queue_size
        self._lock = threading.Lock()
        self._tasks: dict[str, tuple[str, Future]] = {}

    def submit(self, lane: str, task_id: str, function: Callable[..., Any], *args: Any,
               on_done: Callable[[Future], None] | None = None) -> Future:
        """Run function(*args) in the lane's pool; the same task_id while it runs is joined,
        not started twice."""
        pool, workers, seconds = self._lanes[lane]
        with self._lock:
            if task_id in self._tasks:
                return self._tasks[task_id][1]
            waiting = sum(1 for name, _ in self._tasks.values() if name == lane)
            if waiting >= workers + self.queue_size:
                raise QueueFull(retry_after=max(5, int(seconds // 4)))
            future = pool.schedule(function, args=args, timeout=seconds)
            self._tasks[task_id] = (lane, future)

        def settled(done: Future) -> None:
            with self._lock:
                self._tasks.pop(task_id, None)
            if on_done is not None:
                on_done(done)

        future.add_done_callback(settled)
        return future

    def running(self, task_id: str) -> Future | None:
        with self._lock:
            entry = self._tasks.get(task_id)
        return entry[1] if entry else None

    def close(self) -> None:
        for pool, _, _ in self._lanes.values():
            pool.stop()
            pool.join(timeout=10)


def failure_reason(future: Future) -> str:
    """Why a task failed, in plain words (never a traceback)."""
    try:
        future.result(timeout=0)
    except TimeoutError:
        return "it took longer than the time limit and was stopped"
    except pebble.ProcessExpired as exc:
        return f"its worker process stopped unexpectedly (exit code {exc.exitcode})"
    except Exception as exc:  # noqa: BLE001 - the reason is shown, the details logged
        return f"{type(exc).__name__}: {str(exc)[:300]}"
    return ""
