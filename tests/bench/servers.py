"""The two servers the benchmark loads: the emulator, and nginx answering /whodis statically.

Both listen on 127.0.0.1 only, on a port chosen at start, and are stopped by processes.stop_all()
at the latest.
"""

import os
import re
import select
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import processes

_LISTENING = re.compile(rb"^API Gateway listening on http://127\.0\.0\.1:(\d+)\s*$")
_AWS_LISTENING = re.compile(r"AWS endpoints.* listening on http://127\.0\.0\.1:(\d+)")


class StartError(RuntimeError):
    pass


class Emulator:
    """One `emulator TEMPLATE --port 0 --aws-port 0 [extra args]` process.

    start() returns once the "API Gateway listening" line is printed. From then on a thread drains
    stdout (the access log and Lambda's START/END/REPORT lines, as a terminal would take them), so
    the emulator never blocks on a full pipe; stderr goes to `log_dir`/<name>.stderr.
    """

    def __init__(self, binary: Path, template: Path, log_dir: Path, name: str, extra_args=()):
        self.binary = binary
        self.template = template
        self.name = name
        self.extra_args = list(extra_args)
        self.stderr_path = log_dir / f"{name}.stderr"
        self.process = None
        self.port = None
        self.started_at = None            # time.perf_counter() just before the exec
        self.seconds_to_listening = None  # exec to the "listening" line, in seconds
        self.startup_lines = []           # stdout up to the "listening" line

    def start(self, timeout_s: float = 60.0) -> "Emulator":
        command = [str(self.binary), str(self.template), "--port", "0", "--aws-port", "0",
                   *self.extra_args]
        with open(self.stderr_path, "wb") as stderr:
            started = self.started_at = time.perf_counter()
            self.process = processes.spawn(command, stdout=subprocess.PIPE, stderr=stderr)
        fd = self.process.stdout.fileno()
        deadline = started + timeout_s
        pending = b""
        while self.port is None:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                children = [" ".join(processes.command_line(pid))[:200]
                            for pid in processes.descendants(self.process.pid)]
                raise StartError(f"{self.name}: no 'listening' line within {timeout_s} s; its "
                                 f"output so far: {self.startup_lines[-5:]}{pending[-500:]!r}, "
                                 f"its child processes: {children}")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                code = self.process.wait(timeout=5)
                raise StartError(f"{self.name}: exited {code} before listening; see "
                                 f"{self.stderr_path}: {self.stderr_path.read_text()[-2000:]}")
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                self.startup_lines.append(line.decode(errors="replace"))
                match = _LISTENING.match(line)
                if match:
                    self.seconds_to_listening = time.perf_counter() - started
                    self.port = int(match.group(1))
                    break
        processes.drain_in_background(self.process.stdout)
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def aws_port(self) -> int:
        for line in self.startup_lines:
            match = _AWS_LISTENING.search(line)
            if match:
                return int(match.group(1))
        raise StartError(f"{self.name}: no 'AWS endpoints ... listening on' line")

    def rss_kib(self) -> int:
        return processes.rss_kib(self.process.pid)

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process, signal.SIGTERM)

    def __enter__(self):
        return self.start()

    def __exit__(self, *_):
        self.stop()



def emulator_invoke_modes(binary: Path) -> list:
    """The invoke modes this build offers: ["in-process"] unless `--help` lists --invoke-mode, in
    which case also "runtime-api" when the help text names it."""
    help_text = subprocess.run([str(binary), "--help"], capture_output=True, text=True,
                               timeout=30, check=False).stdout
    if "--invoke-mode" not in help_text:
        return ["in-process"]
    return ["in-process"] + (["runtime-api"] if "runtime-api" in help_text else [])


_NGINX_CONF = """\
# Written by tests/bench: nginx as the practical limit of an HTTP server on this machine.
{user}worker_processes auto;
daemon off;
master_process on;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
    worker_connections 4096;
}}
http {{
    access_log off;
    keepalive_requests 100000000;
    keepalive_timeout 75s;
{temp_paths}
    server {{
        listen 127.0.0.1:{port} reuseport backlog=4096;
        location = {path} {{
            default_type application/json;
            return 200 '{body}';
        }}
    }}
}}
"""

# Temp-path directives of the modules this nginx build has; each must point into the prefix.
_TEMP_PATH_MODULES = {
    "client_body_temp_path": None,
    "proxy_temp_path": "http_proxy",
    "fastcgi_temp_path": "http_fastcgi",
    "uwsgi_temp_path": "http_uwsgi",
    "scgi_temp_path": "http_scgi",
}


class Nginx:
    """nginx in the foreground with a private prefix and config in `prefix`, answering GET `path`
    with `body` (200, Content-Type application/json). Runs as the current user: as root the
    workers are told `user root` instead of nginx's default `nobody`."""

    def __init__(self, prefix: Path, path: str, body: bytes):
        if b"'" in body or b"\\" in body or b"\n" in body:
            raise ValueError("the body must fit in one single-quoted nginx string")
        self.prefix = prefix
        self.path = path
        self.body = body
        self.process = None
        self.port = None

    def start(self, timeout_s: float = 15.0) -> "Nginx":
        self.prefix.mkdir(parents=True, exist_ok=True)
        configure_args = subprocess.run(["nginx", "-V"], capture_output=True, text=True,
                                        timeout=30, check=False).stderr
        temp_paths = []
        for directive, module in _TEMP_PATH_MODULES.items():
            if module is None or f"--without-{module}_module" not in configure_args:
                temp_paths.append(f"    {directive} {self.prefix}/{directive};")
        self.port = processes.free_port()
        conf = self.prefix / "nginx.conf"
        conf.write_text(_NGINX_CONF.format(
            user="user root root;\n" if os.geteuid() == 0 else "",
            prefix=self.prefix, port=self.port, path=self.path, body=self.body.decode(),
            temp_paths="\n".join(temp_paths)))
        stderr = open(self.prefix / "nginx.stderr", "wb")
        command = ["nginx", "-p", str(self.prefix), "-c", str(conf), "-e",
                   str(self.prefix / "error.log")]
        self.process = processes.spawn(command, death_signal=signal.SIGTERM,
                                       stdout=subprocess.DEVNULL, stderr=stderr)
        stderr.close()
        deadline = time.monotonic() + timeout_s
        while True:
            if self.process.poll() is not None:
                raise StartError(f"nginx exited {self.process.returncode}: "
                                 f"{(self.prefix / 'nginx.stderr').read_text()}"
                                 f"{_tail(self.prefix / 'error.log')}")
            try:
                status, _, _ = processes.http_get(self.port, self.path, timeout_s=1.0)
                if status == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise StartError(f"nginx did not answer on port {self.port} within {timeout_s} s")
            time.sleep(0.02)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def aws_port(self) -> int:
        for line in self.startup_lines:
            match = _AWS_LISTENING.search(line)
            if match:
                return int(match.group(1))
        raise StartError(f"{self.name}: no 'AWS endpoints ... listening on' line")

    def stop(self) -> None:
        if self.process is not None:
            processes.stop(self.process, signal.SIGQUIT)  # graceful: the master stops its workers

    def __enter__(self):
        return self.start()

    def __exit__(self, *_):
        self.stop()


def _tail(path: Path) -> str:
    return path.read_text()[-2000:] if path.exists() else ""


class ConsoleWatcher:
    """A console page's live feed, as a browser holds it: GET /console/api/events on the
    emulator's AWS port, read for as long as the watcher runs. Counts the events it receives, so
    a run can show the console was connected and updating while it measured."""

    def __init__(self, emulator: Emulator):
        self.port = emulator.aws_port()
        self.events = 0
        self.bytes = 0
        self._stop = threading.Event()
        self._socket = None
        self._thread = None

    def start(self) -> "ConsoleWatcher":
        self._socket = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self._socket.sendall(f"GET /console/api/events HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                             "Accept: text/event-stream\r\n\r\n".encode())
        self._socket.settimeout(1.0)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        return self

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                chunk = self._socket.recv(1 << 16)
            except socket.timeout:
                continue
            except OSError:
                return
            if not chunk:
                return
            self.bytes += len(chunk)
            self.events += chunk.count(b"\nevent: ") + chunk.startswith(b"event: ")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()
