"""Start and stop one contender's server: uvicorn (ASGI) or gunicorn gthread (WSGI).

One worker process, pinned to CPU ``SERVER_CPU`` with ``taskset`` when the machine has at
least 2 CPUs (wrk runs on the other one; PostgreSQL's backends float). Output goes to a
log file that is shown when the server does not come up.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import IO, Any

from benchmarks.asgi.apps import AppContender

SERVER_CPU = 0
LOAD_CPU = 1


def pinned(command: list[str], cpu: int) -> list[str]:
    """``command`` under ``taskset -c cpu`` when there are two CPUs to split."""
    if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", str(cpu), *command]
    return command


def server_command(contender: AppContender, loop: str, port: int, threads: int) -> list[str]:
    """The command line serving ``contender`` on ``port`` (``loop``: asyncio or uvloop).

    >>> from benchmarks.asgi.apps import CONTENDERS_BY_NAME as C
    >>> server_command(C["vivace"], "uvloop", 8000, 20)[3:6]
    ['benchmarks.asgi.apps.vivace_orm:app', '--host', '127.0.0.1']
    """
    if contender.kind == "wsgi":
        return [
            sys.executable, "-m", "gunicorn", contender.target,
            "--worker-class", "gthread", "--workers", "1", "--threads", str(threads),
            "--bind", f"127.0.0.1:{port}", "--keep-alive", "60", "--backlog", "2048",
            "--log-level", "warning",
        ]  # fmt: skip
    return [
        sys.executable, "-m", "uvicorn", contender.target,
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--loop", loop, "--http", "httptools", "--no-access-log", "--log-level", "warning",
        "--backlog", "2048",
    ]  # fmt: skip


@dataclass
class Server:
    """A running server process; ``stop()`` ends it (SIGTERM, then SIGKILL)."""

    process: subprocess.Popen[bytes]
    port: int
    log: IO[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        os.unlink(self.log.name)

    def output(self) -> str:
        self.log.flush()
        with open(self.log.name, "rb") as f:
            return f.read().decode(errors="replace")[-3000:]

    @property
    def pid(self) -> int:
        return self.process.pid


def start(
    contender: AppContender, loop: str, port: int, env: dict[str, str], threads: int
) -> Server:
    """Start the server and wait (up to 60 s) until ``/db`` answers 200."""
    # Closed by Server.stop(): the server writes to it for its whole life.
    log = tempfile.NamedTemporaryFile(prefix="asgi-bench-", suffix=".log", delete=False)  # noqa: SIM115
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    process = subprocess.Popen(
        pinned(server_command(contender, loop, port, threads), SERVER_CPU),
        cwd=root,
        env={**os.environ, **env, "PYTHONPATH": root},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = server.output()
            server.stop()
            raise RuntimeError(f"{contender.name} exited ({process.returncode}):\n{text}")
        if _answers(port):
            return server
        time.sleep(0.2)
    text = server.output()
    server.stop()
    raise RuntimeError(f"{contender.name} did not answer within 60 s:\n{text}")


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/db", timeout=5) as response:
            status: Any = response.status
            return bool(status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False
