"""Distributed mode: documents laid out by Celery workers on any machine, through Redis.

The requester (the command line, or the service's edition task) sends each document as one
task (its job, sources and fingerprint, all JSON) and writes what comes back itself, atomically,
as today: a worker never writes a file anyone reads. Workers run `build_pdf.py worker --queue
URL`; Redis (one URL) is both the broker and the result store. The PDF comes back in the result
(base64, 20 to 400 KB) and is deleted from Redis as soon as it is read.

Faults: tasks are acknowledged after they finish (acks_late) and rejected back to the queue when
their worker process dies (reject_on_worker_lost); a whole worker machine that dies leaves its
tasks unacknowledged, and Redis hands them to another worker after the visibility timeout.
A document that raises is retried MAX_RETRIES times, then fails alone with its reason; one that
fails its checks is an ordinary result. When Redis restarts (its run id changes) the requester
sends again every document not yet back; duplicates are dropped by document, so each is written
exactly once. Redis unreachable for longer than `reconnect_seconds`: the documents not yet back
fail with that reason, and nothing half-written is ever published.
"""

from __future__ import annotations

import base64
import contextlib
import os
import time
import uuid
from dataclasses import asdict
from pathlib import Path

from celery import Celery
from celery.backends.redis import RedisBackend
from kombu.exceptions import OperationalError
from kombu.utils.url import maybe_sanitize_url
from redis.exceptions import RedisError

from ..sources import Sources, shipped
from . import fingerprint, matrix

TASK = "handouts.render"
#: Tries after the first, for a document that raises (not for one that fails its checks).
MAX_RETRIES = 2
RETRY_SECONDS = 1.0
#: Seconds before an unacknowledged task (its worker gone) is handed to another worker; longer
#: than any document takes. HANDOUTS_QUEUE_VISIBILITY overrides it (the tests use a few).
VISIBILITY_SECONDS = 300
VISIBILITY_ENV = "HANDOUTS_QUEUE_VISIBILITY"
#: How often the requester asks Redis for its run id (a new one: it restarted, empty).
RUN_ID_SECONDS = 0.5
#: Seconds a document may be in flight before it fails (HANDOUTS_QUEUE_DOCUMENT_SECONDS).
DOCUMENT_SECONDS = 900
DOCUMENT_ENV = "HANDOUTS_QUEUE_DOCUMENT_SECONDS"
#: What a folder shipped with the package is called in a task: each worker reads its own.
SHIPPED = "shipped:"


class PolledRedisBackend(RedisBackend):
    """The Redis result store, read by polling (one MGET for every document in flight):
    nothing subscribes to a result, so unread PDFs never pile up in a subscription."""

    def on_task_call(self, producer, task_id):
        pass


def make_app(url: str) -> Celery:
    visibility = int(os.environ.get(VISIBILITY_ENV) or VISIBILITY_SECONDS)
    app = Celery("handouts", broker=url, set_as_current=False,
                 backend=f"{__name__}:PolledRedisBackend+{url}")
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        result_expires=3600, worker_max_tasks_per_child=matrix.JOBS_PER_WORKER,
        broker_connection_retry_on_startup=True,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        broker_transport_options={"visibility_timeout": visibility,
                                  "unacked_restore_interval": max(1, visibility // 10),
                                  "unacked_restore_throttle": 1},
        redis_socket_connect_timeout=5, redis_socket_timeout=60,
        worker_hijack_root_logger=False)
    app.task(name=TASK, bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=MAX_RETRIES, resultrepr_maxsize=80)(render_task)
    return app


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    return str(maybe_sanitize_url(url))


# -- the worker ---------------------------------------------------------------------------

def sources_message(sources: Sources) -> dict:
    data = sources.to_json()
    for name in ("templates", "locales"):
        if Path(data[name]) == shipped(name).resolve():
            data[name] = SHIPPED + name
    return data


def sources_here(data: dict) -> Sources:
    data = dict(data)
    for name in ("templates", "locales"):
        if data[name] == SHIPPED + name:
            data[name] = str(shipped(name))
    return Sources.from_json(data)


def render_task(task, job: dict, sources: dict, first_scale: int, wanted: dict) -> dict:
    """One document on this worker: {"result", "pdf"} or {"error"} (refused, or it raised)."""
    here = sources_here(sources)
    work = matrix.Job(**job)
    differs = fingerprint.differences(
        wanted, fingerprint.environment(here.templates, here.locales, work.locale))
    if differs:
        return _retry_or_fail(task, f"refused by worker {task.request.hostname}: it would not "
                              f"make the same bytes; differs: {'; '.join(differs)}")
    try:
        result, pdf = matrix.render_job(work, matrix.BuildOptions(here, Path(".")), first_scale)
    except Exception as exc:  # a crash, not a document that fails its checks
        return _retry_or_fail(task, f"internal error on worker {task.request.hostname}: "
                              f"{type(exc).__name__}: {exc}")
    return {"result": asdict(result),
            "pdf": base64.b64encode(pdf).decode("ascii") if pdf is not None else None}


def _retry_or_fail(task, reason: str) -> dict:
    if task.request.retries < MAX_RETRIES:
        raise task.retry(countdown=RETRY_SECONDS, max_retries=MAX_RETRIES)
    return {"error": f"{reason} (tried {MAX_RETRIES + 1} times)"}


def start_worker(url: str, concurrency: int, name: str = "") -> None:
    """Run a worker until stopped: `concurrency` processes, each keeping one Renderer."""
    import logging

    from celery.signals import worker_process_init

    # WeasyPrint's notes stay with the glyph check (a handler on its own logger), out of the log.
    logging.getLogger("weasyprint").propagate = False
    app = make_app(url)
    worker_process_init.connect(lambda **_: matrix._start_worker(shipped("templates")),
                                weak=False)
    here = fingerprint.environment(shipped("templates"), shipped("locales"), "en")
    print(f"worker for {shown(url)}: {concurrency} process(es), environment "
          f"{fingerprint.digest({k: here[k] for k in ('source', 'packages', 'system_libraries')})}",
          flush=True)
    app.worker_main(["worker", f"--concurrency={concurrency}", "--loglevel=INFO",
                     "--without-gossip", "--without-mingle", "--pool=prefork",
                     f"--hostname={name or f'handouts{os.getpid()}@%h'}"])


# -- the requester ------------------------------------------------------------------------

class QueueExecutor:
    """matrix.run's executor for the queue: sends pending documents, yields them as they
    come back (index, JobResult, pdf or None, cacheable), each exactly once."""

    def __init__(self, url: str, in_flight: int | None = None, reconnect_seconds: float = 60,
                 document_seconds: float | None = None, poll_seconds: float = 0.02):
        self.url, self.in_flight = url, in_flight
        self.reconnect_seconds, self.poll_seconds = reconnect_seconds, poll_seconds
        #: A document not back this long after it was sent fails (no worker running, or one
        #: that dies on it every time: a lost worker's task is requeued without a count).
        self.document_seconds = document_seconds or float(
            os.environ.get(DOCUMENT_ENV) or DOCUMENT_SECONDS)
        self.app = make_app(url)
        self.notices: list[str] = []

    def reachable(self) -> str:
        """"" when Redis answers, else why not."""
        try:
            self.app.backend.client.ping()
        except Exception as exc:  # noqa: BLE001 - said in words, never a traceback
            return f"{type(exc).__name__}: {exc}"
        return ""

    def fleet(self, timeout: float = 1.0) -> int:
        """The processes of every worker that answers: how many documents can run at once."""
        try:
            stats = self.app.control.inspect(timeout=timeout).stats() or {}
        except Exception:  # noqa: BLE001 - no answer is an answer: none listening
            return 0
        return sum(int(s.get("pool", {}).get("max-concurrency", 0)) for s in stats.values())

    def __call__(self, pending: list[int], jobs, options, first_scale):
        backend = self.app.backend
        sources = sources_message(options.sources)
        prints = {code: fingerprint.environment(options.sources.templates,
                                                options.sources.locales, code)
                  for code in dict.fromkeys(jobs[index].locale for index in pending)}
        in_flight = self.in_flight or max(2, 2 * self.fleet())
        todo, settled = list(pending), set()
        flying: dict[str, int] = {}  # task id -> index
        sent: dict[str, float] = {}
        run_id, down_since, problem, asked = None, None, "", 0.0
        while todo or flying:
            try:
                if time.monotonic() - asked > RUN_ID_SECONDS or down_since is not None:
                    current, asked = backend.client.info("server")["run_id"], time.monotonic()
                if run_id is not None and current != run_id:
                    self.notices.append(f"the queue at {shown(self.url)} restarted: sending "
                                        f"again the {len(flying)} document(s) not yet back")
                    todo = sorted(set(todo) | set(flying.values()), key=pending.index)
                    flying.clear()
                run_id = current
                while todo and len(flying) < in_flight:
                    index = todo[0]
                    job = jobs[index]
                    task_id = str(uuid.uuid4())
                    self.app.send_task(TASK, args=[asdict(job), sources, first_scale(index),
                                                   prints[job.locale]], task_id=task_id,
                                       retry=False)
                    flying[task_id], sent[task_id] = todo.pop(0), time.monotonic()
                ready = self._ready(backend, list(flying))
                down_since = None
            except (RedisError, OperationalError, OSError) as exc:  # unreachable, restarting
                problem = f"{type(exc).__name__}: {exc}"
                down_since = down_since or time.monotonic()
                if time.monotonic() - down_since > self.reconnect_seconds:
                    break
                time.sleep(0.5)
                continue
            for task_id, meta in ready:
                index = flying.pop(task_id)
                with contextlib.suppress(RedisError):  # else it expires on its own
                    backend.forget(task_id)
                if index not in settled:
                    settled.add(index)
                    yield (index, *_decode(meta, jobs[index]))
            for task_id in [t for t in flying
                            if time.monotonic() - sent[t] > self.document_seconds]:
                index = flying.pop(task_id)
                settled.add(index)
                yield index, matrix.JobResult(jobs[index], problems=[
                    f"no worker on {shown(self.url)} finished this document within "
                    f"{self.document_seconds:.0f} s (none running, or its worker died on it "
                    "each time); no file of it was written"]), None, False
            if not ready:
                time.sleep(self.poll_seconds)
        for index in sorted(set(todo) | set(flying.values()), key=pending.index):
            if index not in settled:
                yield index, matrix.JobResult(jobs[index], problems=[
                    f"the queue at {shown(self.url)} could not be reached for "
                    f"{self.reconnect_seconds:.0f} s ({problem}); this document was not built "
                    "and no file of it was written"]), None, False

    @staticmethod
    def _ready(backend, task_ids: list[str]) -> list[tuple[str, dict]]:
        if not task_ids:
            return []
        values = backend.mget([backend.get_key_for_task(t) for t in task_ids])
        found = []
        for task_id, value in zip(task_ids, values, strict=True):
            if value is not None:
                meta = backend.decode_result(value)
                if meta["status"] in ("SUCCESS", "FAILURE"):
                    found.append((task_id, meta))
        return found


def _decode(meta: dict, job: matrix.Job):
    """(JobResult, pdf or None, cacheable) from a finished task's stored result."""
    value = meta["result"]
    if meta["status"] != "SUCCESS":
        return matrix.JobResult(job, problems=[f"the worker failed: {value!r}"]), None, False
    if "error" in value:
        return matrix.JobResult(job, problems=[value["error"]]), None, False
    data = dict(value["result"])
    data.pop("job", None)
    result = matrix.JobResult(job, **data)
    pdf = base64.b64decode(value["pdf"]) if value["pdf"] is not None else None
    return result, pdf, True
