"""Start uvicorn with the floor app on a free loopback port, read its memory, stop it by PID."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    """Every descendant of `pid`, from /proc (uvicorn's workers and their helpers)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        except OSError:
            continue
        for child in map(int, text.split()):
            found.append(child)
            found.extend(children(child))
    return found


def status_kib(pid: int, field: str) -> int:
    """A `kB` field (VmRSS, VmHWM) of /proc/<pid>/status; 0 when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    workers: int
    log_path: Path
    start_seconds: float = 0.0

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def memory(self) -> dict[str, float]:
        """RSS in MiB: the serving processes' total, the largest one, and its peak."""
        pids = [self.process.pid, *children(self.process.pid)]
        rss = {pid: status_kib(pid, "VmRSS") for pid in pids}
        largest = max(rss, key=lambda pid: rss[pid])
        return {
            "rss_total_mib": sum(rss.values()) / 1024,
            "rss_largest_mib": rss[largest] / 1024,
            "peak_largest_mib": status_kib(largest, "VmHWM") / 1024,
            "processes": len(pids),
        }

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM to uvicorn, SIGKILL after `timeout`; then any worker left behind, by PID."""
        descendants = children(self.process.pid)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        deadline = time.monotonic() + timeout
        for pid in descendants:
            while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            if Path(f"/proc/{pid}").exists():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def start_server(content_dir: Path, index_dir: Path, log_path: Path, *, workers: int = 1,
                 timeout: float = 120.0) -> Server:
    """uvicorn (`floor_app:create_app`) serving the guide; returns once `/_floor` answers."""
    port = free_port()
    env = {**os.environ, "LUPUS_GUIDE_CONTENT": str(content_dir),
           "LUPUS_GUIDE_INDEX": str(index_dir), "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "uvicorn", "floor_app:create_app", "--factory",
               "--app-dir", str(BENCH_DIR), "--host", HOST, "--port", str(port),
               "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    log = open(log_path, "wb")  # noqa: SIM115 - the server writes to it until it stops
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    log.close()
    server = Server(process, port, workers, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(server.base_url + "/_floor", timeout=2).status_code == 200:
                server.start_seconds = time.perf_counter() - started
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"uvicorn did not answer within {timeout:.0f}s:\n{server.log_tail()}")
