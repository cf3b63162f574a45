"""The load generator: Debian's ``wrk`` on loopback, pinned to its own CPU.

wrk is installed with apt when missing (as ``.ci/run`` installs pgbouncer). One wrk thread
holds ``connections`` keep-alive connections for ``seconds``; a Lua ``done`` hook prints
the totals and the latency percentiles as one JSON line, which ``run`` parses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from typing import Any

from benchmarks.asgi.servers import LOAD_CPU, pinned

REPORT_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "max_us": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max))
end
"""


def ensure_wrk() -> str:
    """The path of ``wrk``, installing Debian's package first when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("installing wrk (apt-get install wrk) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


def parse(output: str) -> dict[str, Any]:
    """The JSON line of ``REPORT_SCRIPT`` in wrk's output, with requests/s and errors added.

    >>> r = parse('Running..\\n{"requests": 300, "duration_us": 3000000, "connect": 0, '
    ...           '"read": 0, "write": 0, "status": 2, "timeout": 1, "p50_us": 900, '
    ...           '"p90_us": 1000, "p99_us": 2000, "mean_us": 950.0, "max_us": 3000}\\n')
    >>> r["rps"], r["errors"], r["p99_ms"]
    (100.0, 3, 2.0)
    """
    line = next(x for x in output.splitlines() if x.startswith('{"requests"'))
    raw = json.loads(line)
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": round(raw["mean_us"] / 1000, 3),
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
        "error_kinds": {k: raw[k] for k in ("connect", "read", "write", "status", "timeout")},
    }


def run(url: str, seconds: float, connections: int, timeout_s: float = 10.0) -> dict[str, Any]:
    """Load ``url`` for ``seconds`` with ``connections`` connections; the parsed report."""
    wrk = ensure_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(REPORT_SCRIPT)
    try:
        command = [
            wrk, "-t", "1", "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
            "--timeout", f"{round(timeout_s)}s", "-s", script.name, url,
        ]  # fmt: skip
        completed = subprocess.run(
            pinned(command, LOAD_CPU),
            capture_output=True,
            text=True,
            timeout=seconds + timeout_s + 30,
        )
    finally:
        os.unlink(script.name)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr[-500:]}")
    return parse(completed.stdout)
