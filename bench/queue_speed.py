#!/usr/bin/env python3
"""The queue benchmark: two queue workers against the local pool at the same core count.

    .venv/bin/python bench/queue_speed.py                 # 4 locales x 2 handouts x 2 papers
    .venv/bin/python bench/queue_speed.py --locale en,es --handout 287g-basics --rounds 1

Starts its own redis-server (a free loopback port, nothing saved) and two workers of one
process each (`build_pdf.py worker --concurrency 1`, as two one-core machines would be), then,
in alternating rounds so the machine's load falls on both alike:
  1. the local build, `build_pdf.py --jobs 2 --force --no-site`, a fresh process;
  2. the same build through the queue, `--queue URL`; the PDFs must be the same bytes;
and the queue's own cost, with documents that do nothing (a locale no catalog has: the worker
checks the fingerprint, fails the document at once and sends the result back):
  3. round trip of one document at a time (latency), and per document with the two workers
     kept busy (what the queue adds to every document's cost); the time the same document
     takes in this process (a failed catalog look-up, about 35 ms) is subtracted from both.
CPU time of the queue build counts the workers' processes too. The last line is every figure
as name=value pairs (see bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as build_bench  # noqa: E402  (bench/run.py: the build benchmark's timing helpers)

from handouts.build import matrix  # noqa: E402
from handouts.build.distributed import QueueExecutor  # noqa: E402
from handouts.sources import Sources  # noqa: E402

ROOT = build_bench.ROOT
WORKERS = 2
#: Do-nothing documents per round: fewer than JOBS_PER_WORKER per worker, with those above.
NOOP_DOCUMENTS = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (living ones and reaped ones)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    pids = [pid] + [int(p) for p in _children(pid)]
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15 if each == pid else 13]) / tick
    return total


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def start(work: Path, port: int):
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    return url, server, start_workers(work, url)


def start_workers(work: Path, url: str) -> list[subprocess.Popen]:
    """Two fresh workers, once both answer (their start is not timed)."""
    workers = [subprocess.Popen([sys.executable, str(ROOT / "build_pdf.py"), "worker", "--queue",
                                 url, "--concurrency", "1", "--name", f"bench{n}@%h"],
                                stdout=open(work / f"worker{n}.log", "wb"),  # noqa: SIM115
                                stderr=subprocess.STDOUT, start_new_session=True)
               for n in range(WORKERS)]
    executor = QueueExecutor(url)
    deadline = time.monotonic() + 120
    while executor.fleet() < WORKERS:
        if time.monotonic() > deadline:
            raise SystemExit("the workers did not start: see " + str(work))
    return workers


def stop_workers(workers) -> None:
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)


def stop(server, workers) -> None:
    stop_workers(workers)
    server.terminate()
    server.wait(timeout=30)


def same_pdfs(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*.pdf"))
    return bool(files) and files == sorted(p.relative_to(b) for p in b.rglob("*.pdf")) and all(
        (a / f).read_bytes() == (b / f).read_bytes() for f in files)


def noop_documents(url: str, work: Path, count: int, in_flight: int | None) -> float:
    """Wall seconds for `count` documents that do nothing, through the queue's executor alone
    (no cache, no files: what the queue adds, not what a build does anyway)."""
    jobs = [matrix.Job("287g-basics", "qx", "letter")] * count
    options = matrix.BuildOptions(Sources.shipped(), out_dir=work, force=True)
    executor = QueueExecutor(url, in_flight=in_flight or 2 * WORKERS)
    started = time.perf_counter()
    results = list(executor(list(range(count)), jobs, options, lambda index: 0))
    assert len(results) == count and not any(r.ok for _, r, _, _ in results)
    return time.perf_counter() - started


def noop_here(count: int = 20) -> float:
    """Seconds the same do-nothing document takes laid out in this process (subtracted)."""
    options = matrix.BuildOptions(Sources.shipped(), out_dir=ROOT, force=True)
    started = time.perf_counter()
    for _ in range(count):
        matrix.render_job(matrix.Job("287g-basics", "qx", "letter"), options)
    return (time.perf_counter() - started) / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--locale", default="en,es,ru,ar")
    parser.add_argument("--handout", default="287g-basics,287g-card")
    parser.add_argument("--paper", default="letter,a4")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (default: 2)")
    parser.add_argument("--cold", action="store_true",
                        help="fresh workers before each queue build, as the local pool is "
                        "fresh in each build (default: the same workers all along, warm, as "
                        "deployed)")
    parser.add_argument("--work", type=Path, help="keep the outputs here (default: a temp dir)")
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is needed: scripts/system-deps.sh --test installs it")
    work = args.work or Path(tempfile.mkdtemp(prefix="handouts-bench-queue-"))
    work.mkdir(parents=True, exist_ok=True)
    selection = ["--locale", args.locale, "--handout", args.handout, "--paper", args.paper,
                 "--force", "--no-site"]
    documents = len(matrix.plan(args.handout.split(","), args.locale.split(","),
                                args.paper.split(",")))
    print(f"{documents} documents, {WORKERS} workers vs --jobs {WORKERS}; load average "
          f"{build_bench.load_average()}", flush=True)
    url, server, workers = start(work, free_port())
    local_s, queue_s, local_cpu, queue_cpu, identical = [], [], [], [], True
    try:
        for n in range(args.rounds):
            local = build_bench.run_timed([sys.executable, "build_pdf.py", *selection, "--jobs",
                                           str(WORKERS), "--out", str(work / f"local{n}")])
            if args.cold:
                stop_workers(workers)
                workers[:] = start_workers(work, url)
            before = sum(tree_cpu(w.pid) for w in workers)
            queued = build_bench.run_timed([sys.executable, "build_pdf.py", *selection,
                                            "--queue", url, "--out", str(work / f"queue{n}")])
            worker_cpu = sum(tree_cpu(w.pid) for w in workers) - before
            identical &= same_pdfs(work / f"local{n}", work / f"queue{n}")
            local_s.append(local.seconds)
            queue_s.append(queued.seconds)
            local_cpu.append(local.cpu)
            queue_cpu.append(queued.cpu + worker_cpu)
            print(f"round {n + 1}: local {local.seconds:.1f} s (CPU {local.cpu:.1f}), queue "
                  f"{queued.seconds:.1f} s (CPU {queued.cpu:.1f} here + {worker_cpu:.1f} in "
                  "the workers)", flush=True)
        latencies, busies = [], []
        for _ in range(args.rounds):
            # fresh workers, so no pool process is replaced (after JOBS_PER_WORKER documents,
            # as in the local pool) while the queue alone is measured
            stop_workers(workers)
            workers[:] = start_workers(work, url)
            latencies.append(noop_documents(url, work, NOOP_DOCUMENTS // 2, 1)
                             / (NOOP_DOCUMENTS // 2))
            busies.append(noop_documents(url, work, NOOP_DOCUMENTS, None) / NOOP_DOCUMENTS)
        latency, busy = statistics.median(latencies), statistics.median(busies)
        here = noop_here()
    finally:
        stop(server, workers)
    figures = {
        "documents": documents, "workers": WORKERS,
        "local_s": round(statistics.median(local_s), 2),
        "queue_s": round(statistics.median(queue_s), 2),
        "queue_over_local": round(statistics.median(q / s for q, s in zip(queue_s, local_s,
                                                                            strict=True)), 3),
        "queue_over_local_cpu": round(statistics.median(
            q / s for q, s in zip(queue_cpu, local_cpu, strict=True)), 3),
        "per_doc_local_s": round(statistics.median(local_s) * WORKERS / documents, 3),
        "noop_here_ms": round(here * 1000, 1),
        "roundtrip_ms": round((latency - here) * 1000, 1),
        "overhead_ms_per_doc": round((busy * WORKERS - here) * 1000, 1),
        "identical": identical, "cold": args.cold,
        "load_average": build_bench.load_average().replace(" ", "/")}
    print(f"queue / local: {figures['queue_over_local']} (target <= 1.10); one document's "
          f"round trip {figures['roundtrip_ms']} ms; the queue's cost per document "
          f"{figures['overhead_ms_per_doc']} ms of a worker; same bytes: {identical}")
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
