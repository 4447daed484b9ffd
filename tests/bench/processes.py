"""Child processes of the benchmark: every one is registered here and stopped by stop_all(), and
each dies with the harness even if the harness itself is killed (PR_SET_PDEATHSIG)."""

import ctypes
import http.client
import os
import signal
import socket
import subprocess
import threading

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)
_live: list = []
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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


def _stat_fields(pid: int) -> list:
    """/proc/<pid>/stat after the command name (which may hold spaces): field 3 (state) first."""
    with open(f"/proc/{pid}/stat") as stat:
        text = stat.read()
    return text[text.rindex(")") + 2:].split()


def descendants(pid: int) -> list:
    """The pids of `pid`'s children, their children, and so on (from each process's parent in
    /proc/*/stat; processes that exit meanwhile are left out)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(_stat_fields(int(entry))[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def start_time(pid: int):
    """The process's start time in clock ticks since boot (tells a pid apart from a reused one),
    or None when it is gone."""
    try:
        return int(_stat_fields(pid)[19])
    except (OSError, ValueError, IndexError):
        return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` so far (0 when it is gone)."""
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of `pid` and its live descendants (a descendant that exited and was reaped
    is no longer counted)."""
    return sum(cpu_seconds(p) for p in [pid, *descendants(pid)])


def pss_kib(pid: int):
    """Pss from /proc/<pid>/smaps_rollup in KiB (shared pages divided among the processes that
    map them), or None when the kernel does not offer it."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def command_line(pid: int) -> list:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return [part.decode(errors="replace") for part in cmdline.read().split(b"\0") if part]
    except OSError:
        return []


def kill_leftovers(processes: list) -> None:
    """SIGKILLs each (pid, start time) that is still the same process."""
    for pid, started in processes:
        if started is not None and start_time(pid) == started:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def http_get(port: int, path: str, timeout_s: float = 5.0):
    """One GET on 127.0.0.1:port over a fresh connection: (status, content type, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


def drain_in_background(stream) -> None:
    """Reads `stream` (a child's stdout, as a terminal would) to its end on a daemon thread. The
    thread holds the file object, not only its number: the descriptor stays open until the end
    is read, so that it cannot be closed with a finished Popen and reused by the next child's
    pipe while this thread still reads it (which would swallow that child's "listening" line)."""
    def drain() -> None:
        try:
            while os.read(stream.fileno(), 1 << 16):
                pass
        except (OSError, ValueError):
            pass

    threading.Thread(target=drain, daemon=True).start()
