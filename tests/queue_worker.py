"""`build_pdf.py worker`, with faults a test plants (tests/test_queue.py starts it).

HANDOUTS_TEST_FAULTS names a JSON file read before each document: {"slow": seconds to wait
before laying it out, "fail": [labels that raise], "started": a folder where each attempt
leaves a file named <worker's process group>-<label>-<time>}. Without the file, no fault.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from handouts import cli
from handouts.build import matrix

_render_job = matrix.render_job


def faulty_render_job(job, options, first_scale=0):
    label = f"{job.locale}/{job.handout}-{job.paper}"
    try:
        faults = json.loads(Path(os.environ["HANDOUTS_TEST_FAULTS"]).read_text())
    except (KeyError, OSError, ValueError):
        faults = {}
    if faults.get("started"):
        name = f"{os.getpgrp()}-{label.replace('/', '_')}-{time.time_ns()}"
        Path(faults["started"], name).write_text(label)
    time.sleep(float(faults.get("slow", 0)))
    if label in faults.get("fail", []):
        raise RuntimeError(f"planted failure in {label}")
    return _render_job(job, options, first_scale)


if __name__ == "__main__":
    matrix.render_job = faulty_render_job
    sys.exit(cli.main(sys.argv[1:]))
