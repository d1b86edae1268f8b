"""Start `minamata ui` as a subprocess on a loopback port and wait until it answers: used by the
UI tests and by bench/load.py. The server is always stopped by `stop()` (terminate, then kill)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class UIServer:
    def __init__(self, index_dir: Path | str, data_dir: Path | str, port: int | None = None,
                 env: dict | None = None, extra_args: tuple[str, ...] = ()):
        self.index_dir, self.data_dir = Path(index_dir), Path(data_dir)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.env = env or {}
        self.extra_args = extra_args
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="minamata-ui-", suffix=".log")[1])

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    def start(self, timeout: float = 180.0) -> UIServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "MINAMATA_DATA_DIR": str(self.data_dir), "GRADIO_ANALYTICS_ENABLED": "False",
               "PYTHONUNBUFFERED": "1", **self.env}
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "ui", "--host", "127.0.0.1", "--port", str(self.port),
             "--index", str(self.index_dir), *self.extra_args],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the UI server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "config", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"the UI server did not answer on {self.url} within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 60) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(line for line in lines[-n:] if "DEBUG" not in line)

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout)

    def __enter__(self) -> UIServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
