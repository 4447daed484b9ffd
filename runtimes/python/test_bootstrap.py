"""Tests of bootstrap.py: each runs it as a real process against a fake Runtime API.

Run: /usr/bin/python3 -m unittest discover -s runtimes/python -v
The interpreter that runs bootstrap.py is $BOOTSTRAP_PYTHON, else /usr/bin/python3 (what the
emulator runs), else this one.
"""

import http.server
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BOOTSTRAP = os.path.join(HERE, "bootstrap.py")
PYTHON = os.environ.get("BOOTSTRAP_PYTHON") or (
    "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)
WAIT = 10  # seconds: the longest any single step may take before the test fails
NEXT = "/2018-06-01/runtime/invocation/next"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn:live"
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, "
    "or can be applied automatically. To determine if the runtime has been updated, check the "
    "runtime version in the INIT_START log entry. If this error correlates with a change in the "
    "runtime version, you may be able to mitigate this error by temporarily rolling back to the "
    "previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)


class QuietServer(http.server.ThreadingHTTPServer):
    """Serves each connection on a daemon thread; a client gone mid-request (a runtime killed by
    its test) is not an error worth a traceback."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Post:
    def __init__(self, path, headers, body):
        self.path, self.headers, self.body = path, headers, body

    def json(self):
        return json.loads(self.body)


class FakeRuntimeApi:
    """The Runtime API on 127.0.0.1:<free port>: answers GET next with queued events, records
    every POST, and every connection a request came on."""

    def __init__(self):
        self.events = queue.Queue()
        self.posts = queue.Queue()
        self.connections = set()
        self.stopping = False
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes

            def log_message(self, *args):
                pass

            def do_GET(self):
                api.connections.add(self.client_address)
                if self.path != NEXT:
                    self.answer(404, b"{}")
                    return
                while True:
                    try:
                        request_id, body, headers, options = api.events.get(timeout=0.05)
                        break
                    except queue.Empty:
                        if api.stopping:
                            self.close_connection = True
                            return
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
                for name, value in headers.items():
                    self.send_header(name, value)
                if options.get("chunked"):
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    half = len(body) // 2
                    for chunk in (body[:half], body[half:]):
                        if chunk:
                            self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                api.drop_after_post = options.get("drop_after_post", False)

            def do_POST(self):
                api.connections.add(self.client_address)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.answer(202, b'{"status":"OK"}')
                api.posts.put(Post(self.path, self.headers, body))
                if getattr(api, "drop_after_post", False):
                    api.drop_after_post = False
                    self.close_connection = True  # silently: no "Connection: close"

            def answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.address = "127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.01,),
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.stopping = True
        self.server.shutdown()
        self.server.server_close()


class Runtime:
    """bootstrap.py serving one function from a temporary task root holding `files`."""

    def __init__(self, test, files, handler, env=None, extra_dirs=None):
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="task-"))
        test.addCleanup(shutil.rmtree, self.root, True)
        for name, text in files.items():
            path = os.path.join(self.root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(textwrap.dedent(text))
        self.api = FakeRuntimeApi()
        test.addCleanup(self.api.close)
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "AWS_LAMBDA_RUNTIME_API": self.api.address,
            "_HANDLER": handler,
            "LAMBDA_TASK_ROOT": self.root,
            "LAMBDA_RUNTIME_DIR": HERE,
            "AWS_LAMBDA_FUNCTION_NAME": "fn",
            "AWS_LAMBDA_FUNCTION_VERSION": "7",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2024/01/01/[7]0123456789abcdef",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "AKIDTEST",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_SESSION_TOKEN": "token",
        }
        environment.update(env or {})
        self.process = subprocess.Popen(
            [PYTHON, "-u", BOOTSTRAP], cwd=self.root, env=environment,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        test.addCleanup(self._kill)
        self.count = 0

    def invoke(self, event=None, body=None, headers=None, request_id=None, **options):
        """Queues one event and returns what the runtime posted for it."""
        self.count += 1
        request_id = request_id or "req-%d" % self.count
        all_headers = {
            "Content-Type": "application/json",
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 30000),
            "Lambda-Runtime-Invoked-Function-Arn": ARN,
        }
        all_headers.update(headers or {})
        if body is None:
            body = json.dumps(event if event is not None else {}).encode()
        self.api.events.put((request_id, body, all_headers, options))
        return self.next_post()

    def next_post(self):
        try:
            return self.api.posts.get(timeout=WAIT)
        except queue.Empty:
            self._kill()
            out, err = self.process.communicate()
            raise AssertionError("nothing posted; stdout=%r stderr=%r" % (out, err))

    def stop(self):
        """SIGTERM; returns (exit status, stdout, stderr)."""
        self.process.send_signal(signal.SIGTERM)
        return self.exit()

    def exit(self):
        out, err = self.process.communicate(timeout=WAIT)
        return self.process.returncode, out.decode(), err.decode()

    def _kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


def masked(log):
    return TIMESTAMP.sub("<ts>", log)


class InvocationTest(unittest.TestCase):
    def test_handler_in_a_subfolder_with_a_layer_on_pythonpath(self):
        layer = os.path.realpath(tempfile.mkdtemp(prefix="layer-"))
        self.addCleanup(shutil.rmtree, layer, True)
        with open(os.path.join(layer, "shared_lib.py"), "w") as f:
            f.write("GREETING = 'hi from the layer'\n")
        runtime = Runtime(self, {
            "src/handlers/app.py": """
                import shared_lib
                def handler(event, context):
                    return {"got": event, "layer": shared_lib.GREETING, "file": __file__}
                """,
        }, "src/handlers/app.handler", env={"PYTHONPATH": layer})
        post = runtime.invoke({"x": 1})
        self.assertEqual(post.path, "/2018-06-01/runtime/invocation/req-1/response")
        self.assertEqual(post.json(), {
            "got": {"x": 1}, "layer": "hi from the layer",
            "file": os.path.join(runtime.root, "src/handlers/app.py")})
        self.assertEqual(runtime.stop(), (0, "", ""))

    def test_context_attributes_and_remaining_time(self):
        runtime = Runtime(self, {"app.py": """
            import os
            def handler(event, context):
                cc = context.client_context
                return {
                    "aws_request_id": context.aws_request_id,
                    "function_name": context.function_name,
                    "function_version": context.function_version,
                    "invoked_function_arn": context.invoked_function_arn,
                    "memory_limit_in_mb": context.memory_limit_in_mb,
                    "log_group_name": context.log_group_name,
                    "log_stream_name": context.log_stream_name,
                    "identity": [context.identity.cognito_identity_id,
                                 context.identity.cognito_identity_pool_id],
                    "client_context": None if cc is None else {
                        "custom": cc.custom, "env": cc.env,
                        "app_title": cc.client.app_title,
                        "installation_id": cc.client.installation_id},
                    "remaining": context.get_remaining_time_in_millis(),
                    "trace": os.environ.get("_X_AMZN_TRACE_ID"),
                }
            """}, "app.handler")
        deadline = int(time.time() * 1000) + 5000
        post = runtime.invoke(headers={
            "Lambda-Runtime-Deadline-Ms": str(deadline),
            "Lambda-Runtime-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
            "Lambda-Runtime-Client-Context": json.dumps({
                "client": {"app_title": "shop", "installation_id": "i-1"},
                "custom": {"k": "v"}, "env": {"platform": "ios"}}),
            "Lambda-Runtime-Cognito-Identity": json.dumps({
                "cognitoIdentityId": "us-east-1:abc", "cognitoIdentityPoolId": "us-east-1:pool"}),
        })
        got = post.json()
        remaining = got.pop("remaining")
        self.assertTrue(4000 < remaining <= 5000, remaining)
        self.assertEqual(got, {
            "aws_request_id": "req-1",
            "function_name": "fn",
            "function_version": "7",
            "invoked_function_arn": ARN,
            "memory_limit_in_mb": "256",  # a string, as AWS's runtime gives it
            "log_group_name": "/aws/lambda/fn",
            "log_stream_name": "2024/01/01/[7]0123456789abcdef",
            "identity": ["us-east-1:abc", "us-east-1:pool"],
            "client_context": {"custom": {"k": "v"}, "env": {"platform": "ios"},
                               "app_title": "shop", "installation_id": "i-1"},
            "trace": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
        })

        # Without those headers, and past the deadline.
        got = runtime.invoke(headers={
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) - 10)}).json()
        self.assertEqual((got["identity"], got["client_context"], got["remaining"], got["trace"]),
                         ([None, None], None, 0, None))
        self.assertEqual(got["aws_request_id"], "req-2")

    def test_return_values_are_marshalled_as_aws_does(self):
        files = {"app.py": """
            from decimal import Decimal
            RESULTS = {
                "dict": {"a": 1, "b": [True, None, 1.5]},
                "list": [1, "x"],
                "str": "hello",
                "none": None,
                "unicode": "caf\\u00e9",
                "decimal": {"n": Decimal("1.10"), "m": [Decimal("-3"), Decimal("NaN")]},
                "bytes": b"\\x00raw",
            }
            def handler(event, context):
                return RESULTS[event]
            """}
        runtime = Runtime(self, files, "app.handler",
                          env={"AWS_EXECUTION_ENV": "AWS_Lambda_python3.11"})
        for kind, body in [
            ("dict", b'{"a": 1, "b": [true, null, 1.5]}'),
            ("list", b'[1, "x"]'),
            ("str", b'"hello"'),
            ("none", b"null"),
            ("unicode", b'"caf\\u00e9"'),
            ("decimal", b'{"n": 1.10, "m": [-3, NaN]}'),
        ]:
            with self.subTest(kind):
                post = runtime.invoke(kind)
                self.assertEqual(post.path.rsplit("/", 1)[1], "response")
                self.assertEqual(post.body, body)
                self.assertEqual(post.headers["Content-Type"], "application/json")
        post = runtime.invoke("bytes")
        self.assertEqual((post.body, post.headers["Content-Type"]),
                         (b"\x00raw", "application/unknown"))

        # From python3.12 on AWS writes non-ASCII characters as they are.
        runtime = Runtime(self, files, "app.handler",
                          env={"AWS_EXECUTION_ENV": "AWS_Lambda_python3.12"})
        self.assertEqual(runtime.invoke("unicode").body, '"caf\u00e9"'.encode())

    def test_unserializable_result_is_a_marshal_error(self):
        runtime = Runtime(self, {"app.py": """
            def handler(event, context):
                return {"ids": {1, 2}}
            """}, "app.handler")
        post = runtime.invoke({})
        self.assertEqual(post.path, "/2018-06-01/runtime/invocation/req-1/error")
        self.assertEqual(post.headers["Lambda-Runtime-Function-Error-Type"], "Runtime.MarshalError")
        self.assertEqual(post.json(), {
            "errorMessage": "Unable to marshal response: Object of type set is not JSON serializable",
            "errorType": "Runtime.MarshalError",
            "requestId": "req-1",
            "stackTrace": [],
        })
        code, out, err = runtime.stop()
        self.assertEqual(out, "[ERROR] Runtime.MarshalError: Unable to marshal response: Object of "
                              "type set is not JSON serializable\rTraceback (most recent call last):\n")
        self.assertEqual((code, err), (0, ""))

    def test_event_that_is_not_json_is_an_unmarshal_error(self):
        runtime = Runtime(self, {"app.py": "def handler(event, context):\n    return event\n"},
                          "app.handler")
        post = runtime.invoke(body=b"not json")
        self.assertEqual(post.json(), {
            "errorMessage": "Unable to unmarshal input: Expecting value: line 1 column 1 (char 0)",
            "errorType": "Runtime.UnmarshalError",
            "requestId": "req-1",
            "stackTrace": [],
        })
        # Another content type is passed as it is, as AWS's runtime does.
        post = runtime.invoke(body=b"raw text", headers={"Content-Type": "text/plain"})
        self.assertEqual(post.body, b"raw text")

    def test_handler_exception_is_posted_and_logged_as_aws_does(self):
        runtime = Runtime(self, {"app.py": """
            def helper(message):
                raise ValueError(message)


            def handler(event, context):
                helper(event)
            """}, "app.handler")
        app = os.path.join(runtime.root, "app.py")
        post = runtime.invoke("boom")
        self.assertEqual(post.path, "/2018-06-01/runtime/invocation/req-1/error")
        self.assertEqual(post.headers["Lambda-Runtime-Function-Error-Type"], "ValueError")
        self.assertEqual(post.json(), {
            "errorMessage": "boom",
            "errorType": "ValueError",
            "requestId": "req-1",
            "stackTrace": [
                '  File "%s", line 7, in handler\n    helper(event)\n' % app,
                '  File "%s", line 3, in helper\n    raise ValueError(message)\n' % app,
            ],
        })
        self.assertEqual(runtime.invoke("two\nlines").json()["errorMessage"], "two\nlines")
        code, out, err = runtime.stop()
        nbsp = "\u00a0"
        trace = (
            "Traceback (most recent call last):"
            '\r{0}{0}File "{1}", line 7, in handler\r{0}{0}{0}{0}helper(event)'
            '\r{0}{0}File "{1}", line 3, in helper\r{0}{0}{0}{0}raise ValueError(message)\n'
        ).format(nbsp, app)
        self.assertEqual(out, "[ERROR] ValueError: boom\r" + trace +
                              "[ERROR] ValueError: two\rlines\r" + trace)
        self.assertEqual((code, err), (0, ""))

    def test_print_and_logging_records_carry_the_request_id(self):
        runtime = Runtime(self, {"app.py": """
            import logging
            logger = logging.getLogger()
            logger.warning("at init")
            def handler(event, context):
                print("plain print")
                print("two\\nlines")
                logger.info("hidden at the default level, WARNING")
                logger.warning("multi\\nline")
                logging.getLogger("child").error("args %s %d", "x", 3)
                try:
                    1 / 0
                except ZeroDivisionError:
                    logger.exception("failed")
                context.log("via context\\n")
            """}, "app.handler")
        runtime.invoke(request_id="3f1c-aa")
        code, out, err = runtime.stop()
        self.assertEqual((code, err), (0, ""))
        lines = masked(out).split("\n")
        self.assertEqual(lines[:6], [
            "[WARNING]\t<ts>\t\tat init",
            "plain print",
            "two",
            "lines",
            "[WARNING]\t<ts>\t3f1c-aa\tmulti\rline",
            "[ERROR]\t<ts>\t3f1c-aa\targs x 3",
        ])
        self.assertTrue(lines[6].startswith(
            "[ERROR]\t<ts>\t3f1c-aa\tfailed\rTraceback (most recent call last):\r"), lines[6])
        self.assertTrue(lines[6].endswith("\rZeroDivisionError: division by zero"), lines[6])
        self.assertEqual(lines[7:], ["via context", ""])

    def test_log_level_from_aws_lambda_log_level(self):
        runtime = Runtime(self, {"app.py": """
            import logging
            def handler(event, context):
                logging.getLogger().debug("debug shown")
                logging.getLogger().info("info shown")
            """}, "app.handler", env={"AWS_LAMBDA_LOG_LEVEL": "TRACE"})
        runtime.invoke(request_id="r")
        code, out, err = runtime.stop()
        self.assertEqual(masked(out), "[DEBUG]\t<ts>\tr\tdebug shown\n[INFO]\t<ts>\tr\tinfo shown\n")

    def test_warm_process_imports_the_module_once_over_one_connection(self):
        runtime = Runtime(self, {"app.py": """
            import os, sys
            print("init once")
            count = 0
            def handler(event, context):
                global count
                count += 1
                heavy = [m for m in ("botocore", "logging", "http.client", "ssl")
                         if m in sys.modules]
                return {"count": count, "pid": os.getpid(), "heavy": heavy}
            """}, "app.handler", env={"AWS_ENDPOINT_URL": "http://127.0.0.1:1"})
        answers = [runtime.invoke({}).json() for _ in range(3)]
        self.assertEqual([a["count"] for a in answers], [1, 2, 3])
        self.assertEqual(len({a["pid"] for a in answers}), 1)
        self.assertEqual(answers[0]["heavy"], [])  # nothing costly imported for the handler
        self.assertEqual(len(runtime.api.connections), 1)
        self.assertEqual(runtime.stop(), (0, "init once\n", ""))

    def test_reconnects_when_the_api_drops_the_connection(self):
        runtime = Runtime(self, {"app.py": "def handler(event, context):\n    return event\n"},
                          "app.handler")
        self.assertEqual(runtime.invoke(1, drop_after_post=True).body, b"1")
        self.assertEqual(runtime.invoke(2, chunked=True).body, b"2")
        self.assertEqual(runtime.invoke(3).body, b"3")
        self.assertEqual(len(runtime.api.connections), 2)
        self.assertEqual(runtime.stop(), (0, "", ""))

    def test_sigterm_while_waiting_for_an_event_exits_zero_quietly(self):
        runtime = Runtime(self, {"app.py": "def handler(event, context):\n    pass\n"},
                          "app.handler")
        runtime.invoke({})
        self.assertEqual(runtime.stop(), (0, "", ""))


def syntax_error_of(path):
    """(str(e), e.lineno, e.text) of the SyntaxError the runtime's interpreter reports."""
    script = ("import json,sys\ntry:\n compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')\n"
              "except SyntaxError as e:\n print(json.dumps([str(e), e.lineno, e.text]))\n")
    return json.loads(subprocess.check_output([PYTHON, "-c", script, path]))


class InitErrorTest(unittest.TestCase):
    def init_error(self, files, handler):
        runtime = Runtime(self, files, handler)
        post = runtime.next_post()
        code, out, err = runtime.exit()
        self.assertEqual(code, 1)
        self.assertEqual(post.path, "/2018-06-01/runtime/init/error")
        error = post.json()
        self.assertEqual(post.headers["Lambda-Runtime-Function-Error-Type"], error["errorType"])
        self.assertEqual(error["requestId"], "")
        warning, record, rest = masked(out).split("\n", 2)
        self.assertEqual(warning, "[WARNING]\t<ts>\t\t" + UNHANDLED_WARNING)
        self.assertTrue(record.startswith("[ERROR] %s: %s\rTraceback (most recent call last):" % (
            error["errorType"], error["errorMessage"].replace("\n", "\r"))), record)
        self.assertEqual(rest, "")
        return runtime, error, err

    def test_init_errors_have_aws_types_and_messages(self):
        app = {"app.py": "def handler(event, context):\n    pass\n"}
        for handler, files, error_type, message in [
            ("app", app, "Runtime.MalformedHandlerName",
             "Bad handler 'app': not enough values to unpack (expected 2, got 1)"),
            ("app.nope", app, "Runtime.HandlerNotFound", "Handler 'nope' missing on module 'app'"),
            ("sys.handler", app, "Runtime.BuiltInModuleConflict",
             "Cannot use built-in module sys as a handler module"),
        ]:
            with self.subTest(error_type):
                runtime, error, err = self.init_error(files, handler)
                self.assertEqual(error, {"errorMessage": message, "errorType": error_type,
                                         "requestId": "", "stackTrace": []})
                self.assertEqual(err, "")

    def test_missing_package_is_an_import_error_with_a_hint(self):
        runtime, error, err = self.init_error(
            {"app.py": "import requests_not_installed\n"}, "app.handler")
        self.assertEqual(error, {
            "errorMessage": "Unable to import module 'app': No module named 'requests_not_installed'",
            "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []})
        self.assertEqual(err, (
            "lambda_runtime: hint: 'requests_not_installed' is not installed for %s: run `sam build` "
            "(it installs requirements.txt into .aws-sam/build) and run the built template, or "
            "install the package into the interpreter the emulator runs (start the emulator from a "
            "virtualenv that has it)\n") % PYTHON)

    def test_missing_handler_module_is_an_import_error_with_a_hint(self):
        runtime, error, err = self.init_error({"app.py": ""}, "src/handlers/app.handler")
        self.assertEqual(error["errorType"], "Runtime.ImportModuleError")
        self.assertEqual(error["errorMessage"],
                         "Unable to import module 'src/handlers/app': No module named 'src'")
        self.assertEqual(err, "lambda_runtime: hint: no src/handlers/app.py under the task root "
                              "%s: check the function's Handler and CodeUri\n" % runtime.root)

    def test_syntax_error(self):
        source = "def handler(event, context):\n    return (\n"
        runtime, error, err = self.init_error({"app.py": source}, "app.handler")
        path = os.path.join(runtime.root, "app.py")
        message, lineno, text = syntax_error_of(path)
        self.assertEqual(error, {
            "errorMessage": "Syntax error in module 'app': " + message,
            "errorType": "Runtime.UserCodeSyntaxError",
            "requestId": "",
            "stackTrace": ['  File "%s" Line %s\n    %s' % (path, lineno, text)],
        })

    def test_exception_at_import_keeps_its_type_and_traceback(self):
        runtime, error, err = self.init_error(
            {"app.py": 'x = 1\nraise RuntimeError("no config")\n'}, "app.handler")
        self.assertEqual((error["errorType"], error["errorMessage"]), ("RuntimeError", "no config"))
        self.assertEqual(error["stackTrace"][-1], '  File "%s", line 2, in <module>\n'
                         '    raise RuntimeError("no config")\n'
                         % os.path.join(runtime.root, "app.py"))
        self.assertFalse([f for f in error["stackTrace"]
                          if "bootstrap.py" in f or "runtime_loop.py" in f], error)


FAKE_BOTOCORE = {
    "botocore/__init__.py": "__version__ = '{version}'\n",
    "botocore/session.py": """
        class Session:
            def create_client(self, service_name, region_name=None, api_version=None,
                              use_ssl=True, verify=None, endpoint_url=None, **kwargs):
                return endpoint_url
        """,
    "app.py": """
        import botocore.session
        def handler(event, context):
            session = botocore.session.Session()
            return {
                "default": session.create_client("s3"),
                "explicit": session.create_client("s3", endpoint_url="http://explicit"),
                "positional": session.create_client("s3", None, None, True, None, None),
                "positional_explicit": session.create_client(
                    "s3", None, None, True, None, "http://explicit"),
                "loader": type(botocore.session.__loader__).__name__,
            }
        """,
}


class EndpointHookTest(unittest.TestCase):
    """The hook against a stand-in botocore: runs whatever the interpreter has installed."""

    def answers(self, version, env):
        files = dict(FAKE_BOTOCORE)
        files["botocore/__init__.py"] = files["botocore/__init__.py"].format(version=version)
        return Runtime(self, files, "app.handler", env=env).invoke({}).json()

    def test_old_botocore_defaults_endpoint_url_to_aws_endpoint_url(self):
        self.assertEqual(self.answers("1.29.27", {"AWS_ENDPOINT_URL": "http://emulator"}), {
            "default": "http://emulator", "explicit": "http://explicit",
            "positional": "http://emulator", "positional_explicit": "http://explicit",
            "loader": "SourceFileLoader"})

    def test_left_alone_when_not_wanted(self):
        for version, env in [
            ("1.31.0", {"AWS_ENDPOINT_URL": "http://emulator"}),  # botocore reads it itself
            ("1.29.27", {}),
            ("1.29.27", {"AWS_ENDPOINT_URL": "http://emulator",
                         "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}),
        ]:
            with self.subTest(version=version, env=env):
                self.assertEqual(self.answers(version, env)["default"], None)


class FakeAws:
    """An AWS JSON-protocol endpoint that records requests and answers every one with `answer`."""

    def __init__(self, answer):
        self.requests = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                fake.requests.append((self.path, self.headers, body))
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Boto3EndpointTest(unittest.TestCase):
    """Unchanged boto3 code reaches AWS_ENDPOINT_URL with the interpreter's own boto3."""

    @classmethod
    def setUpClass(cls):
        found = subprocess.run([PYTHON, "-c", "import boto3, botocore; print(botocore.__version__)"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if found.returncode != 0:
            raise unittest.SkipTest("%s has no boto3 (on Debian: apt-get install -y python3-boto3)"
                                    % PYTHON)
        cls.botocore_version = found.stdout.decode().strip()

    def test_codedeploy_hook_status_reaches_the_emulator(self):
        aws = FakeAws({"lifecycleEventHookExecutionId": "hook-1"})
        self.addCleanup(aws.close)
        runtime = Runtime(self, {"app.py": """
            import boto3
            codedeploy = boto3.client("codedeploy")
            def handler(event, context):
                answer = codedeploy.put_lifecycle_event_hook_execution_status(
                    deploymentId=event["DeploymentId"],
                    lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
                    status="Succeeded")
                return {"endpoint": codedeploy.meta.endpoint_url,
                        "answer": answer["lifecycleEventHookExecutionId"]}
            """}, "app.handler", env={"AWS_ENDPOINT_URL": aws.url})
        post = runtime.invoke({"DeploymentId": "d-ABC", "LifecycleEventHookExecutionId": "hook-1"})
        self.assertEqual(post.json(), {"endpoint": aws.url, "answer": "hook-1"}, post.body)
        self.assertEqual(len(aws.requests), 1)
        path, headers, body = aws.requests[0]
        self.assertEqual(path, "/")
        self.assertEqual(headers["X-Amz-Target"],
                         "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus")
        self.assertIn("Credential=AKIDTEST/", headers["Authorization"])
        self.assertEqual(json.loads(body), {"deploymentId": "d-ABC",
                                            "lifecycleEventHookExecutionId": "hook-1",
                                            "status": "Succeeded"})

    def test_without_aws_endpoint_url_boto3_keeps_aws_endpoints(self):
        runtime = Runtime(self, {"app.py": """
            import boto3
            def handler(event, context):
                return boto3.client("codedeploy").meta.endpoint_url
            """}, "app.handler")
        self.assertEqual(runtime.invoke({}).json(), "https://codedeploy.us-east-1.amazonaws.com")


if __name__ == "__main__":
    unittest.main()
