"""Runs wrk (https://github.com/wg/wrk, Debian package `wrk`) and reads its report."""

import re
import subprocess
from dataclasses import dataclass

import processes

_UNIT_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


class WrkError(RuntimeError):
    """wrk failed, or printed a report this module cannot read."""


@dataclass
class WrkResult:
    requests: int          # completed requests, whatever their status
    seconds: float         # wall time wrk measured
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_2xx: int           # responses with a status outside 2xx/3xx
    socket_errors: int     # connect + read + write + timeout errors


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text)
    if not match:
        raise WrkError(f"unreadable wrk duration {text!r}")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def parse(report: str) -> WrkResult:
    """Reads the text wrk prints with --latency. Raises WrkError on anything unexpected."""
    def find(pattern: str) -> re.Match:
        match = re.search(pattern, report, re.MULTILINE)
        if not match:
            raise WrkError(f"wrk report has no {pattern!r}:\n{report}")
        return match

    totals = find(r"^\s*(\d+) requests in ([0-9.]+\w+),")
    rate = find(r"^Requests/sec:\s*([0-9.]+)")
    p50 = find(r"^\s*50%\s+([0-9.]+\w+)")
    p99 = find(r"^\s*99%\s+([0-9.]+\w+)")
    non_2xx = re.search(r"^\s*Non-2xx or 3xx responses:\s*(\d+)", report, re.MULTILINE)
    errors = re.search(
        r"^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
        report, re.MULTILINE)
    return WrkResult(
        requests=int(totals.group(1)),
        seconds=_seconds(totals.group(2)),
        requests_per_s=float(rate.group(1)),
        p50_ms=_seconds(p50.group(1)) * 1e3,
        p99_ms=_seconds(p99.group(1)) * 1e3,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def run(url: str, connections: int, seconds: int) -> WrkResult:
    """One wrk run against `url` (loopback only) for a whole number of `seconds`.
    Two threads, or one for a single connection (wrk needs connections >= threads)."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"refusing to load a non-loopback URL: {url}")
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,
                              check=False, preexec_fn=processes.die_with_parent)
    except subprocess.TimeoutExpired as error:
        raise WrkError(f"{' '.join(command)} did not finish within {seconds + 60} s") from error
    if done.returncode != 0:
        raise WrkError(f"{' '.join(command)} exited {done.returncode}: {done.stderr}")
    return parse(done.stdout)
