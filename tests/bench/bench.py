#!/usr/bin/env python3
"""The emulator's benchmark: throughput and latency against nginx, start time, memory, and how
route lookup and template loading scale. Started by tests/bench/run, which installs wrk and nginx
and builds the Release emulator; see docs/performance.md for what each number means.

The report (markdown) goes to stdout, progress to stderr. Exit status: 0 when every measurement
was taken, whatever the targets say; 1 when the harness could not measure (a server did not start,
answered other than 200, wrk failed, ...). Timings are never asserted.
"""

import argparse
import dataclasses
import datetime
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree for the modules below

import processes  # noqa: E402
import serverless_offline  # noqa: E402
import servers  # noqa: E402
import templates  # noqa: E402
import wrk  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
WHODIS = "/whodis"
CONSOLE_MODE = "in-process + console"
MIB = 1024  # KiB per MiB; the targets' "MB" are read as MiB


@dataclass
class Settings:
    seconds: int            # one wrk round
    rounds: int             # alternating rounds per comparison
    warmup_seconds: int     # unrecorded wrk run per server before its rounds (0: none)
    starts: int             # emulator starts for the start-time median
    small_routes: int
    large_routes: int
    functions: int
    function_starts: int
    rss_requests: int
    rss_budget_seconds: int  # upper bound on the time spent reaching rss_requests
    settle_seconds: float    # pause before reading RSS
    # Python and Node.js functions
    function_rounds: int            # alternating rounds, emulator vs serverless-offline
    function_seconds: int           # one wrk round of the comparison
    function_warmup_seconds: int    # unrecorded run per server and runtime (starts environments)
    function_conns: tuple           # connection counts of the comparison
    cold_starts: int                # fresh emulators for the cold-start figures
    cap_seconds: int                # one wrk run of the concurrency-cap series
    python_caps: tuple              # environments per function at 64 connections (None: default)
    python_cap_conns: tuple         # further connection counts at the default cap
    node_caps: tuple


FULL = Settings(seconds=10, rounds=3, warmup_seconds=2, starts=10, small_routes=10,
                large_routes=10_000, functions=1_000, function_starts=5,
                rss_requests=1_000_000, rss_budget_seconds=600, settle_seconds=1.0,
                function_rounds=3, function_warmup_seconds=5, function_conns=(64, 1),
                cold_starts=10, cap_seconds=5, python_caps=(1, 2, 4, 8, None, 64),
                python_cap_conns=(1, 4, 16), node_caps=(1, 2, 4, None), function_seconds=5)
SMOKE = Settings(seconds=1, rounds=2, warmup_seconds=0, starts=2, small_routes=10,
                 large_routes=100, functions=50, function_starts=2,
                 rss_requests=10_000, rss_budget_seconds=10, settle_seconds=0.2,
                 function_rounds=1, function_warmup_seconds=1, function_conns=(64,),
                 cold_starts=2, cap_seconds=1, python_caps=(2, None), python_cap_conns=(),
                 node_caps=(), function_seconds=1)


class HarnessError(RuntimeError):
    """The harness could not take a measurement (as opposed to a missed target)."""


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def checked(result: wrk.WrkResult, what: str) -> wrk.WrkResult:
    if result.requests == 0:
        raise HarnessError(f"{what}: wrk completed no request")
    if result.non_2xx:
        raise HarnessError(f"{what}: {result.non_2xx} of {result.requests} responses were not 2xx")
    if result.socket_errors:
        progress(f"warning: {what}: {result.socket_errors} socket errors (timeouts?)")
    return result


def load(url: str, connections: int, seconds: int, what: str) -> wrk.WrkResult:
    return checked(wrk.run(url, connections, seconds), what)


# --- results --------------------------------------------------------------------------------------

@dataclass
class Series:
    """One server's rounds at one connection count."""
    label: str
    runs: list = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs)


def median_ratio(numerator: Series, denominator: Series, attribute: str) -> float:
    """Median over rounds of the per-round ratio: adjacent rounds share the machine's state, so
    drift cancels inside each ratio."""
    return statistics.median(getattr(a, attribute) / getattr(b, attribute)
                             for a, b in zip(numerator.runs, denominator.runs))


@dataclass
class Verdict:
    name: str
    passed: bool
    detail: str   # the number against the target, e.g. "0.42× (target ≥ 0.5×)"
    scaled: bool  # measured at smoke counts, not the target's

    def cell(self) -> str:
        mark = "PASS" if self.passed else "MISS"
        return f"{mark}{'*' if self.scaled else ''}"


class Report:
    def __init__(self):
        self.lines = []
        self.verdicts = []

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def judge(self, name: str, passed: bool, detail: str, scaled: bool = False) -> Verdict:
        verdict = Verdict(name, passed, detail, scaled)
        self.verdicts.append(verdict)
        return verdict

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def fmt_rate(value: float) -> str:
    return f"{value:,.0f}"


def fmt_ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def fmt_mib(kib: float) -> str:
    return f"{kib / MIB:.1f} MiB"


# --- machine facts --------------------------------------------------------------------------------

def machine_facts() -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        mem_kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])

    def version(command: list) -> str:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        return (done.stdout + done.stderr).strip().splitlines()[0]

    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": f"{mem_kib / MIB / 1024:.1f} GiB",
        "kernel": platform.release(),
        "nginx": version(["nginx", "-v"]).split(":", 1)[-1].strip(),
        "wrk": " ".join(version(["wrk", "--version"]).split()[:2]),
    }


def load_average() -> float:
    return os.getloadavg()[0]


# --- the measurements -----------------------------------------------------------------------------

def measure_pairs(report: Report, settings: Settings, nginx: servers.Nginx, emulators: dict,
                  missing_modes: list) -> None:
    """nginx and each emulator mode, alternating, at 64 and at 1 connection."""
    report.add("### Throughput and latency against nginx (same body, loopback)")
    report.add("")
    report.add(f"wrk -t2 -c64 / -t1 -c1, {settings.rounds} alternating rounds of "
               f"{settings.seconds} s per server; medians over rounds; ratios are medians of "
               "per-round ratios.")
    report.add("")
    report.add("| server | conns | req/s | p50 | p99 | req/s vs nginx | p99 vs nginx | targets |")
    report.add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    targets = {"in-process": 0.5, "runtime-api": 0.3}
    for connections in (64, 1):
        servers_in_order = [("nginx (static)", nginx)] + [
            (f"emulator {mode}", emulator) for mode, emulator in emulators.items()]
        if settings.warmup_seconds:
            for label, server in servers_in_order:
                progress(f"warm-up {label} c{connections}")
                load(server.url(WHODIS), connections, settings.warmup_seconds, label)
        series = {label: Series(label) for label, _ in servers_in_order}
        for round_number in range(1, settings.rounds + 1):
            for label, server in servers_in_order:
                progress(f"{label} c{connections} round {round_number}/{settings.rounds}")
                series[label].runs.append(
                    load(server.url(WHODIS), connections, settings.seconds, label))
        reference = series["nginx (static)"]
        for label, _ in servers_in_order:
            this = series[label]
            row = (f"| {label} | {connections} | {fmt_rate(this.median('requests_per_s'))} | "
                   f"{fmt_ms(this.median('p50_ms'))} | {fmt_ms(this.median('p99_ms'))} | ")
            if this is reference:
                report.add(row + "1.00× | 1.00× | reference |")
                continue
            mode = label.removeprefix("emulator ")
            rate_ratio = median_ratio(this, reference, "requests_per_s")
            p99_ratio = median_ratio(this, reference, "p99_ms")
            cells = []
            if mode == CONSOLE_MODE:
                # The same binary and template with a console page's feed held open: its cost
                # on the request path, as the ratio of the two rows' per-round ratios.
                vs = median_ratio(this, series["emulator in-process"], "requests_per_s")
                v = report.judge(f"in-process throughput at {connections} connection(s) with a "
                                 "console connected", vs >= 0.95,
                                 f"{vs:.3f}× the in-process row's (target ≥ 0.95×)")
                cells.append(f"≥ 0.95× in-process {v.cell()}")
                report.add(row + f"{rate_ratio:.2f}× | {p99_ratio:.2f}× | {'; '.join(cells)} |")
                continue
            if connections == 64:
                v = report.judge(f"{mode} throughput at 64 connections",
                                 rate_ratio >= targets[mode],
                                 f"{rate_ratio:.2f}× nginx (target ≥ {targets[mode]}×)")
                cells.append(f"req/s ≥ {targets[mode]}× {v.cell()}")
            if mode == "in-process":
                conns = f"{connections} connection{'s' if connections > 1 else ''}"
                v = report.judge(f"{mode} p99 at {conns}", p99_ratio <= 2.0,
                                 f"{p99_ratio:.2f}× nginx's (target ≤ 2×)")
                cells.append(f"p99 ≤ 2× {v.cell()}")
            report.add(row + f"{rate_ratio:.2f}× | {p99_ratio:.2f}× | {'; '.join(cells)} |")
        for mode in missing_modes:
            report.add(f"| emulator {mode} | {connections} | {mode}: not available yet | | | | | "
                       f"{'req/s ≥ 0.3× n/a' if connections == 64 else ''} |")
    report.add("")


def measure_starts(report: Report, settings: Settings, binary: Path, template: Path,
                   work: Path) -> list:
    """Rows of the start/memory/scale table for start-to-first-200 of template.yaml."""
    listening, first_200 = [], []
    for attempt in range(settings.starts):
        progress(f"start {attempt + 1}/{settings.starts}")
        emulator = servers.Emulator(binary, template, work, f"start-{attempt}")
        try:
            emulator.start()
            status, _, _ = processes.http_get(emulator.port, WHODIS)
            elapsed = time.perf_counter() - emulator.started_at
            if status != 200:
                raise HarnessError(f"first GET {WHODIS} answered {status}")
            listening.append(emulator.seconds_to_listening * 1e3)
            first_200.append(elapsed * 1e3)
        finally:
            emulator.stop()
    median_first = statistics.median(first_200)
    v = report.judge("start to first 200", median_first < 50,
                     f"{median_first:.1f} ms (target < 50 ms)")
    return [
        (f"start to first 200 on {WHODIS} (median of {settings.starts})",
         f"{median_first:.1f} ms", "< 50 ms", v.cell()),
        (f"… of which exec to the 'listening' line", f"{statistics.median(listening):.1f} ms",
         "", ""),
    ]


def measure_memory(report: Report, settings: Settings, binary: Path, template: Path,
                   work: Path) -> list:
    """Idle RSS, then RSS after settings.rss_requests requests at 64 connections."""
    scaled = settings.rss_requests != FULL.rss_requests
    with servers.Emulator(binary, template, work, "memory") as emulator:
        status, _, _ = processes.http_get(emulator.port, WHODIS)
        if status != 200:
            raise HarnessError(f"GET {WHODIS} answered {status}")
        time.sleep(settings.settle_seconds)
        idle = emulator.rss_kib()
        done, chunks, warm_rss = 0, 0, None
        deadline = time.monotonic() + settings.rss_budget_seconds
        rate = None
        while done < settings.rss_requests and chunks < 50 and time.monotonic() < deadline:
            remaining = settings.rss_requests - done
            if rate is None:
                seconds = 1 if scaled else 3
            else:
                # Short runs (30 s in a full run), so a rate misjudged on a busy machine
                # overshoots the count by little.
                longest = max(1, min(int(deadline - time.monotonic()),
                                     settings.rss_budget_seconds // 20))
                seconds = min(longest, max(1, math.ceil(remaining / rate * 1.05)))
            progress(f"memory: {done:,}/{settings.rss_requests:,} requests, next run {seconds} s")
            result = load(emulator.url(WHODIS), 64, seconds, "memory load")
            done += result.requests
            rate = result.requests / result.seconds
            chunks += 1
            if warm_rss is None:
                warm_rss = (done, emulator.rss_kib())
        if done < settings.rss_requests:
            raise HarnessError(f"memory: only {done:,} of {settings.rss_requests:,} requests "
                               f"within {settings.rss_budget_seconds} s")
        time.sleep(settings.settle_seconds)
        after = emulator.rss_kib()
    growth = after - idle
    v_idle = report.judge("idle RSS", idle < 20 * MIB, f"{fmt_mib(idle)} (target < 20 MiB)")
    v_growth = report.judge(f"RSS growth after {done:,} requests", growth < 5 * MIB,
                            f"{fmt_mib(growth)} (target < 5 MiB after 1,000,000)", scaled)
    rows = [
        ("idle RSS (after start and one request)", fmt_mib(idle), "< 20 MiB", v_idle.cell()),
        (f"RSS after {done:,} requests", fmt_mib(after), "", ""),
        (f"growth over {done:,} requests", fmt_mib(growth), "< 5 MiB", v_growth.cell()),
    ]
    if chunks > 1:
        rows.append((f"… of which after the first {warm_rss[0]:,} requests (warm-up)",
                     fmt_mib(warm_rss[1] - idle), "", ""))
    return rows


def measure_routes(report: Report, settings: Settings, binary: Path, work: Path) -> list:
    """Throughput on one route of a small and a large route table, alternating."""
    scaled = settings.large_routes != FULL.large_routes
    counts = (settings.small_routes, settings.large_routes)
    emulators = {}
    try:
        for count in counts:
            template = templates.write_routes_template(work, count)
            emulators[count] = servers.Emulator(binary, template, work, f"routes-{count}").start()
        series = {count: Series(f"{count:,} routes") for count in counts}
        for count in counts:
            if settings.warmup_seconds:
                load(emulators[count].url(templates.route_path(count // 2)), 64,
                     settings.warmup_seconds, f"{count:,} routes")
        for round_number in range(1, settings.rounds + 1):
            for count in counts:
                progress(f"{count:,} routes round {round_number}/{settings.rounds}")
                series[count].runs.append(load(
                    emulators[count].url(templates.route_path(count // 2)), 64, settings.seconds,
                    f"{count:,} routes"))
    finally:
        for emulator in emulators.values():
            emulator.stop()
    small, large = (series[count] for count in counts)
    ratio = median_ratio(large, small, "requests_per_s")
    v = report.judge(f"{large.label} throughput vs {small.label}", ratio >= 0.9,
                     f"{ratio:.2f}× (target ≥ 0.9× with 10,000 routes)", scaled)
    return [
        (f"req/s, {small.label}, GET {templates.route_path(counts[0] // 2)}, 64 conns",
         fmt_rate(small.median("requests_per_s")), "", ""),
        (f"req/s, {large.label}, GET {templates.route_path(counts[1] // 2)}, 64 conns",
         fmt_rate(large.median("requests_per_s")), "", ""),
        (f"ratio {large.label} / {small.label}", f"{ratio:.2f}×", "≥ 0.9×", v.cell()),
        (f"… exec to 'listening' with {large.label}",
         f"{emulators[counts[1]].seconds_to_listening * 1e3:.0f} ms", "", ""),
    ]


def measure_functions(report: Report, settings: Settings, binary: Path, work: Path) -> list:
    """Load time of a template with settings.functions functions."""
    scaled = settings.functions != FULL.functions
    template = templates.write_functions_template(work, settings.functions)
    probe = templates.function_path(settings.functions // 2)
    listening, first_200 = [], []
    for attempt in range(settings.function_starts):
        progress(f"{settings.functions} functions start {attempt + 1}/{settings.function_starts}")
        emulator = servers.Emulator(binary, template, work, f"functions-{attempt}")
        try:
            emulator.start()
            status, _, _ = processes.http_get(emulator.port, probe)
            elapsed = time.perf_counter() - emulator.started_at
            if status != 200:
                raise HarnessError(f"first GET {probe} answered {status}")
            listening.append(emulator.seconds_to_listening * 1e3)
            first_200.append(elapsed * 1e3)
        finally:
            emulator.stop()
    median_listening = statistics.median(listening)
    v = report.judge(f"load {settings.functions:,} functions", median_listening < 1000,
                     f"{median_listening:.0f} ms (target < 1 s for 1,000)", scaled)
    return [
        (f"load {settings.functions:,} functions: exec to 'listening' "
         f"(median of {settings.function_starts})", f"{median_listening:.0f} ms", "< 1 s",
         v.cell()),
        (f"… and to the first 200 on {probe}", f"{statistics.median(first_200):.0f} ms", "", ""),
    ]


# --- Python and Node.js functions -----------------------------------------------------------------

@dataclass
class Runtime:
    """An interpreted runtime the emulator runs through its Runtime API, with the function that
    the Python and Node.js rows load."""
    label: str                   # "Python", "Node.js"
    key: str                     # for file names: "python", "node"
    function: templates.Function
    executable: str = None       # the interpreter (resolved past shims), None when missing
    version: str = None
    missing: str = None          # why the rows of this runtime are not measured, or None

    def owns(self, pid: int) -> bool:
        """Whether `pid` is one of this runtime's processes (an execution environment)."""
        command = processes.command_line(pid)
        return bool(command) and Path(command[0]).name.startswith(self.key)


def function_runtimes() -> list:
    """Python and Node.js as the emulator finds them (docs/runtimes.md "Which interpreter"):
    $VIRTUAL_ENV/bin/python3 or python3 on PATH, node on PATH; each asked for its real executable
    and version, as the emulator asks."""
    python = Runtime("Python", "python", templates.Function(
        "PythonFunction", templates.PYTHON_RUNTIME, "/python"))
    node = Runtime("Node.js", "node", templates.Function(
        "NodeFunction", templates.NODE_RUNTIME, "/node"))
    virtual_env = os.environ.get("VIRTUAL_ENV")
    python_command = (str(Path(virtual_env, "bin", "python3"))
                      if virtual_env and Path(virtual_env, "bin", "python3").exists()
                      else shutil.which("python3"))
    probes = [
        (python, python_command, "python3 is not on PATH",
         ["-c", "import platform, sys; print(sys.executable, platform.python_version())"]),
        (node, shutil.which("node"), "node is not on PATH",
         ["-e", "console.log(process.execPath, process.versions.node)"]),
    ]
    for runtime, command, why, arguments in probes:
        if command is None:
            runtime.missing = why
            continue
        done = subprocess.run([command, *arguments], capture_output=True, text=True, timeout=30,
                              check=False)
        if done.returncode != 0 or len(done.stdout.split()) != 2:
            runtime.missing = f"`{command}` did not run: {done.stderr.strip()[-300:]}"
            continue
        runtime.executable, runtime.version = done.stdout.split()
    return [python, node]


def prepare_serverless_offline(choice: str, smoke: bool):
    """(install folder, None) when serverless-offline can be run, else (None, why not). `auto`
    installs it when missing in a full run only; `install` also with --smoke."""
    if choice == "skip":
        return None, "--serverless-offline skip"
    may_install = choice == "install" or not smoke
    try:
        return serverless_offline.ensure_installed(serverless_offline.cache_dir(), may_install,
                                                   progress), None
    except serverless_offline.Unavailable as error:
        progress(f"serverless-offline rows skipped: {error}")
        return None, str(error)


def environments(emulator: servers.Emulator, runtime: Runtime) -> list:
    """The pids of `runtime`'s execution environments (processes) under `emulator`."""
    return [pid for pid in processes.descendants(emulator.process.pid) if runtime.owns(pid)]


def check_ok(port: int, path: str, what: str) -> None:
    status, _, body = processes.http_get(port, path, timeout_s=30.0)
    if status != 200 or body != templates.TRIVIAL_BODY:
        raise HarnessError(f"{what}: GET {path} answered {status} {body[:300]!r}")


def measured_load(server, path: str, connections: int, seconds: int, what: str):
    """A wrk run, with the CPU time (user + system, seconds) that the server and its child
    processes took during it: (result, all of them, the children alone). Read from /proc before
    and after, so a child that exits meanwhile is not counted."""
    pid = server.process.pid
    own, tree = processes.cpu_seconds(pid), processes.tree_cpu_seconds(pid)
    result = load(server.url(path), connections, seconds, what)
    own, tree = processes.cpu_seconds(pid) - own, processes.tree_cpu_seconds(pid) - tree
    return result, tree, tree - own


def fmt_us(seconds: float) -> str:
    # A child that exits during the run takes its CPU time with it: never below 0.
    return f"{max(0.0, seconds) * 1e6:,.0f} µs"


def measure_cold_starts(report: Report, settings: Settings, binary: Path, work: Path,
                        code_dir: Path, runtimes: list) -> list:
    """Per runtime, fresh emulators serving one function: from sending the first GET (once the
    'listening' line is read) to its 200, with no environment yet; the runtimes alternate."""
    targets_ms = {"python": 150, "node": 250}
    available = [runtime for runtime in runtimes if not runtime.missing]
    served = {runtime.key: templates.write_function_template(
        work, f"cold-{runtime.key}", code_dir, [runtime.function]) for runtime in available}
    first = {runtime.key: [] for runtime in available}
    warm = {runtime.key: [] for runtime in available}
    for attempt in range(settings.cold_starts):
        for runtime in available:
            progress(f"{runtime.label} cold start {attempt + 1}/{settings.cold_starts}")
            path = runtime.function.path
            emulator = servers.Emulator(binary, served[runtime.key], work,
                                        f"cold-{runtime.key}-{attempt}")
            try:
                emulator.start()
                for times in (first, warm):
                    sent = time.perf_counter()
                    status, _, body = processes.http_get(emulator.port, path, timeout_s=30.0)
                    times[runtime.key].append((time.perf_counter() - sent) * 1e3)
                    if status != 200 or body != templates.TRIVIAL_BODY:
                        raise HarnessError(f"{runtime.label} cold start: GET {path} answered "
                                           f"{status} {body[:300]!r}")
            finally:
                emulator.stop()
    rows = []
    for runtime in runtimes:
        target = targets_ms[runtime.key]
        if runtime.missing:
            rows.append((f"{runtime.label} cold start: not measured, {runtime.missing}", "",
                         f"< {target} ms", "n/a"))
            continue
        median_first = statistics.median(first[runtime.key])
        v = report.judge(f"{runtime.label} cold start", median_first < target,
                         f"{median_first:.0f} ms (target < {target} ms)")
        rows += [
            (f"{runtime.label} cold start: first GET {runtime.function.path} to its 200 "
             f"(median of {settings.cold_starts})", f"{median_first:.0f} ms", f"< {target} ms",
             v.cell()),
            ("… the next GET (warm environment, new connection)",
             fmt_ms(statistics.median(warm[runtime.key])), "", ""),
        ]
    return rows


def environment_memory(emulator: servers.Emulator, runtimes: list, connections: int) -> list:
    """Rows: how many environments each runtime has and the median PSS and RSS of one."""
    rows = []
    for runtime in runtimes:
        if runtime.missing:
            continue
        pss, rss = [], []
        for pid in environments(emulator, runtime):
            try:
                rss.append(processes.rss_kib(pid))
            except (OSError, RuntimeError):
                continue  # gone meanwhile
            pss.append(processes.pss_kib(pid))
        if not rss:
            raise HarnessError(f"no {runtime.label} process under the emulator after its warm-up")
        known_pss = [kib for kib in pss if kib is not None]
        rows += [
            (f"{runtime.label}: environments after the warm-up at {connections} connections",
             f"{len(rss)}", "", ""),
            ("… PSS of one (median)",
             fmt_mib(statistics.median(known_pss)) if known_pss else "n/a", "", ""),
            ("… RSS of one (median)", fmt_mib(statistics.median(rss)), "", ""),
        ]
    rows.append(("emulator's own RSS with these environments", fmt_mib(emulator.rss_kib()), "",
                 ""))
    return rows


def measure_function_pairs(report: Report, settings: Settings, binary: Path, work: Path,
                           code_dir: Path, runtimes: list, offline_dir, offline_missing):
    """The emulator against serverless-offline on the same trivial handler, per runtime,
    alternating. Returns (memory rows, why serverless-offline was not measured or None)."""
    available = [runtime for runtime in runtimes if not runtime.missing]
    busiest = max(settings.function_conns)
    template = templates.write_function_template(work, "functions-pair", code_dir,
                                                 [runtime.function for runtime in available])
    emulator, offline = None, None
    series, offline_processes = {}, {}
    try:
        emulator = servers.Emulator(binary, template, work, "functions-pair").start()
        for runtime in available:
            check_ok(emulator.port, runtime.function.path, f"emulator {runtime.label}")
            progress(f"warm-up emulator {runtime.label} c{busiest}")
            load(emulator.url(runtime.function.path), busiest, settings.function_warmup_seconds,
                 f"emulator {runtime.label}")
        time.sleep(settings.settle_seconds)
        memory_rows = environment_memory(emulator, runtimes, busiest) if available else []

        if offline_dir is not None and available:
            progress(f"starting {serverless_offline.version_line()}")
            sls_code = templates.write_function_code(work / "serverless")
            serverless_offline.write_service(
                sls_code, {runtime.function.name: (runtime.function.runtime,
                                                   runtime.function.handler,
                                                   runtime.function.path)
                           for runtime in available},
                offline_dir / "node_modules")
            python = runtimes[0]
            offline = serverless_offline.ServerlessOffline(
                offline_dir, sls_code, work,
                str(Path(python.executable).parent) if python.executable else None)
            try:
                offline.start().wait_ready()
            except serverless_offline.StartError as error:
                offline_missing = f"it did not start: {str(error)[:300]}"
                progress(f"warning: serverless-offline rows skipped: {offline_missing}")
                offline.stop()
                offline = None
        if offline is not None:
            for runtime in available:
                check_ok(offline.port, runtime.function.path, f"serverless-offline {runtime.label}")
                progress(f"warm-up serverless-offline {runtime.label} c{busiest}")
                load(offline.url(runtime.function.path), busiest,
                     settings.function_warmup_seconds, f"serverless-offline {runtime.label}")

        pair = [("emulator", emulator)] + ([("serverless-offline", offline)] if offline else [])
        for runtime in available:
            for connections in settings.function_conns:
                for round_number in range(1, settings.function_rounds + 1):
                    for label, server in pair:
                        what = f"{label} {runtime.label} c{connections}"
                        progress(f"{what} round {round_number}/{settings.function_rounds}")
                        result, cpu, children = measured_load(
                            server, runtime.function.path, connections, settings.function_seconds,
                            what)
                        # For Series.median:
                        result.cpu_per_request = cpu / result.requests
                        result.children_cpu_per_request = children / result.requests
                        series.setdefault((runtime.key, connections, label),
                                          Series(label)).runs.append(result)
        if offline is not None:
            offline_processes = {runtime.key: sum(
                1 for pid in processes.descendants(offline.process.pid) if runtime.owns(pid))
                for runtime in available}
    finally:
        for server in (offline, emulator):
            if server is not None:
                server.stop()

    report.add("### Python and Node.js functions against serverless-offline (same handler)")
    report.add("")
    conns = " / ".join(f"-t{min(2, c)} -c{c}" for c in settings.function_conns)
    report.add(f"GET through API Gateway to a handler that returns `{{statusCode: 200, body: "
               f"\"ok\"}}`. wrk {conns}, {settings.function_rounds} alternating rounds of "
               f"{settings.function_seconds} s per server after a "
               f"{settings.function_warmup_seconds} s warm-up at {busiest} connections; medians "
               "over rounds; the ratio is the median of per-round ratios. CPU per request: user "
               "+ system time of the server and its child processes (the emulator's execution "
               "environments; serverless-offline's Python processes) during a round, divided by "
               "its requests.")
    report.add("")
    report.add("| runtime | server | conns | req/s | p50 | p99 | CPU per request | … in child "
               "processes | req/s vs serverless-offline | targets |")
    report.add("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for runtime in runtimes:
        for connections in settings.function_conns:
            target_cell = "req/s ≥ 2× n/a" if connections == busiest else ""
            if runtime.missing:
                report.add(f"| {runtime.label} | emulator | {connections} | not measured: "
                           f"{runtime.missing} | | | | | | {target_cell} |")
                continue
            ours = series[(runtime.key, connections, "emulator")]
            theirs = series.get((runtime.key, connections, "serverless-offline"))
            if theirs is None:
                report.add(f"| {runtime.label} | serverless-offline | {connections} | not "
                           "measured (below) | | | | | | |")
            for this in ([theirs] if theirs else []) + [ours]:
                row = (f"| {runtime.label} | {this.label} | {connections} | "
                       f"{fmt_rate(this.median('requests_per_s'))} | "
                       f"{fmt_ms(this.median('p50_ms'))} | {fmt_ms(this.median('p99_ms'))} | "
                       f"{fmt_us(this.median('cpu_per_request'))} | "
                       f"{fmt_us(this.median('children_cpu_per_request'))} | ")
                if this is theirs:
                    report.add(row + "1.00× | reference |")
                elif theirs is None:
                    report.add(row + f" | {target_cell} |")
                else:
                    ratio = median_ratio(ours, theirs, "requests_per_s")
                    cell = ""
                    if connections == busiest:
                        v = report.judge(
                            f"{runtime.label} throughput vs serverless-offline at {connections} "
                            "connections", ratio >= 2.0,
                            f"{ratio:.2f}× serverless-offline's (target ≥ 2×)")
                        cell = f"req/s ≥ 2× {v.cell()}"
                    report.add(row + f"{ratio:.2f}× | {cell} |")
    report.add("")
    if offline_missing:
        report.add(f"serverless-offline not measured: {offline_missing}")
    elif offline_processes:
        counts = ", ".join(f"{runtime.label} {count}" for runtime, count in
                           zip(available, offline_processes.values()))
        report.add(f"serverless-offline's processes under it after the rounds: {counts}.")
    report.add("")
    return memory_rows, offline_missing


def measure_caps(report: Report, settings: Settings, binary: Path, work: Path, code_dir: Path,
                 runtimes: list) -> None:
    """Throughput at 64 connections for each cap on environments per function
    (ReservedConcurrentExecutions; None: the emulator's default), and at the default cap also at
    settings.python_cap_conns connections."""
    python, node = runtimes
    plans = [(python, settings.python_caps, settings.python_cap_conns),
             (node, settings.node_caps, ())]
    rows = []
    for runtime, caps, extra_conns in plans:
        if not caps:
            continue
        if runtime.missing:
            rows.append(f"| {runtime.label} | not measured: {runtime.missing} | | | | | | | | |")
            continue
        for cap in caps:
            name = f"cap-{runtime.key}-{cap or 'default'}"
            function = dataclasses.replace(runtime.function, reserved=cap)
            template = templates.write_function_template(work, name, code_dir, [function])
            with servers.Emulator(binary, template, work, name) as emulator:
                check_ok(emulator.port, function.path, name)
                progress(f"warm-up {name} c64")
                load(emulator.url(function.path), 64, settings.function_warmup_seconds, name)
                for connections in [64, *(extra_conns if cap is None else ())]:
                    progress(f"{name} c{connections}")
                    result, cpu, children = measured_load(emulator, function.path, connections,
                                                          settings.cap_seconds, name)
                    rows.append(
                        f"| {runtime.label} | {cap or 'default'} | {connections} | "
                        f"{len(environments(emulator, runtime))} | "
                        f"{fmt_rate(result.requests_per_s)} | {fmt_ms(result.p50_ms)} | "
                        f"{fmt_ms(result.p99_ms)} | {fmt_us(cpu / result.requests)} | "
                        f"{fmt_us(children / result.requests)} | {cpu / result.seconds:.2f} |")
    if not rows:
        return
    report.add("### Environments per function (the concurrency cap)")
    report.add("")
    report.add(f"One emulator per cap (ReservedConcurrentExecutions; default: none set), "
               f"one wrk run of {settings.cap_seconds} s per line after a "
               f"{settings.function_warmup_seconds} s warm-up at 64 connections; environments: "
               "the runtime's processes after the run. CPU: user + system time of the emulator "
               "and its environments during the run, per request (and of it in the "
               f"environments) and in cores busy ({os.cpu_count()} in the machine).")
    report.add("")
    report.add("| runtime | cap | conns | environments | req/s | p50 | p99 | CPU per request | "
               "… in environments | CPU (cores) |")
    report.add("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        report.add(row)
    report.add("")


def measure_builtin(report: Report, settings: Settings, binary: Path, template: Path,
                    work: Path, modes: list, missing_modes: list) -> None:
    """Everything about template.yaml's C++ handlers: against nginx in each invoke mode, then
    start, memory and scale."""
    progress("starting nginx and the emulator")
    emulators = {}
    nginx = None
    try:
        for mode in modes:
            extra, served = [], template
            if mode != "in-process":
                extra = ["--invoke-mode", mode]
                # The bootstraps built with this binary: BUILD_DIR/package/*.zip.
                served = templates.write_runtime_api_template(work, template,
                                                              binary.parent / "package")
            emulators[mode] = servers.Emulator(binary, served, work, f"pair-{mode}",
                                               extra).start()
        status, content_type, body = processes.http_get(emulators["in-process"].port, WHODIS)
        if status != 200 or content_type != "application/json":
            raise HarnessError(f"emulator GET {WHODIS}: {status} {content_type} {body!r}")
        nginx = servers.Nginx(work / "nginx", WHODIS, body).start()
        nginx_answer = processes.http_get(nginx.port, WHODIS)
        if nginx_answer != (200, "application/json", body):
            raise HarnessError(f"nginx answers {nginx_answer!r}, the emulator {body!r}")
        report.add(f"- body of both: `{body.decode()}`")
        # The in-process emulator again, with a console page connected throughout (issue 16:
        # the console costs the request path nothing measurable).
        # (A binary from before the console, measured for a before/after comparison, has no
        # such row.)
        with_console = servers.Emulator(binary, template, work, "pair-console").start()
        emulators[CONSOLE_MODE] = with_console
        if processes.http_get(with_console.aws_port(), "/console/api/state")[0] != 200:
            with_console.stop()
            del emulators[CONSOLE_MODE]
            report.add(f"- `{CONSOLE_MODE}`: not measured, this binary serves no console.")
            measure_pairs(report, settings, nginx, emulators, missing_modes)
        else:
            watcher = servers.ConsoleWatcher(with_console).start()
            measure_pairs(report, settings, nginx, emulators, missing_modes)
            watcher.stop()
            report.add(f"- `{CONSOLE_MODE}`: a console feed (GET /console/api/events) held open "
                       f"on it while it was measured: {watcher.events} events, "
                       f"{watcher.bytes / 1024:.0f} KiB received.")
            if watcher.events < 2:
                raise HarnessError("the console feed received no updates while measured")
        report.add("")
    finally:
        for server in [nginx, *emulators.values()]:
            if server is not None:
                server.stop()

    rows = []
    rows += measure_starts(report, settings, binary, template, work)
    rows += measure_memory(report, settings, binary, template, work)
    rows += measure_routes(report, settings, binary, work)
    rows += measure_functions(report, settings, binary, work)
    report.add("### Start, memory and scale")
    report.add("")
    report.add("| measurement | value | target | |")
    report.add("| --- | ---: | --- | --- |")
    for row in rows:
        report.add("| " + " | ".join(row) + " |")
    report.add("")


# --- main -----------------------------------------------------------------------------------------

def parse_args(argv: list) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="tests/bench/run",
        description="The emulator's benchmark against nginx; see docs/performance.md.")
    parser.add_argument("--emulator", type=Path, required=True,
                        help="the emulator binary (tests/bench/run builds one when not given)")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny durations and counts, only to prove the harness works")
    parser.add_argument("--rounds", type=int, help="alternating rounds per comparison")
    parser.add_argument("--seconds", type=int, help="duration of one wrk round")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temp dir (templates, nginx config, server logs)")
    parser.add_argument("--serverless-offline", choices=("auto", "install", "skip"),
                        default="auto",
                        help="the Python and Node.js comparison: auto (default) runs it when "
                        f"serverless-offline {serverless_offline.OFFLINE_VERSION} is in the "
                        "cache, and a full run first installs it there with npm; install: "
                        "also with --smoke; skip: emulator-only rows")
    parser.add_argument("--functions-only", action="store_true",
                        help="only the Python and Node.js rows (no nginx, no built-in handlers)")
    return parser.parse_args(argv)


def run(args: argparse.Namespace, work: Path) -> Report:
    settings = SMOKE if args.smoke else FULL
    if args.rounds:
        rounds = max(1, min(args.rounds, 50))
        settings = dataclasses.replace(settings, rounds=rounds, function_rounds=rounds)
    if args.seconds:
        seconds = max(1, min(args.seconds, 600))
        settings = dataclasses.replace(settings, seconds=seconds, function_seconds=seconds)
    binary = args.emulator.resolve()
    template = REPO / "template.yaml"
    facts = machine_facts()
    load_before = load_average()
    started = time.monotonic()

    report = Report()
    command = os.environ.get("BENCH_COMMAND") or "tests/bench/bench.py " + " ".join(sys.argv[1:])
    smoke_note = " (smoke: tiny counts, not the targets’ figures)" if args.smoke else ""
    report.add(f"## Benchmark{smoke_note}")
    report.add("")
    report.add(f"- command: `{command}`")
    report.add(f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    report.add(f"- machine: {facts['cores']} cores, {facts['cpu']}, {facts['memory']} memory, "
               f"Linux {facts['kernel']}")
    shown = binary.relative_to(REPO) if binary.is_relative_to(REPO) else binary
    modes = servers.emulator_invoke_modes(binary)
    packages = binary.parent / "package"
    shown_packages = packages.relative_to(REPO) if packages.is_relative_to(REPO) else packages
    runtime_note = (f" (runtime-api: its CodeUris pointed at `{shown_packages}/`)"
                    if "runtime-api" in modes else "")
    served = ("the generated templates of the Python and Node.js rows only (--functions-only)"
              if args.functions_only else f"`template.yaml`{runtime_note}; {facts['nginx']}")
    report.add(f"- emulator: `{shown}` serving {served}; {facts['wrk']}")

    runtimes = function_runtimes()
    # Before any measurement: a first full run installs serverless-offline (minutes, network).
    offline_dir, offline_missing = prepare_serverless_offline(args.serverless_offline, args.smoke)
    interpreters = ", ".join(
        f"{runtime.label} {runtime.version} (`{runtime.executable}`)" if not runtime.missing
        else f"{runtime.label}: {runtime.missing}" for runtime in runtimes)
    offline_note = (f"{serverless_offline.version_line()}, `--useInProcess`"
                    if offline_dir else "serverless-offline: not measured")
    report.add(f"- functions: {interpreters}; {offline_note}")

    missing_modes = [mode for mode in ("runtime-api",) if mode not in modes]

    if args.functions_only:
        report.add("")
        missing_modes = []
    else:
        measure_builtin(report, settings, binary, template, work, modes, missing_modes)

    code_dir = templates.write_function_code(work / "sam")
    rows = measure_cold_starts(report, settings, binary, work, code_dir, runtimes)
    memory_rows, offline_missing = measure_function_pairs(
        report, settings, binary, work, code_dir, runtimes, offline_dir, offline_missing)
    report.add("### Python and Node.js functions: cold start and memory")
    report.add("")
    report.add("| measurement | value | target | |")
    report.add("| --- | ---: | --- | --- |")
    for row in rows + memory_rows:
        report.add("| " + " | ".join(row) + " |")
    report.add("")
    measure_caps(report, settings, binary, work, code_dir, runtimes)

    load_after = load_average()
    missed = [v for v in report.verdicts if not v.passed]
    report.add("### Summary")
    report.add("")
    summary = f"{len(report.verdicts) - len(missed)} of {len(report.verdicts)} targets met"
    if args.smoke:
        summary += " (* marks a target measured at smoke counts, not the target's own)"
    if missing_modes:
        summary += f"; not measured: {', '.join(missing_modes)} (not available yet)"
    not_run = [f"{runtime.label} functions ({runtime.missing})"
               for runtime in runtimes if runtime.missing]
    if offline_missing:
        not_run.append(f"serverless-offline ({offline_missing})")
    if not_run:
        summary += f"; not measured: {'; '.join(not_run)}"
    report.add(summary + ".")
    for verdict in missed:
        report.add(f"- MISS{'*' if verdict.scaled else ''} {verdict.name}: {verdict.detail}")
    busy = load_before > 0.5 * (facts["cores"] or 1)
    report.add(f"- load average (1 min) {load_before:.1f} before, {load_after:.1f} after, on "
               f"{facts['cores']} cores{': a loaded machine, numbers are noisy' if busy else ''}; "
               f"run took {time.monotonic() - started:.0f} s")
    return report


def main(argv: list) -> int:
    args = parse_args(argv)

    def stop_on_signal(number, _frame):
        raise SystemExit(128 + number)

    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, stop_on_signal)
    work = Path(tempfile.mkdtemp(prefix="emulator-bench-"))
    try:
        report = run(args, work)
    except (HarnessError, servers.StartError, wrk.WrkError, templates.MissingPackage) as error:
        progress(f"error: {error}")
        progress(f"logs kept in {work}")
        args.keep = True
        return 1
    finally:
        processes.stop_all()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = report.text()
    sys.stdout.write(text)
    if args.output:
        args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
