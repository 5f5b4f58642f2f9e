"""Distributed mode (Celery on Redis): a build through two workers is the local build's bytes,
and each fault is survived or reported: a worker killed mid-job, Redis restarted mid-job, a
document that always fails, a worker whose source differs.

The tests start their own redis-server on a free loopback port and their own workers
(tests/queue_worker.py: `build_pdf.py worker` plus planted faults), and stop them at the end.
Every wait has a time limit; nothing asserts on how long anything took.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from handouts.build import fingerprint, matrix
from handouts.build.distributed import QueueExecutor
from tests.conftest import PROJECT

REDIS = shutil.which("redis-server")
if REDIS is None:  # `make test` installs it (scripts/system-deps.sh --test); CI must have it
    if os.environ.get("CI"):
        raise RuntimeError("redis-server is not installed: run scripts/system-deps.sh --test")
    pytest.skip("redis-server is not installed (make test installs it)", allow_module_level=True)

SELECTION = ["--locale", "en,es", "--handout", "287g-basics", "--paper", "letter,a4",
             "--no-site"]
DOCUMENTS = 4
#: Seconds before a dead worker's task goes to another worker (the default is 300).
VISIBILITY = "8"
BUILD_SECONDS = 400


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up after {seconds} s waiting for {what}")


class Redis:
    def __init__(self, port: int):
        self.port, self.process = port, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.answers, 30, f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)


class Fleet:
    """Redis and the workers of one test module."""

    def __init__(self, work: Path):
        self.work, self.redis = work, Redis(free_port())
        self.url = f"redis://127.0.0.1:{self.redis.port}/0"
        self.faults = work / "faults.json"
        self.started = work / "started"
        self.workers: list[subprocess.Popen] = []

    def set_faults(self, **faults) -> None:
        shutil.rmtree(self.started, ignore_errors=True)
        self.started.mkdir()
        self.faults.write_text(json.dumps({"started": str(self.started), **faults}))

    def attempts(self) -> list[tuple[int, str]]:
        """(worker's process group, label) of each document a worker started, oldest first."""
        found = sorted(self.started.iterdir(), key=lambda p: int(p.name.rsplit("-", 1)[1]))
        return [(int(p.name.split("-", 1)[0]), p.read_text()) for p in found]

    def start_worker(self, name: str, url: str = "", pythonpath: Path = PROJECT):
        log = open(self.work / f"worker-{name}.log", "ab")  # noqa: SIM115 - the worker's
        worker = subprocess.Popen(
            [sys.executable, str(PROJECT / "tests" / "queue_worker.py"), "worker", "--queue",
             url or self.url, "--concurrency", "1", "--name", f"{name}@%h"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(pythonpath), "HANDOUTS_QUEUE_VISIBILITY":
                 VISIBILITY, "HANDOUTS_TEST_FAULTS": str(self.faults)})
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int, url: str = "") -> None:
        executor = QueueExecutor(url or self.url)
        wait_until(lambda: executor.fleet(timeout=1) >= count, 120, f"{count} worker(s)")

    def kill(self, worker: subprocess.Popen) -> None:
        """SIGKILL to the worker and its pool processes: a machine that dies."""
        try:
            os.killpg(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.wait(timeout=30)
        self.workers.remove(worker)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    fleet = Fleet(tmp_path_factory.mktemp("queue"))
    fleet.redis.start()
    fleet.set_faults()
    try:
        fleet.start_worker("a")
        fleet.start_worker("b")
        fleet.wait_for_workers(2)
        yield fleet
    finally:
        for worker in list(fleet.workers):
            fleet.kill(worker)
        fleet.redis.stop()


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> dict[str, bytes]:
    """The same documents built on this machine's process pool, as today."""
    out = tmp_path_factory.mktemp("local")
    done = subprocess.run([sys.executable, "build_pdf.py", *SELECTION, "--jobs", "2", "--out",
                           str(out)], cwd=PROJECT, capture_output=True, text=True,
                          timeout=BUILD_SECONDS)
    assert done.returncode == 0, done.stderr
    return pdfs(out)


def pdfs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}


def queue_build(url: str, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "build_pdf.py", *SELECTION, "--queue", url, "--out", str(out),
            *extra]


#: The requester gives up on a document after this long in flight (default 900 s): a test
#: whose fault the queue does not survive then fails in words, not by its time limit.
REQUESTER = {**os.environ, "HANDOUTS_QUEUE_DOCUMENT_SECONDS": "150"}


def run(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=PROJECT, capture_output=True, text=True,
                          timeout=BUILD_SECONDS, env=REQUESTER)


def manifest_labels(out: Path) -> list[str]:
    results = json.loads((out / "manifest.json").read_text())["results"]
    return sorted(f"{r['locale']}/{r['handout']}-{r['paper']}" for r in results)


def test_a_build_through_two_workers_is_the_local_build(fleet, local, tmp_path):
    fleet.set_faults()
    done = run(queue_build(fleet.url, tmp_path))
    assert done.returncode == 0, done.stderr
    assert len(local) == DOCUMENTS
    assert pdfs(tmp_path) == local
    assert len(set(manifest_labels(tmp_path))) == DOCUMENTS
    assert {worker for worker, _ in fleet.attempts()} == {w.pid for w in fleet.workers}
    again = run(queue_build(fleet.url, tmp_path))  # the cache is the requester's: no work
    assert again.returncode == 0 and f"0 built, {DOCUMENTS} reused" in again.stdout


def test_a_worker_killed_mid_job_leaves_its_document_to_the_other(fleet, local, tmp_path):
    fleet.set_faults(slow=2)
    build = subprocess.Popen(queue_build(fleet.url, tmp_path), cwd=PROJECT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=REQUESTER)
    try:
        victim_group, label = wait_until(fleet.attempts, 120, "a worker to start a document")[0]
        victim = next(w for w in fleet.workers if w.pid == victim_group)
        fleet.kill(victim)
        stdout, stderr = build.communicate(timeout=BUILD_SECONDS)
    finally:
        build.kill()
        fleet.start_worker("c")
    assert build.returncode == 0, stderr
    assert pdfs(tmp_path) == local
    assert manifest_labels(tmp_path) == sorted(set(manifest_labels(tmp_path)))
    assert len(manifest_labels(tmp_path)) == DOCUMENTS
    assert stdout.count(f"ok   {label}\n") == 1
    assert any(group != victim_group and again == label for group, again in fleet.attempts())
    fleet.wait_for_workers(2)


def test_redis_restarted_mid_job_the_build_completes(fleet, local, tmp_path):
    fleet.set_faults(slow=2)
    build = subprocess.Popen(queue_build(fleet.url, tmp_path), cwd=PROJECT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=REQUESTER)
    try:
        wait_until(fleet.attempts, 120, "a worker to start a document")
        fleet.redis.stop()  # --save '': everything queued and every result is gone
        fleet.redis.start()
        stdout, stderr = build.communicate(timeout=BUILD_SECONDS)
    finally:
        build.kill()
    assert build.returncode == 0, stderr
    assert "restarted: sending again" in stderr
    assert pdfs(tmp_path) == local
    assert sorted(line for line in stdout.splitlines() if line.startswith("ok ")) == sorted(
        f"ok   {label}" for label in manifest_labels(tmp_path))  # each reported once
    assert len(manifest_labels(tmp_path)) == DOCUMENTS
    assert not list(tmp_path.rglob("*.tmp"))  # no half-written file left behind
    fleet.wait_for_workers(2)


def test_a_document_that_always_fails_fails_alone_after_bounded_retries(fleet, local,
                                                                        tmp_path):
    failing = "es/287g-basics-a4"
    fleet.set_faults(fail=[failing])
    done = run(queue_build(fleet.url, tmp_path))
    assert done.returncode == 1
    assert f"FAILED {failing}:" in done.stderr
    assert f"planted failure in {failing}" in done.stderr and "(tried 3 times)" in done.stderr
    assert [label for _, label in fleet.attempts()].count(failing) == 3
    assert pdfs(tmp_path) == {k: v for k, v in local.items() if k != "es/287g-basics-a4.pdf"}
    assert "Traceback" not in done.stderr


def test_a_worker_whose_source_differs_refuses(fleet, tmp_path):
    """A copy of the package with one comment added: the worker must not make the bytes."""
    other = tmp_path / "other"
    shutil.copytree(PROJECT / "handouts", other / "handouts",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for shipped in ("templates", "locales", "contacts"):
        (other / shipped).symlink_to(PROJECT / shipped)
    with open(other / "handouts" / "render" / "pdf.py", "a") as module:
        module.write("\n# another version\n")
    url = fleet.url[:-1] + "1"  # a database of its own: only this worker listens there
    worker = fleet.start_worker("other", url=url, pythonpath=other)
    try:
        fleet.wait_for_workers(1, url=url)
        fleet.set_faults()
        done = run([sys.executable, "build_pdf.py", "--locale", "en", "--handout",
                    "287g-basics", "--paper", "letter", "--no-site", "--queue", url, "--out",
                    str(tmp_path / "out")])
    finally:
        fleet.kill(worker)
    assert done.returncode == 1
    assert "refused by worker other@" in done.stderr
    assert "the handouts package's source" in done.stderr
    assert pdfs(tmp_path / "out") == {}


def test_the_service_builds_an_edition_through_the_queue(fleet, tmp_path):
    from handouts.service import editions
    from handouts.sources import Sources, shipped

    fleet.set_faults()
    request = {"contact": editions.contact_values(Sources.shipped().contact),
               "locales": ["es"], "handouts": ["287g-basics"], "papers": ["letter"]}
    folders = {}
    for name, queue in (("queued", fleet.url), ("here", "")):
        folders[name] = tmp_path / name
        folders[name].mkdir()
        progress = editions.build_edition(request, str(folders[name]), str(shipped("templates")),
                                          str(shipped("locales")), queue=queue)
        assert progress["state"] == "done" and progress["done"] == 1, progress
    assert pdfs(folders["queued"] / "dist") == pdfs(folders["here"] / "dist")
    assert "es/287g-basics-letter.pdf" in pdfs(folders["here"] / "dist")
    assert [label for _, label in fleet.attempts()] == ["es/287g-basics-letter"]


@pytest.mark.parametrize("command", ["build", "worker", "web"])
def test_no_queue_at_the_url_is_said_in_words(tmp_path, command):
    url = f"redis://:secret@127.0.0.1:{free_port()}/0"
    argv = (queue_build(url, tmp_path) if command == "build" else
            [sys.executable, "build_pdf.py", command, "--queue", url])
    done = run(argv)
    assert done.returncode == 2
    assert "error: cannot reach the queue at redis://:**@127.0.0.1:" in done.stderr
    assert "secret" not in done.stderr and "Traceback" not in done.stderr
    assert pdfs(tmp_path) == {}


def test_fingerprint_differences_are_named():
    here = fingerprint.environment(PROJECT / "templates", PROJECT / "locales", "es")
    assert fingerprint.differences(here, here) == []
    planted = {**here, "fonts": "other fonts",
               "packages": {**here["packages"], "weasyprint": "71.0"}}
    found = fingerprint.differences(planted, here)
    assert found == [fingerprint.PARTS["fonts"], f"Python package weasyprint: "
                     f"{here['packages']['weasyprint']} here, 71.0 on the requester"]


def test_a_document_no_worker_takes_fails_with_its_reason(fleet, tmp_path):
    from handouts.sources import Sources

    executor = QueueExecutor(fleet.url[:-1] + "2", in_flight=1, document_seconds=2)
    jobs = [matrix.Job("287g-basics", "es", "letter")]
    results = matrix.run(jobs, matrix.BuildOptions(Sources.shipped(), out_dir=tmp_path),
                         executor=executor)
    assert [r.ok for r in results] == [False]
    assert "no worker on redis://127.0.0.1:" in results[0].problems[0]
    assert "within 2 s" in results[0].problems[0]
    assert pdfs(tmp_path) == {}
