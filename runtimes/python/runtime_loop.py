"""The Python runtime loop the emulator runs for python3.x functions, with no Docker.

bootstrap.py (what the emulator starts, once per execution environment, as
`python3 -u bootstrap.py` in the task root, with Lambda's environment) calls main(): it imports
the `_HANDLER` module once (INIT), then serves invocations one at a time over the Lambda Runtime
API 2018-06-01 ("Using the Lambda runtime API for custom runtimes", Lambda developer guide) until
the API goes away or SIGTERM arrives.

What the handler sees (the event, the context, errors, log records) follows AWS's own runtime,
aws-lambda-python-runtime-interface-client (awslambdaric/bootstrap.py); README.md lists where
this file differs. Standard library only, and only what INIT needs is imported at INIT: a cold
start costs little more than the interpreter's own start-up.
"""

import json
import os
import signal
import socket
import sys
import time

_API = "/2018-06-01/runtime"
_SAY = "lambda_runtime: "  # prefix of the runtime's own messages on stderr, as the C++ runtime's

# errorTypes AWS's runtime reports for faults of the runtime rather than of the handler.
_MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
_BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
_IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
_USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
_HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
_MARSHAL_ERROR = "Runtime.MarshalError"
_UNMARSHAL_ERROR = "Runtime.UnmarshalError"
_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

# AWS's runtime logs this warning before an INIT error (awslambdaric/lambda_literals.py).
_UNHANDLED_EXCEPTION_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, "
    "or can be applied automatically. To determine if the runtime has been updated, check the "
    "runtime version in the INIT_START log entry. If this error correlates with a change in the "
    "runtime version, you may be able to mitigate this error by temporarily rolling back to the "
    "previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)

# The request id of the invocation in progress (of the last one between invocations, "" before
# the first), which log records carry.
_request_id = ""


class RuntimeApiError(ConnectionError):
    """The Runtime API closed the connection or answered something that is not HTTP/1.1."""


class RuntimeApi:
    """A client of the Runtime API at `host:port` over one keep-alive HTTP/1.1 connection.

    http.client is not used: importing it (email, ssl) costs more than the interpreter's start-up,
    and the Runtime API needs only Content-Length requests. Not thread-safe: the loop is its only
    user.
    """

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self._address = (host.strip("[]") or "127.0.0.1", int(port))
        self._host = address
        self._sock = None
        self._reader = None

    def request(self, method, path, body=b"", headers=""):
        """Sends a request and returns (status, headers with lower-case names, body bytes).

        `headers` is extra header lines, each ending in CRLF. When the connection turns out to be
        broken, it reconnects and sends the request once more; the second failure is raised
        (OSError). A GET waits without a timeout: `invocation/next` is a long poll.
        """
        head = "%s %s HTTP/1.1\r\nHost: %s\r\n%s" % (method, path, self._host, headers)
        if method != "GET":
            head += "Content-Length: %d\r\n" % len(body)
        data = (head + "\r\n").encode("utf-8") + body
        for attempt in (1, 2):
            try:
                if self._sock is None:
                    self._connect()
                self._sock.sendall(data)
                return self._read_response()
            except (OSError, ValueError) as e:
                self._close()
                if attempt == 2:
                    raise e if isinstance(e, OSError) else RuntimeApiError(str(e))

    def _connect(self):
        sock = socket.create_connection(self._address)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock, self._reader = sock, sock.makefile("rb")

    def _close(self):
        if self._sock is not None:
            self._reader.close()
            self._sock.close()
            self._sock = self._reader = None

    def _read_response(self):
        reader = self._reader
        status_line = reader.readline(65536)
        if not status_line:
            raise RuntimeApiError("the Runtime API closed the connection")
        status = int(status_line.split(None, 2)[1])
        headers = {}
        while True:
            line = reader.readline(65536)
            if line in (b"\r\n", b"\n"):
                break
            if not line:
                raise RuntimeApiError("the Runtime API closed the connection")
            name, _, value = line.decode("utf-8", "replace").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = headers.get("content-length")
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = self._read_chunked()
        elif length is not None:
            body = reader.read(int(length))
            if len(body) != int(length):
                raise RuntimeApiError("the Runtime API closed the connection mid-body")
        elif status in (204, 304) or status < 200:
            body = b""
        else:
            body = reader.read()  # delimited by the end of the connection
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self._close()
        return status, headers, body

    def _read_chunked(self):
        reader, chunks = self._reader, []
        while True:
            size = int(reader.readline(65536).split(b";", 1)[0], 16)
            if size == 0:
                while reader.readline(65536) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunk = reader.read(size)
            if len(chunk) != size:
                raise RuntimeApiError("the Runtime API closed the connection mid-body")
            chunks.append(chunk)
            reader.readline(65536)


# --- INIT: the handler --------------------------------------------------------------------------


class _Fault(Exception):
    """A failure AWS's runtime reports with a Runtime.* errorType of its own."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type, self.message, self.trace = error_type, message, trace


def load_handler(name):
    """Imports the module of `name` ("dir/module.function") and returns the function.

    Raises _Fault with AWS's errorType and errorMessage for a malformed name, a module that
    cannot be imported or does not parse, and a missing function; any other exception raised
    while importing the module propagates.
    """
    try:
        module_name, function_name = name.rsplit(".", 1)
    except ValueError as e:
        raise _Fault(_MALFORMED_HANDLER_NAME, "Bad handler '%s': %s" % (name, e))
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise _Fault(
            _BUILT_IN_MODULE_CONFLICT,
            "Cannot use built-in module %s as a handler module" % module_name,
        )
    import importlib

    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise _Fault(
            _IMPORT_MODULE_ERROR, "Unable to import module '%s': %s" % (module_name, e)
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise _Fault(
            _USER_CODE_SYNTAX_ERROR, "Syntax error in module '%s': %s" % (module_name, e), trace
        )
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise _Fault(
            _HANDLER_NOT_FOUND,
            "Handler '%s' missing on module '%s'" % (function_name, module_name),
        )


def _missing_module_hint(error, module_name, task_root):
    """One line saying how to make a module that could not be found importable."""
    missing = (error.name or "").split(".")[0]
    wanted = module_name.replace("/", ".")
    if missing and (wanted == error.name or wanted.startswith(error.name + ".")):
        return "%shint: no %s.py under the task root %s: check the function's Handler and CodeUri" % (
            _SAY, module_name.replace(".", "/"), task_root)
    return (
        "%shint: '%s' is not installed for %s: run `sam build` (it installs requirements.txt "
        "into .aws-sam/build) and run the built template, or install the package into the "
        "interpreter the emulator runs (start the emulator from a virtualenv that has it)"
        % (_SAY, missing or "the module", sys.executable)
    )


# --- the context object -------------------------------------------------------------------------


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, fields):
        self.cognito_identity_id = fields.get("cognitoIdentityId")
        self.cognito_identity_pool_id = fields.get("cognitoIdentityPoolId")

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id, self.cognito_identity_pool_id)


class Client:
    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code",
                 "app_package_name")

    def __init__(self, fields):
        for name in self.__slots__:
            setattr(self, name, fields.get(name))

    def __repr__(self):
        return "Client([%s])" % ",".join("%s=%s" % (n, getattr(self, n)) for n in self.__slots__)


class ClientContext:
    __slots__ = ("custom", "env", "client")

    def __init__(self, fields):
        self.custom = fields.get("custom")
        self.env = fields.get("env")
        client = fields.get("client")
        self.client = None if client is None else Client(client)

    def __repr__(self):
        return "ClientContext([custom=%s,env=%s,client=%s])" % (self.custom, self.env, self.client)


def _parse_json_header(value, what):
    try:
        return json.loads(value)
    except Exception as e:
        raise _Fault(_CONTEXT_UNMARSHAL_ERROR, "Unable to parse %s JSON: %s" % (what, e))


class LambdaContext:
    """The handler's second argument, with the attributes of AWS's (lambda_context.py).

    As on AWS, memory_limit_in_mb is the environment variable's string ("128"), identity is
    always set (its fields None without a Cognito identity) and client_context is None unless
    the invocation carries one.
    """

    _FROM_ENVIRONMENT = ("AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
                         "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                         "AWS_LAMBDA_FUNCTION_VERSION")
    _environment = None  # their values, read at the first invocation (AWS reads them at each)

    def __init__(self, request_id, headers):
        environment = LambdaContext._environment
        if environment is None:
            environment = LambdaContext._environment = tuple(
                os.environ.get(name) for name in self._FROM_ENVIRONMENT)
        self.aws_request_id = request_id
        (self.log_group_name, self.log_stream_name, self.function_name,
         self.memory_limit_in_mb, self.function_version) = environment
        self.invoked_function_arn = headers.get("lambda-runtime-invoked-function-arn")
        client_context = headers.get("lambda-runtime-client-context")
        self.client_context = None if not client_context else ClientContext(
            _parse_json_header(client_context, "Client Context"))
        identity = headers.get("lambda-runtime-cognito-identity")
        self.identity = CognitoIdentity(
            _parse_json_header(identity, "Cognito Identity") if identity else {})
        try:
            self._epoch_deadline_time_in_ms = int(headers.get("lambda-runtime-deadline-ms"))
        except (TypeError, ValueError):
            self._epoch_deadline_time_in_ms = 0

    def get_remaining_time_in_millis(self):
        """Milliseconds until the invocation's deadline, 0 once it has passed."""
        remaining = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, message):
        sys.stdout.write(str(message))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,"
            "function_name=%s,memory_limit_in_mb=%s,function_version=%s,"
            "invoked_function_arn=%s,client_context=%s,identity=%s])"
            % (self.aws_request_id, self.log_group_name, self.log_stream_name,
               self.function_name, self.memory_limit_in_mb, self.function_version,
               self.invoked_function_arn, self.client_context, self.identity)
        )


# --- results and errors -------------------------------------------------------------------------


class _Encoder(json.JSONEncoder):
    """json.dumps as AWS's runtime marshals (simplejson, no use_decimal, NaN allowed).

    A Decimal (what boto3's DynamoDB layer returns for numbers) is written as its own digits,
    as AWS's encoder writes it: it is encoded as a unique placeholder string, spliced out after.
    """

    _PLACEHOLDER = "__lambda_decimal_%s__" % os.urandom(8).hex()
    _QUOTED_PLACEHOLDER = '"%s"' % _PLACEHOLDER

    def __init__(self, ensure_ascii):
        super().__init__(ensure_ascii=ensure_ascii, allow_nan=True)
        self._decimals = []

    def default(self, o):
        decimal = sys.modules.get("decimal")
        if decimal is not None and isinstance(o, decimal.Decimal):
            if o.is_nan():
                return float("nan")
            self._decimals.append(str(o))
            return self._PLACEHOLDER
        return super().default(o)

    def encode(self, o):
        try:
            text = super().encode(o)
        except BaseException:
            self._decimals.clear()
            raise
        if self._decimals:
            parts = text.split(self._QUOTED_PLACEHOLDER)
            text = parts[0] + "".join(d + p for d, p in zip(self._decimals, parts[1:]))
            self._decimals.clear()
        return text


def _ensure_ascii():
    # AWS's runtime writes non-ASCII characters as they are from python3.12 on, \u escapes
    # before; AWS_EXECUTION_ENV names the runtime, else this interpreter stands for it.
    execution_env = os.environ.get("AWS_EXECUTION_ENV", "")
    if execution_env.startswith("AWS_Lambda_python3."):
        try:
            return int(execution_env[len("AWS_Lambda_python3."):]) < 12
        except ValueError:
            pass
    return sys.version_info < (3, 12)


_encoder = _Encoder(_ensure_ascii())


def _make_error(message, error_type, stack_trace, request_id=""):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id,
        "stackTrace": stack_trace or [],
    }


def _error_from_exception(error):
    """An error body for `error`, with AWS's stackTrace: the traceback from the first frame
    outside this file, one '  File "...", line N, in fn\\n    code\\n' string per frame."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    own_file = load_handler.__code__.co_filename
    first = 0
    while first < len(frames) and frames[first].filename == own_file:
        first += 1
    if first == len(frames):
        first = 0
    trace = []
    for frame in frames[first:]:
        line = '  File "%s", line %s, in %s\n' % (frame.filename, frame.lineno, frame.name)
        if frame.line:
            line += "    %s\n" % frame.line.strip()
        trace.append(line)
    return _make_error(str(error), type(error).__name__, trace)


def _log_error(error):
    """Writes `error` to stdout as AWS's runtime logs it: one record, "[ERROR] Type: message",
    then the traceback, lines joined by '\\r' and leading spaces made no-break spaces."""
    lines = ["[ERROR]"]
    if error["errorType"]:
        lines[0] += " " + error["errorType"] + (":" if error["errorMessage"] else "")
    if error["errorMessage"]:
        lines[0] += " " + error["errorMessage"]
    lines.append("Traceback (most recent call last):")
    for element in error["stackTrace"]:
        if element == "":
            lines.append("")
        for line in element.splitlines():
            stripped = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    # AWS sends the record as one frame; the emulator reads lines, so no '\n' may stay inside.
    sys.stdout.write("\r".join(lines).replace("\n", "\r") + "\n")


# --- after-import hooks: logging and botocore ---------------------------------------------------


class _ThenCall:
    """A loader that runs the real one, then `callback(module)`."""

    def __init__(self, loader, callback):
        self._loader, self._callback = loader, callback

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        try:
            self._callback(module)
        except Exception as e:
            sys.stderr.write("%scould not set up %s: %r\n" % (_SAY, module.__name__, e))


class _AfterImport:
    """The first sys.meta_path finder: runs a callback right after a watched module has been
    imported for the first time, so the runtime configures `logging` and patches `botocore`
    without importing them itself (botocore alone costs ~100 ms). Every other import pays one
    dict look-up."""

    def __init__(self, callbacks):
        self._callbacks = callbacks  # module name -> callback(module); each runs at most once

    def find_spec(self, name, path=None, target=None):
        callback = self._callbacks.pop(name, None)
        if callback is None:
            return None
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if finder is self or find_spec is None:
                continue
            spec = find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _ThenCall(spec.loader, callback)
                return spec
        return None


def _configure_logging(logging):
    """Configures the root logger as AWS's runtime does (bootstrap.py, _setup_logging): one
    handler writing "[LEVEL]\\t<UTC time>Z\\t<request id>\\t<message>" to stdout; the level from
    AWS_LAMBDA_LOG_LEVEL (TRACE is DEBUG), else Python's default, WARNING. A record that spans
    lines stays one log record: its inner newlines are written as '\\r', as AWS's runtime writes
    error records (on AWS every record is one frame of the telemetry log)."""
    logging.Formatter.converter = time.gmtime

    class LambdaLoggerHandler(logging.Handler):
        def emit(self, record):
            record.aws_request_id = _request_id
            try:
                text = self.format(record)
                if text.endswith("\n"):
                    text = text[:-1]
                sys.stdout.write(text.replace("\n", "\r") + "\n")
            except Exception:
                self.handleError(record)

    handler = LambdaLoggerHandler()
    handler.setFormatter(logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
        "%Y-%m-%dT%H:%M:%S",
    ))
    root = logging.getLogger()
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL") or ""
    level = "DEBUG" if level == "TRACE" else level.upper()
    if level in logging._nameToLevel:
        root.setLevel(level)
    root.addHandler(handler)


def _default_endpoint_url(session_module):
    """Makes botocore.session.Session.create_client default endpoint_url to AWS_ENDPOINT_URL,
    which botocore reads itself only from 1.31 on (Debian 12 ships 1.29): the caller's own
    endpoint_url wins, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns it off, as in 1.31."""
    import botocore

    try:
        if tuple(int(p) for p in botocore.__version__.split(".")[:2]) >= (1, 31):
            return
    except ValueError:
        return
    create_client = session_module.Session.create_client

    def create_client_with_endpoint(self, *args, **kwargs):
        url = os.environ.get("AWS_ENDPOINT_URL")
        if url and os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() != "true":
            if len(args) > 5:  # (service_name, region_name, api_version, use_ssl, verify, endpoint_url, ...)
                if args[5] is None:
                    args = args[:5] + (url,) + args[6:]
            elif kwargs.get("endpoint_url") is None:
                kwargs["endpoint_url"] = url
        return create_client(self, *args, **kwargs)

    create_client_with_endpoint.__name__ = create_client.__name__
    create_client_with_endpoint.__qualname__ = create_client.__qualname__
    create_client_with_endpoint.__doc__ = create_client.__doc__
    create_client_with_endpoint.__wrapped__ = create_client
    session_module.Session.create_client = create_client_with_endpoint


# --- the loop -----------------------------------------------------------------------------------


def _invoke(handler, request_id, headers, body):
    """Runs one invocation; returns (path suffix, body bytes, extra header lines) to post."""
    try:
        context = LambdaContext(request_id, headers)
        content_type = headers.get("content-type")
        if content_type is None or content_type == "application/json":
            try:
                event = json.loads(body)
            except Exception as e:
                raise _Fault(_UNMARSHAL_ERROR, "Unable to unmarshal input: %s" % e)
        else:
            event = body
        result = handler(event, context)
        if isinstance(result, bytes):
            return "/response", result, "Content-Type: application/unknown\r\n"
        try:
            payload = _encoder.encode(result)
        except Exception as e:
            raise _Fault(_MARSHAL_ERROR, "Unable to marshal response: %s" % e)
        return "/response", payload.encode("utf-8"), "Content-Type: application/json\r\n"
    except _Fault as fault:
        error = _make_error(fault.message, fault.error_type, fault.trace)
    except Exception as e:
        error = _error_from_exception(e)
    error["requestId"] = request_id
    _log_error(error)
    return ("/error", _encoder.encode(error).encode("utf-8"),
            "Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: %s\r\n"
            % error["errorType"])


def _posted(api, path, body, headers):
    """POSTs to the API. A 4xx refusal (413: the response is too large) fails only this
    invocation, which the API settles itself; anything else but a 2xx ends the process."""
    status, _, answer = api.request("POST", path, body, headers)
    if status < 300:
        return
    sys.stderr.write("%sPOST %s answered %d: %s\n" % (_SAY, path, status, answer[:200]))
    if not 400 <= status < 500:
        raise SystemExit(1)


def serve(api, handler):
    """The invocation loop; returns only by raising (SystemExit, or OSError from the API)."""
    global _request_id
    environ = os.environ
    while True:
        status, headers, body = api.request("GET", _API + "/invocation/next")
        request_id = headers.get("lambda-runtime-aws-request-id")
        if status != 200 or not request_id:
            sys.stderr.write("%sGET invocation/next answered %d without a request id: %s\n"
                             % (_SAY, status, body[:200]))
            raise SystemExit(1)
        _request_id = request_id
        trace_id = headers.get("lambda-runtime-trace-id")
        if trace_id:
            environ["_X_AMZN_TRACE_ID"] = trace_id
        elif "_X_AMZN_TRACE_ID" in environ:
            del environ["_X_AMZN_TRACE_ID"]
        suffix, answer, answer_headers = _invoke(handler, request_id, headers, body)
        _posted(api, _API + "/invocation/" + request_id + suffix, answer, answer_headers)


def _fail_init(api, error, hint=None):
    import logging  # configured by the hook on its import

    logging.warning(_UNHANDLED_EXCEPTION_WARNING)
    _log_error(error)
    if hint:
        sys.stderr.write(hint + "\n")
    try:
        _posted(api, _API + "/init/error", _encoder.encode(error).encode("utf-8"),
                "Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: %s\r\n"
                % error["errorType"])
    except OSError as e:
        sys.stderr.write("%scould not report the INIT error: %s\n" % (_SAY, e))
    return 1


def _put_task_root_first(task_root):
    # Python put this file's folder first; the task root takes its place, as /var/task on AWS.
    here = os.path.dirname(os.path.realpath(__file__))
    if sys.path and os.path.realpath(sys.path[0] or ".") == here:
        sys.path[0] = task_root
    else:
        sys.path.insert(0, task_root)


def _stop(signum, frame):
    raise SystemExit(0)


def _flush_each_line():
    # Each line must reach the emulator before the answer it belongs to: `python3 -u` (or
    # PYTHONUNBUFFERED) writes through; started otherwise, flush at least at every newline.
    for stream in (sys.stdout, sys.stderr):
        if not getattr(stream, "write_through", True) and not stream.line_buffering:
            stream.reconfigure(line_buffering=True)


def main():
    """Runs INIT and then the invocation loop; returns the exit status."""
    signal.signal(signal.SIGTERM, _stop)
    _flush_each_line()
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        sys.stderr.write(_SAY + "AWS_LAMBDA_RUNTIME_API is not set: nothing to serve\n")
        return 1
    try:
        api = RuntimeApi(address)
    except ValueError:
        sys.stderr.write("%sAWS_LAMBDA_RUNTIME_API is not host:port: %s\n" % (_SAY, address))
        return 1
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    _put_task_root_first(task_root)

    hooks = {"logging": _configure_logging}
    if os.environ.get("AWS_ENDPOINT_URL"):
        hooks["botocore.session"] = _default_endpoint_url
    for name in list(hooks):  # imported before us (sitecustomize): set up now
        if name in sys.modules:
            hooks.pop(name)(sys.modules[name])
    sys.meta_path.insert(0, _AfterImport(hooks))

    handler_name = os.environ.get("_HANDLER", "")
    try:
        handler = load_handler(handler_name)
    except _Fault as fault:
        hint = None
        cause = fault.__context__
        if isinstance(cause, ModuleNotFoundError):
            hint = _missing_module_hint(cause, handler_name.rsplit(".", 1)[0], task_root)
        return _fail_init(api, _make_error(fault.message, fault.error_type, fault.trace), hint)
    except Exception as e:
        return _fail_init(api, _error_from_exception(e))

    try:
        serve(api, handler)
    except OSError as e:
        sys.stderr.write("%sthe Runtime API at %s is gone: %s\n" % (_SAY, address, e))
        return 1

