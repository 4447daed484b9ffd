"""serverless-offline (https://github.com/dherault/serverless-offline), the Node.js emulator of API
Gateway and Lambda that the Python and Node.js rows compare the emulator against.

Versions: serverless-offline 13.x is the last line that runs under the serverless framework v3;
14.x needs serverless v4, which asks for a login (serverless.com account or license key) before
it runs anything. serverless v3 runs with no account, no AWS credentials and no network once
installed. Both are installed with npm into a cache folder outside the repository
(BENCH_NODE_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/sam-emulator/bench-node), once.

Modes (read from serverless-offline 13's src/lambda/handler-runner/HandlerRunner.js and README
"Run modes"): Node.js handlers run in worker threads by default, in serverless-offline's own
process with --useInProcess (the fastest: no thread hand-off, the handler module stays loaded),
or in Docker. Python handlers always run in a child process of their own per concurrent
invocation (python-runner: `python3 -u invoke.py HANDLER_PATH NAME`, events over stdin and
results over stdout); --useInProcess does not change that.
"""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import processes
import templates

SERVERLESS_VERSION = "3.40.0"
OFFLINE_VERSION = "13.9.0"


class Unavailable(RuntimeError):
    """serverless-offline cannot be used here (not installed, no npm, no network); the rows that
    need it are skipped with this message."""


class StartError(RuntimeError):
    pass


def cache_dir() -> Path:
    if os.environ.get("BENCH_NODE_CACHE"):
        return Path(os.environ["BENCH_NODE_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sam-emulator" / "bench-node"


_PACKAGE_JSON = {
    "name": "sam-emulator-bench-node",
    "private": True,
    "description": "Written by tests/bench: serverless-offline for the Python and Node.js rows",
    "dependencies": {"serverless": SERVERLESS_VERSION, "serverless-offline": OFFLINE_VERSION},
}


def _installed_version(directory: Path, package: str):
    try:
        return json.loads((directory / "node_modules" / package / "package.json")
                          .read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def installed(directory: Path) -> bool:
    return (_installed_version(directory, "serverless") == SERVERLESS_VERSION and
            _installed_version(directory, "serverless-offline") == OFFLINE_VERSION)


def ensure_installed(directory: Path, may_install: bool, progress) -> Path:
    """The folder whose node_modules holds the pinned serverless and serverless-offline, after
    `npm install` there when they are missing and `may_install`. Raises Unavailable."""
    if shutil.which("node") is None:
        raise Unavailable("node is not on PATH")
    if installed(directory):
        return directory
    if not may_install:
        raise Unavailable(f"serverless-offline {OFFLINE_VERSION} is not installed in {directory} "
                          "(a full run installs it with npm; or pass --serverless-offline "
                          "install)")
    if shutil.which("npm") is None:
        raise Unavailable("npm is not on PATH (apt-get install npm)")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "package.json").write_text(json.dumps(_PACKAGE_JSON, indent=2) + "\n")
    progress(f"installing serverless {SERVERLESS_VERSION} and serverless-offline "
             f"{OFFLINE_VERSION} with npm into {directory} (once; about 280 MB)")
    command = ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
               "--fetch-retries=1"]
    try:
        done = subprocess.run(command, cwd=directory, capture_output=True, text=True,
                              timeout=900, check=False, preexec_fn=processes.die_with_parent)
    except subprocess.TimeoutExpired:
        raise Unavailable(f"`npm install` in {directory} did not finish within 900 s")
    if done.returncode != 0 or not installed(directory):
        tail = (done.stderr or done.stdout).strip()[-600:]
        raise Unavailable(f"`npm install` in {directory} failed (no network?): {tail}")
    return directory


_SERVERLESS_YML = """\
# Written by tests/bench: the same handlers as the emulator's template, for serverless-offline.
service: bench
frameworkVersion: '3'
provider:
  name: aws
  region: us-east-1
  stage: dev
  timeout: {timeout}
  memorySize: 128
plugins:
  - serverless-offline
functions:
{functions}"""


def write_service(directory: Path, functions: dict, node_modules: Path) -> Path:
    """serverless.yml in `directory` (where the handlers are) for `functions`:
    {name: (runtime, handler, path)}, each an `http` (REST API, proxy) GET event like the SAM
    template's Api event; node_modules links to the cache's."""
    parts = []
    for name, (runtime, handler, path) in functions.items():
        parts.append(f"  {name}:\n"
                     f"    handler: {handler}\n"
                     f"    runtime: {runtime}\n"
                     f"    events:\n"
                     f"      - http:\n"
                     f"          path: {path.lstrip('/')}\n"
                     f"          method: get\n")
    (directory / "serverless.yml").write_text(_SERVERLESS_YML.format(
        functions="".join(parts), timeout=templates.FUNCTION_TIMEOUT))
    link = directory / "node_modules"
    if not link.exists():
        link.symlink_to(node_modules)
    return directory


class ServerlessOffline:
    """`serverless offline start --useInProcess` in `service_dir`, on 127.0.0.1 and ports chosen
    at start. `python_dir` goes first on its PATH so that its Python runner's `python3` is the
    interpreter the emulator runs (not, say, a pyenv shim that costs a shell per start)."""

    def __init__(self, install_dir: Path, service_dir: Path, log_dir: Path,
                 python_dir: str = None):
        self.install_dir = install_dir
        self.service_dir = service_dir
        self.stderr_path = log_dir / "serverless-offline.stderr"
        self.python_dir = python_dir
        self.process = None
        self.port = None
        self.started_at = None
        self.seconds_to_ready = None

    def command(self) -> list:
        self.port = processes.free_port()
        return ["node", str(self.install_dir / "node_modules" / "serverless" / "bin" /
                            "serverless.js"),
                "offline", "start", "--host", "127.0.0.1", "--httpPort", str(self.port),
                "--lambdaPort", str(processes.free_port()),
                "--websocketPort", str(processes.free_port()),
                "--albPort", str(processes.free_port()),
                "--useInProcess", "--noPrependStageInUrl",
                # Idle Python processes are otherwise stopped after 60 s, e.g. while the
                # emulator's rounds run.
                "--terminateIdleLambdaTime", "3600"]

    def start(self) -> "ServerlessOffline":
        """Starts the process and returns at once; wait_ready() waits for the first 200."""
        env = dict(os.environ)
        env.update({"SLS_TELEMETRY_DISABLED": "1", "SLS_NOTIFICATIONS_MODE": "off",
                    "SLS_DEPRECATION_DISABLE": "*", "SLS_INTERACTIVE_SETUP_DISABLE": "1",
                    "CI": "1"})
        if self.python_dir:
            env["PATH"] = self.python_dir + os.pathsep + env.get("PATH", "")
        with open(self.stderr_path, "wb") as stderr:
            self.started_at = time.perf_counter()
            # SIGTERM on the harness's death: serverless-offline then stops its Python children.
            self.process = processes.spawn(self.command(), death_signal=signal.SIGTERM,
                                           cwd=self.service_dir, env=env,
                                           stdout=subprocess.PIPE, stderr=stderr)
        # Its stdout (the route table, then lines per request) is drained as a terminal would.
        processes.drain_in_background(self.process.stdout)
        return self

    def wait_ready(self, timeout_s: float = 120.0) -> "ServerlessOffline":
        deadline = self.started_at + timeout_s
        while True:
            if self.process.poll() is not None:
                raise StartError(f"serverless-offline exited {self.process.returncode}; see "
                                 f"{self.stderr_path}: {self.stderr_path.read_text()[-2000:]}")
            try:
                # Any answer (404 for this path) means it listens; no function is invoked.
                processes.http_get(self.port, "/bench-ready", timeout_s=10.0)
                self.seconds_to_ready = time.perf_counter() - self.started_at
                return self
            except OSError:
                pass
            if time.perf_counter() > deadline:
                raise StartError(f"serverless-offline did not answer on port {self.port} "
                                 f"within {timeout_s} s; see {self.stderr_path}")
            time.sleep(0.1)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.process is None:
            return
        children = [(pid, processes.start_time(pid))
                    for pid in processes.descendants(self.process.pid)]
        processes.stop(self.process, signal.SIGTERM)
        # Its Python children end on their stdin's end; anything left is killed.
        time.sleep(0.2)
        processes.kill_leftovers(children)


def version_line() -> str:
    return f"serverless-offline {OFFLINE_VERSION} (serverless {SERVERLESS_VERSION})"

