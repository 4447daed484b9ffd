"""Child processes of the benchmark: every one is registered here and stopped by stop_all(), and
each dies with the harness even if the harness itself is killed (PR_SET_PDEATHSIG)."""

import ctypes
import http.client
import signal
import socket
import subprocess

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)
_live: list = []


def die_with_parent(death_signal: int = signal.SIGKILL) -> None:
    """preexec_fn: the child gets `death_signal` when the harness exits, however it exits."""
    _libc.prctl(_PR_SET_PDEATHSIG, death_signal)


def spawn(command: list, death_signal: int = signal.SIGKILL, **kwargs) -> subprocess.Popen:
    """Popen that registers the child for stop_all(). A child with children of its own (nginx's
    master) should get a `death_signal` it handles by stopping them (SIGTERM)."""
    process = subprocess.Popen(command, preexec_fn=lambda: die_with_parent(death_signal),
                               **kwargs)
    _live.append(process)
    return process


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, grace_s: float = 5.0) -> None:
    """Sends `sig`, waits up to `grace_s`, then SIGKILL. Safe to call twice."""
    if process.poll() is None:
        try:
            process.send_signal(sig)
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace_s)
        except ProcessLookupError:
            pass
    if process in _live:
        _live.remove(process)


def stop_all() -> None:
    for process in list(_live):
        stop(process)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, then release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid: int) -> int:
    """VmRSS of `pid` in KiB, from /proc/<pid>/status."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def http_get(port: int, path: str, timeout_s: float = 5.0):
    """One GET on 127.0.0.1:port over a fresh connection: (status, content type, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()
