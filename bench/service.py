"""Benchmark of the edition service, as ratios measured in one run (see bench/README.md).

1. Preview latency: a flyer preview over HTTP, nothing cached (new contact details each time),
   over raw WeasyPrint laying out and writing the same document's final HTML in this process.
2. A repeated preview (served from storage) over a cold one.
3. Load: wrk on loopback, 50 connections for 60 s, mixing cached downloads, repeated previews,
   fresh previews (which fill the queue: the deliberate 503) and invalid forms. Prints p50 and
   p95 latency, throughput, every status seen, and the service's memory before and after.

    .venv/bin/python bench/service.py [--clients 50] [--seconds 60] [--locale es]

Needs wrk (Debian: apt-get install wrk; `make bench-service` installs it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import PeakMemory, load_average  # noqa: E402  (bench/run.py: same meters)

from handouts import content  # noqa: E402
from handouts.catalogs import load  # noqa: E402
from handouts.contact import parse_contact  # noqa: E402
from handouts.render import Document, Renderer  # noqa: E402
from handouts.sources import shipped  # noqa: E402

ORG = {"name": "Benchmark Legal Aid", "website": "example.org/287g", "region": "US",
       "qr": "website"}

WRK_SCRIPT = r"""
-- Mix: cached edition ZIP, a repeated (cached) preview, a fresh preview, an invalid form.
local token, cookie = "%(token)s", "%(cookie)s"
local zip, fresh = "%(zip)s", 0
local counter = 0
statuses = {}   -- global: done() reads each thread's copy with thread:get
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  statuses = {}
  math.randomseed(os.time() + id)
end

local function form(phone, action)
  return "csrftoken=" .. token .. "&name=Load+Aid&phone=" .. phone ..
         "&locale=es&handout=287g-basics&paper=letter&preview_locale=es&action=" .. action
end

request = function()
  counter = counter + 1
  local pick = counter %% 20
  local headers = {["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded"}
  if pick < 11 then
    return wrk.format("GET", zip)
  elseif pick < 15 then
    return wrk.format("POST", "/edition", headers, form("%%28214%%29+555-0142", "preview"))
  elseif pick < 16 then
    local n = math.random(100, 199)
    return wrk.format("POST", "/edition", headers, form("214-555-0" .. n, "preview"))
  else
    return wrk.format("POST", "/edition", headers, form("12", "build"))
  end
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do all[status] = (all[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(all) do table.insert(parts, '"' .. status .. '": ' .. n) end
  io.write(string.format('RESULT {"requests": %%d, "seconds": %%.2f, "p50_ms": %%.1f, ' ..
    '"p95_ms": %%.1f, "p99_ms": %%.1f, "errors": %%d, "statuses": {%%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, table.concat(parts, ", ")))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_service(storage: Path, port: int) -> subprocess.Popen:
    argv = [sys.executable, str(ROOT / "build_pdf.py"), "web", "--port", str(port),
            "--storage", str(storage), "--rate-per-minute", "1000000",
            "--posts-per-minute", "1000000", "--secret", "bench"]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the service did not start: " + proc.stderr.read().decode()[-2000:])


def session(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, timeout=180, follow_redirects=False)
    page = client.get("/edition").text
    return client, re.search(r'name="csrftoken" value="([^"]+)"', page)[1]


def preview(client: httpx.Client, token: str, phone: str, locale: str) -> tuple[float, str]:
    """Seconds from the POST to the page's image in hand, and the preview's address."""
    started = time.perf_counter()
    response = client.post("/edition", data={
        "csrftoken": token, **ORG, "phone": phone, "locale": locale, "handout": "287g-basics",
        "paper": "letter", "preview_locale": locale, "action": "preview"})
    assert response.status_code == 303, response.text[:500]
    page = client.get(response.headers["location"]).text
    image = re.search(r'src="([^"]+\.png)"', page)
    assert image, page[:2000]
    assert client.get(image[1]).status_code == 200
    return time.perf_counter() - started, response.headers["location"]


def raw_weasyprint(locale: str, phone: str, scale: int, runs: int) -> float:
    """Median seconds of one layout + write of the same flyer at its final scale."""
    renderer = Renderer(shipped("templates"))
    document = Document(content.HANDOUTS["287g-basics"], load(locale, shipped("locales")),
                        content.PAPERS["letter"], parse_contact({**ORG, "phone": phone}))
    html = renderer.html(document, scale=scale)
    renderer.write(renderer.layout_html(html, scale))  # warm: fonts, stylesheets
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        renderer.write(renderer.layout_html(html, scale))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def tree_rss_mb(pid: int) -> float:
    meter = PeakMemory(pid)
    return sum(meter._rss_kb(p) for p in meter._tree()) / 1024


def load_test(base: str, client: httpx.Client, token: str, clients: int, seconds: int,
              pid: int, work: Path) -> dict:
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (skipping the load test)")
        return {}
    build = client.post("/edition", data={
        "csrftoken": token, **ORG, "phone": "(214) 555-0142", "locale": "es",
        "handout": "287g-basics", "paper": "letter", "action": "build"})
    edition = build.headers["location"]
    deadline = time.monotonic() + 300
    while client.get(edition + "/status").json()["state"] != "done":
        if time.monotonic() > deadline:
            raise SystemExit("the edition for the load test did not finish")
        time.sleep(0.5)
    preview(client, token, "(214) 555-0142", "es")  # the repeated preview is cached
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    script = work / "mix.lua"
    script.write_text(WRK_SCRIPT % {"token": token, "cookie": cookie,
                                    "zip": edition + "/files/edition.zip"})
    before = tree_rss_mb(pid)
    with PeakMemory(pid, interval=0.5) as meter:
        output = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout",
                                 "30s", "-s", str(script), base], capture_output=True,
                                text=True, check=True).stdout
    time.sleep(5)  # the last previews settle
    after = tree_rss_mb(pid)
    result = json.loads(output.split("RESULT ", 1)[1].splitlines()[0])
    result.update(rss_before_mb=round(before, 1), rss_after_mb=round(after, 1),
                  rss_peak_mb=round(meter.peak_total_kb / 1024, 1),
                  throughput_rps=round(result["requests"] / result["seconds"], 1))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--locale", default="es")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    work = Path(tempfile.mkdtemp(prefix="bench-service-"))
    port = free_port()
    service = start_service(work / "storage", port)
    base = f"http://127.0.0.1:{port}"
    figures: dict[str, object] = {}
    try:
        client, token = session(base)
        preview(client, token, "(214) 555-0199", "fr")  # the worker process starts, once
        preview(client, token, "(214) 555-0198", args.locale)  # and learns the scale
        cold = []
        for number in range(args.runs):
            seconds, location = preview(client, token, f"(214) 555-01{10 + number}",
                                        args.locale)
            cold.append(seconds)
        summary = client.get(location).text
        scale = 0  # the fitted scale is not on the page; ask the storage's summary
        store = work / "storage" / "previews" / location.rsplit("/", 1)[1] / "summary.json"
        if store.exists():
            scale = json.loads(store.read_text())["scales"]["287g-basics-letter"]
        raw = raw_weasyprint(args.locale, "(214) 555-0110", scale, args.runs)
        cached = [preview(client, token, "(214) 555-0110", args.locale)[0]
                  for _ in range(args.runs)]
        figures.update(preview_cold_s=round(statistics.median(cold), 3),
                       raw_weasyprint_s=round(raw, 3),
                       preview_over_raw=round(statistics.median(cold) / raw, 2),
                       preview_cached_s=round(statistics.median(cached), 4),
                       cached_over_cold=round(statistics.median(cached)
                                              / statistics.median(cold), 3))
        assert "page-image" in summary
        print(f"preview, nothing cached: {figures['preview_cold_s']} s (median of "
              f"{args.runs}); raw WeasyPrint, same flyer: {figures['raw_weasyprint_s']} s; "
              f"ratio {figures['preview_over_raw']} (target <= 1.3)")
        print(f"preview again, from storage: {figures['preview_cached_s']} s; "
              f"{figures['cached_over_cold']:.1%} of a cold one (target < 5%)")
        load = load_test(base, client, token, args.clients, args.seconds, service.pid, work)
        if load:
            figures.update({f"load_{k}": v for k, v in load.items()})
            bad = {s: n for s, n in load["statuses"].items() if s.startswith("5") and s != "503"}
            print(f"load: {args.clients} connections for {args.seconds} s: "
                  f"{load['requests']} requests, {load['throughput_rps']} per second; "
                  f"p50 {load['p50_ms']} ms, p95 {load['p95_ms']} ms; statuses "
                  f"{load['statuses']}; 5xx other than 503: {bad or 'none'}; socket errors "
                  f"{load['errors']}")
            print(f"memory of the service and its workers: {load['rss_before_mb']} MB before, "
                  f"{load['rss_after_mb']} MB after, peak {load['rss_peak_mb']} MB")
    finally:
        os.killpg(service.pid, signal.SIGTERM)
        try:
            service.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(service.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average after: {load_average()}")
    print(" ".join(f"{k}={v}" for k, v in figures.items() if not isinstance(v, dict)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
