"""The load generator: Debian's ``wrk`` on loopback, pinned to its own CPU.

wrk is installed with apt when missing (as ``.ci/run`` installs pgbouncer). One wrk thread
holds ``connections`` keep-alive connections for ``seconds``; a Lua ``done`` hook prints
the totals and the latency percentiles as one JSON line, and the moment of every response
(a ``response`` hook reading the monotonic clock through LuaJIT's FFI) as another, which
``run`` parses.

Requests/s is ``steady_rps`` of those moments, not wrk's count over its duration: wrk's
64 connections form a closed loop, and an app that queues each statement fairly for the
pool moves all 64 requests in step, so they finish in waves (at 20 ms per statement a
20-row update takes ~2.6 s); a count over 13 s then holds 4 or 5 waves, 20% apart, by the
wave's phase alone. ``steady_rps`` measures how long the server takes to complete
``connections`` more requests, from every response in the window: a whole number of
waves whatever their phase, and the plain rate when there are none.
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

#: Each thread records when every response completed (microseconds, monotonic clock);
#: ``done`` (the main Lua state) fetches them from the thread and prints one JSON line.
TIMES_SCRIPT = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } vivace_timespec;
int clock_gettime(int clock, vivace_timespec *now);
]]
local now = ffi.new("vivace_timespec")
completed_us = {}
local count = 0
response = function(status, headers, body)
  ffi.C.clock_gettime(1, now)  -- CLOCK_MONOTONIC
  count = count + 1
  completed_us[count] = tonumber(now.tv_sec) * 1000000 + math.floor(tonumber(now.tv_nsec) / 1000)
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
"""

DONE_TIMES = """
  local all = {}
  for _, thread in ipairs(threads) do
    for _, t in ipairs(thread:get("completed_us")) do all[#all + 1] = string.format("%d", t) end
  end
  io.write('{"completed_us": [' .. table.concat(all, ",") .. ']}\\n')
end
"""


def _script() -> str:
    """``REPORT_SCRIPT`` with the response times added (printed before its ``end``)."""
    report = REPORT_SCRIPT.rstrip()
    assert report.endswith("end")
    return TIMES_SCRIPT + report[: -len("end")] + DONE_TIMES


def steady_rps(completed_us: list[int], connections: int) -> float | None:
    """Requests/s as ``connections`` over the mean time to complete ``connections`` more.

    For every response i in the window, the time until response i + connections; their mean
    is the time of one round of the closed loop (each connection, on average, completes one
    request). Waves of ``connections`` responses give exactly the wave period, whichever
    wave the window starts or ends in; evenly spread responses give the plain rate. None
    when the window holds fewer than 2 rounds.

    >>> waves = [w * 2_600_000 + i for w in range(1, 6) for i in range(64)]  # 5 waves, 2.6 s
    >>> round(steady_rps(waves, 64), 2), round(len(waves) / 13, 2)  # vs counting over 13 s
    (24.62, 24.62)
    >>> round(steady_rps(waves[:-64], 64), 2), round(len(waves[:-64]) / 13, 2)  # 4 waves
    (24.62, 19.69)
    >>> steady_rps([1_000 * i for i in range(1, 3001)], 64)  # one every ms
    1000.0
    >>> steady_rps(waves[:100], 64) is None
    True
    """
    times = sorted(completed_us)
    n, m = len(times), connections
    if m < 1 or n < 2 * m:
        return None
    mean_round_us = (sum(times[m:]) - sum(times[: n - m])) / (n - m)
    return m / (mean_round_us / 1e6) if mean_round_us > 0 else None


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


def parse(output: str, connections: int = 0) -> dict[str, Any]:
    """The JSON lines of the script in wrk's output, with requests/s and errors added.

    ``rps``: ``steady_rps`` of the response times when they are there (with ``connections``),
    else (and always as ``rps_counted``) wrk's requests over its duration.

    >>> r = parse('Running..\\n{"requests": 300, "duration_us": 3000000, "connect": 0, '
    ...           '"read": 0, "write": 0, "status": 2, "timeout": 1, "p50_us": 900, '
    ...           '"p90_us": 1000, "p99_us": 2000, "mean_us": 950.0, "max_us": 3000}\\n')
    >>> r["rps"], r["errors"], r["p99_ms"]
    (100.0, 3, 2.0)
    """
    lines = output.splitlines()
    raw = json.loads(next(x for x in lines if x.startswith('{"requests"')))
    times_line = next((x for x in lines if x.startswith('{"completed_us"')), None)
    times: list[int] = json.loads(times_line)["completed_us"] if times_line else []
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    counted = round(raw["requests"] / seconds, 1) if seconds else 0.0
    steady = steady_rps(times, connections)
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": counted if steady is None else round(steady, 1),
        "rps_counted": counted,
        "rps_method": "counted" if steady is None else "steady",
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
        script.write(_script())
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
    return parse(completed.stdout, connections)
