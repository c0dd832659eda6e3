"""The runner of the `python` runtime of Function Runtimes (Jenkins plugin).

The plugin mounts this file into the function's pod at /function/runner.py and starts it with
`python3 -u /function/runner.py`. It uses the standard library only and needs Python 3.10+.

What it does, in order:

1. For a git source (FUNCTION_GIT_URL), clones FUNCTION_GIT_URL at FUNCTION_GIT_REF into
   FUNCTION_CODE_DIR. This needs `git` in the image: the official `python:3.x` images have it,
   the `-slim` ones do not.
2. Installs FUNCTION_REQUIREMENTS (pip requirements, one per line) with
   `pip install --no-cache-dir --target FUNCTION_DEPS_DIR`.
3. Puts the code directory (FUNCTION_CODE_DIR, or its FUNCTION_GIT_PATH subfolder) first on
   sys.path, the installed requirements after it, and makes the code directory the current one.
4. Imports the module of FUNCTION_HANDLER (`module:function`), calls FUNCTION_INIT (a function
   of the same module) if set, then calls the handler once.
5. Writes the handler's return value as JSON to the termination message, which becomes the run's
   outputs.

The handler convention: the handler takes the run's parameters as one dict (the JSON object in
FUNCTION_PARAMETERS, {} when none):

    def handler(parameters):
        return {"greeting": "Hello, " + parameters.get("name", "world")}

If it has a parameter named `context`, it also gets a dict with the run's identity:
{"run_id": ..., "function": ..., "version": ...}. The init function takes no argument, or only
`context`. A handler may be a coroutine function (`async def`): it is run to completion.

The return value becomes the outputs: a dict as it is, None as {}, anything else as
{"result": value}. A value JSON cannot represent is written as {"result": repr(value)}; JSON over
4096 bytes (the most a termination message keeps) as {"truncated": true, "size": n}; a warning is
printed for both.

Exit codes: 0 the handler returned; 1 the handler (or the import of its module, or the init
function) raised: the traceback is printed to stderr and {"error": "<Type>: <message>"} is the
termination message; 2 the function could not be set up: no such module or handler, a handler
that does not take the parameters, bad parameters, a failed clone or pip install ({"error": ...}
too).

Artifacts (when the run has a store: FUNCTION_ARTIFACTS_URI and the AWS_* variables are set):
before the handler, every input of FUNCTION_INPUTS ({name: {uri, path?}}) is downloaded, to its
path under FUNCTION_INPUTS_DIR (/function-work/inputs) or to <that folder>/<name>/<file name>; a
handler with a parameter named `inputs` gets {name: local path}, and the context has "inputs" and
"artifacts_dir". After the handler returned, the runner uploads under FUNCTION_ARTIFACTS_PREFIX:
the declared artifacts (FUNCTION_ARTIFACTS, [{name, path, mediaType?}], paths relative to
FUNCTION_ARTIFACTS_DIR, /function-work/artifacts), every other file in that folder (named after
its path without extension), and each value of the returned dict that is a pathlib.Path (named
by its key; the outputs get its s3:// URI instead). Each object carries x-amz-meta-artifact-name
and x-amz-meta-sha256. A failed download exits 2, a missing declared artifact or a failed upload
exits 1; the termination message says which object and why. When the handler raises, the files
it wrote in the artifacts folder are uploaded all the same (the run still fails with its error).

Serving (FUNCTION_ACTION=serve): instead of calling the handler once, the runner listens on
FUNCTION_PORT (default 8080) with a ThreadingHTTPServer, before it sets the function up, and:

- GET /healthz answers 200 {"status": "ok"} once the code is loaded and the init function has run,
  503 {"status": "starting"} before and 503 {"status": "stopping"} after SIGTERM: it is the pod's
  readiness probe. Any other GET is a 405.
- Each POST (any path) calls the handler, in its own thread, with one argument, the request body:
  decoded JSON for a JSON Content-Type (application/json, */*+json; None for an empty body), str
  for text/* and application/x-www-form-urlencoded (decoded by its charset, UTF-8 by default),
  bytes for anything else or no Content-Type. A body that does not decode is a 400, a body over
  FUNCTION_MAX_BODY_BYTES (10 MiB) a 413, a request before the function is ready a 503. A handler
  with a `context` parameter gets {"run_id", "function", "version", "parameters" (the run's, from
  FUNCTION_PARAMETERS), "request": {"id", "method", "path", "query" (name: first value),
  "headers" (lower-case names)}}; the init function gets the same without "request".
- The return value is the response: None a 204; a dict, list, number or bool JSON (200,
  application/json); str text (text/plain; charset=utf-8); bytes as they are
  (application/octet-stream). (body, status) or (body, status, headers) set the status and
  headers. A value JSON cannot hold is a 500.
- An exception with a `status_code` (or `status`) attribute of 400 to 599 answers that status with
  {"error": str(exception)}. Any other exception answers 500 {"error": "... see its log for
  request <id>", "request": "<id>"}, without its message; its traceback goes to the log with the id.
- SIGTERM: /healthz turns 503 at once, requests are still served for FUNCTION_DRAIN_SECONDS (3)
  so the Service stops routing to the pod, then the server stops accepting, waits for the requests
  in flight, and the runner exits 0. SIGTERM before the function is ready exits 0 at once.
- Exit codes as for a job: 1 the import of the code or the init function raised, 2 the function
  could not be set up (or the port cannot be bound); the termination message says why.

In an image built by the plugin's `build` action (buildImage), the requirements are already
installed and a git source already copied: the image says so with FUNCTION_IMAGE_REQUIREMENTS,
FUNCTION_IMAGE_GIT and FUNCTION_IMAGE_CODE_DIR, and the runner skips steps 1 and 2 when the run's
requirements and git source are the image's.

Environment: FUNCTION_HANDLER (required), FUNCTION_INIT, FUNCTION_PARAMETERS,
FUNCTION_CODE_DIR (default /function/code), FUNCTION_DEPS_DIR (default /function-work/deps),
FUNCTION_REQUIREMENTS, FUNCTION_GIT_URL, FUNCTION_GIT_REF, FUNCTION_GIT_PATH, FUNCTION_NAME,
FUNCTION_VERSION, FUNCTION_RUN_ID, FUNCTION_PYTHON_VERSION (a warning when the image's Python
differs), FUNCTION_TERMINATION_LOG (default /dev/termination-log); for serving FUNCTION_ACTION,
FUNCTION_PORT, FUNCTION_MAX_BODY_BYTES, FUNCTION_DRAIN_SECONDS.
"""

import asyncio
import importlib
import inspect
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_SETUP = 2

# The kubelet keeps at most 4096 bytes of a termination message.
MAX_MESSAGE_BYTES = 4096


class SetupError(Exception):
    """The function cannot be set up: exit 2 with this message, without a traceback."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def say(message):
    """The runner's own lines, on stderr so they stand apart from the function's output."""
    print("[runner] " + message, file=sys.stderr, flush=True)


def main(environ=None):
    environ = os.environ if environ is None else environ
    if environ.get("FUNCTION_ACTION") == "serve":
        return serve(environ)
    termination_log = environ.get("FUNCTION_TERMINATION_LOG", "/dev/termination-log")
    try:
        handler, init, parameters, context = set_up(environ)
    except SetupError as e:
        say("error: " + str(e))
        write_message(termination_log, error_object(e.kind, str(e)))
        return EXIT_SETUP
    except Exception as e:  # importing the module ran its code, which raised
        return failed(termination_log, e)

    store = None
    try:
        store = Store.from_environ(environ)
        if store is not None:
            context["inputs"] = download_inputs(store, environ)
            context["artifacts_dir"] = artifacts_dir(environ)
    except StoreError as e:
        say("error: " + str(e))
        write_message(termination_log, error_object(e.kind, str(e)))
        return EXIT_SETUP

    try:
        if init is not None:
            call(init, None, context)
        result = call(handler, parameters, context)
    except Exception as e:
        if store is not None:
            keep_written_artifacts(store, environ)
        return failed(termination_log, e)

    if store is not None:
        try:
            result = upload_artifacts(store, environ, result)
        except StoreError as e:
            say("error: " + str(e))
            write_message(termination_log, error_object(e.kind, str(e)))
            return EXIT_FAILED
    text = outputs_json(result)
    write_message(termination_log, text)
    return EXIT_OK


def set_up(environ):
    reference = environ.get("FUNCTION_HANDLER", "").strip()
    module_name, _, function_name = reference.partition(":")
    if not module_name or not function_name:
        raise SetupError("ValueError", "FUNCTION_HANDLER must be module:function, such as main:handler;"
                         " got '%s'" % reference)

    parameters = read_parameters(environ.get("FUNCTION_PARAMETERS", ""))
    context = {
        "run_id": environ.get("FUNCTION_RUN_ID", ""),
        "function": environ.get("FUNCTION_NAME", ""),
        "version": environ.get("FUNCTION_VERSION", ""),
    }
    check_python_version(environ.get("FUNCTION_PYTHON_VERSION", ""))

    code_dir = environ.get("FUNCTION_CODE_DIR", "/function/code")
    built = built_image(environ)
    if environ.get("FUNCTION_GIT_URL"):
        if built.get("git") == "%s#%s" % (environ["FUNCTION_GIT_URL"], environ.get("FUNCTION_GIT_REF", "")):
            code_dir = built["code_dir"]
            say("the code of %s is in the image (built by buildImage): not cloning" % built["git"])
        else:
            clone(environ["FUNCTION_GIT_URL"], environ.get("FUNCTION_GIT_REF", ""), code_dir, environ)
        if environ.get("FUNCTION_GIT_PATH"):
            code_dir = os.path.join(code_dir, environ["FUNCTION_GIT_PATH"])
            if not os.path.isdir(code_dir):
                raise SetupError("FileNotFoundError", "the repository has no folder '%s' (source.git.path)"
                                 % environ["FUNCTION_GIT_PATH"])
    if not os.path.isdir(code_dir):
        raise SetupError("FileNotFoundError", "the code directory %s does not exist" % code_dir)

    deps_dir = environ.get("FUNCTION_DEPS_DIR", "/function-work/deps")
    requirements = [r.strip() for r in environ.get("FUNCTION_REQUIREMENTS", "").splitlines() if r.strip()]
    if requirements and requirements == built.get("requirements"):
        say("the requirements are installed in the image (built by buildImage): not installing")
    elif requirements:
        install(requirements, deps_dir, environ)

    # The code first, then what pip installed, then the image's own packages; never the runner's
    # own folder, which Python put first.
    if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    sys.path.insert(0, code_dir)
    if os.path.isdir(deps_dir):
        sys.path.insert(1, deps_dir)
    os.chdir(code_dir)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="%(levelname)s %(name)s: %(message)s")

    module = import_module(module_name, code_dir)
    handler = function_of(module, module_name, function_name, "handler")
    check_signature(handler, reference, with_parameters=True)
    init = None
    init_name = environ.get("FUNCTION_INIT", "").strip()
    if init_name:
        init = function_of(module, module_name, init_name, "init function")
        check_signature(init, module_name + ":" + init_name, with_parameters=False)
    return handler, init, parameters, context


def built_image(environ):
    """What an image built by the plugin's `build` action holds, from the variables it sets:
    FUNCTION_IMAGE_REQUIREMENTS (a file with the requirements installed in the image, one per
    line), FUNCTION_IMAGE_GIT (`url#ref` of the git source copied into the image) and
    FUNCTION_IMAGE_CODE_DIR (where that code is). Empty for any other image."""
    built = {}
    listed = environ.get("FUNCTION_IMAGE_REQUIREMENTS", "")
    if listed and os.path.isfile(listed):
        with open(listed, encoding="utf-8") as f:
            built["requirements"] = [line.strip() for line in f if line.strip()]
    if environ.get("FUNCTION_IMAGE_GIT") and environ.get("FUNCTION_IMAGE_CODE_DIR"):
        if os.path.isdir(environ["FUNCTION_IMAGE_CODE_DIR"]):
            built["git"] = environ["FUNCTION_IMAGE_GIT"]
            built["code_dir"] = environ["FUNCTION_IMAGE_CODE_DIR"]
    return built


def read_parameters(text):
    if not text.strip():
        return {}
    try:
        parameters = json.loads(text)
    except ValueError as e:
        raise SetupError("ValueError", "FUNCTION_PARAMETERS is not JSON: %s" % e)
    if not isinstance(parameters, dict):
        raise SetupError("ValueError", "FUNCTION_PARAMETERS must be a JSON object, not %s"
                         % type(parameters).__name__)
    return parameters


def check_python_version(wanted):
    running = "%d.%d" % sys.version_info[:2]
    if wanted and wanted != running:
        say("warning: the function asks for Python %s but this image runs Python %s" % (wanted, running))


def clone(url, ref, target, environ):
    git = shutil.which("git")
    if git is None:
        raise SetupError("FileNotFoundError", "git is not installed in this image, and a source.git function"
                         " is cloned when it starts: use an image with git, such as python:3.12 (the -slim"
                         " images have none), or give the code inline")
    if not ref:
        raise SetupError("ValueError", "FUNCTION_GIT_REF is empty: a branch, tag or commit is required")
    env = dict(environ)
    env["GIT_TERMINAL_PROMPT"] = "0"  # a private repository fails instead of waiting for a password
    say("cloning %s at %s" % (url, ref))

    def git_run(*args):
        return subprocess.run([git, *args], env=env, stdout=sys.stderr, stderr=sys.stderr).returncode

    os.makedirs(target, exist_ok=True)
    if git_run("init", "-q", target) != 0 or git_run("-C", target, "remote", "add", "origin", url) != 0:
        raise SetupError("RuntimeError", "git could not prepare %s" % target)
    # A branch, a tag or a full commit hash: one shallow fetch. Anything else (a short hash): all.
    if git_run("-C", target, "fetch", "-q", "--depth", "1", "origin", ref) == 0:
        checkout = "FETCH_HEAD"
    elif git_run("-C", target, "fetch", "-q", "--tags", "origin") == 0:
        checkout = ref
    else:
        raise SetupError("RuntimeError", "git could not fetch %s from %s (see the lines above); only public"
                         " repositories can be cloned" % (ref, url))
    if git_run("-C", target, "-c", "advice.detachedHead=false", "checkout", "-q", checkout) != 0:
        raise SetupError("RuntimeError", "git could not check out %s of %s" % (ref, url))


def install(requirements, target, environ):
    say("installing %s into %s" % (", ".join(requirements), target))
    env = dict(environ)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    command = [sys.executable, "-m", "pip", "install", "--no-cache-dir", "--target", target,
               "--progress-bar", "off", *requirements]
    code = subprocess.run(command, env=env, stdout=sys.stderr, stderr=sys.stderr).returncode
    if code != 0:
        raise SetupError("RuntimeError", "pip could not install the requirements (exit code %d, see the lines"
                         " above)" % code)


def import_module(module_name, code_dir):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        # Only a missing handler module (or package of it) is a setup error; a module that the
        # function's code imports and that is missing is the code's error, with its traceback.
        if e.name is not None and (module_name == e.name or module_name.startswith(e.name + ".")):
            raise SetupError("ModuleNotFoundError", "no module named '%s' in %s (files there: %s)"
                             % (module_name, code_dir, listing(code_dir)))
        raise


def listing(directory, limit=20):
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            found.append(os.path.relpath(os.path.join(root, name), directory))
            if len(found) > limit:
                return ", ".join(found[:limit]) + ", ..."
    return ", ".join(found) if found else "none"


def function_of(module, module_name, name, what):
    function = getattr(module, name, None)
    if function is None:
        defined = sorted(n for n, v in vars(module).items()
                         if callable(v) and not n.startswith("_") and getattr(v, "__module__", None) == module.__name__)
        raise SetupError("AttributeError", "module '%s' has no %s '%s' (its functions: %s)"
                         % (module_name, what, name, ", ".join(defined) or "none"))
    if not callable(function):
        raise SetupError("TypeError", "'%s' of module '%s' is not a function (it is a %s)"
                         % (name, module_name, type(function).__name__))
    return function


def wants_context(function):
    return wants_parameter(function, "context")


def wants_parameter(function, name):
    try:
        parameter = inspect.signature(function).parameters.get(name)
    except (TypeError, ValueError):
        return False
    return parameter is not None and parameter.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                                        inspect.Parameter.KEYWORD_ONLY)


def check_signature(function, reference, with_parameters):
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return  # a builtin without a signature: let the call decide
    args = ({},) if with_parameters else ()
    kwargs = {"context": {}} if wants_context(function) else {}
    if with_parameters and wants_parameter(function, "inputs"):
        kwargs["inputs"] = {}
    try:
        signature.bind(*args, **kwargs)
    except TypeError as e:
        if with_parameters:
            expected = "one parameter, the run's parameters as a dict (and optionally one named context)"
        else:
            expected = "no parameter, or only one named context"
        raise SetupError("TypeError", "%s%s must take %s: %s" % (reference, signature, expected, e))


def call(function, parameters, context):
    kwargs = {"context": context} if wants_context(function) else {}
    if parameters is not None and "inputs" in context and wants_parameter(function, "inputs"):
        kwargs["inputs"] = context["inputs"]
    result = function(parameters, **kwargs) if parameters is not None else function(**kwargs)
    if inspect.isawaitable(result):
        result = asyncio.run(_await(result))
    return result


async def _await(awaitable):
    return await awaitable


def failed(termination_log, error):
    traceback.print_exception(type(error), error, user_frames(error.__traceback__), file=sys.stderr)
    sys.stderr.flush()
    write_message(termination_log, error_object(type(error).__name__, str(error)))
    return EXIT_FAILED


def user_frames(tb):
    """The traceback from the first frame that is neither the runner's nor the import machinery's."""
    while tb is not None and (tb.tb_frame.f_code.co_filename == __file__
                              or tb.tb_frame.f_code.co_filename.startswith("<frozen importlib")
                              or tb.tb_frame.f_globals.get("__name__", "").startswith("importlib")):
        tb = tb.tb_next
    return tb


def error_object(kind, message):
    """{"error": "<kind>: <message>"}, the message shortened (ending in ...) to fit a termination message."""
    text = "%s: %s" % (kind, message) if message else kind
    keep = len(text)
    while True:
        shown = text if keep >= len(text) else text[:keep] + "..."
        encoded = json.dumps({"error": shown}, ensure_ascii=False)
        if len(encoded.encode("utf-8")) <= MAX_MESSAGE_BYTES:
            return encoded
        keep = keep * 3 // 4


def outputs_json(value):
    """The termination message for a return value (see the module comment)."""
    if value is None:
        outputs = {}
    elif isinstance(value, dict):
        outputs = value
    else:
        outputs = {"result": value}
    try:
        text = json.dumps(outputs, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        say("warning: the handler's return value is not JSON (%s); the outputs are its repr() under 'result'" % e)
        text = json.dumps({"result": repr(value)}, ensure_ascii=False)
    size = len(text.encode("utf-8"))
    if size > MAX_MESSAGE_BYTES:
        say("warning: the handler's return value is %d bytes of JSON, more than the %d bytes a termination"
            " message keeps; the outputs say only that it was truncated. Write large results to storage and"
            " return where they are" % (size, MAX_MESSAGE_BYTES))
        text = json.dumps({"truncated": True, "size": size})
    return text


def write_message(path, text):
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as e:
        say("warning: cannot write the outputs to %s: %s" % (path, e))


# ---- artifacts: the S3-compatible store --------------------------------------------------------

# Inputs are downloaded here (FUNCTION_INPUTS_DIR overrides it); artifacts are collected from there
# (FUNCTION_ARTIFACTS_DIR).
DEFAULT_INPUTS_DIR = "/function-work/inputs"
DEFAULT_ARTIFACTS_DIR = "/function-work/artifacts"
# Bytes read and sent at a time: a file is streamed, never held in memory whole.
CHUNK = 1024 * 1024
STORE_TIMEOUT_SECONDS = 60


class StoreError(Exception):
    """The store refused or could not be reached: the message says which object and why."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


class Store:
    """A minimal S3 client over http.client with Signature Version 4, signed by hand: the runner
    needs only the standard library (the python images have no boto3). It puts and gets whole
    objects, streaming them, which is all a run's artifacts and inputs need."""

    def __init__(self, endpoint, region, access_key, secret_key, bucket, prefix, path_style):
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError("ValueError", "AWS_ENDPOINT_URL must be an http:// or https:// URL, got '%s'" % endpoint)
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port
        self.base_path = parts.path.rstrip("/")
        self.region = region or "us-east-1"
        self.access_key = access_key
        self.secret_key = secret_key
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.path_style = path_style

    @staticmethod
    def from_environ(environ):
        """The store of the run's environment, or None when the run has none (no FUNCTION_ARTIFACTS_URI)."""
        if not environ.get("FUNCTION_ARTIFACTS_URI"):
            return None
        missing = [n for n in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                               "FUNCTION_ARTIFACTS_BUCKET", "FUNCTION_ARTIFACTS_PREFIX") if not environ.get(n)]
        if missing:
            raise StoreError("ValueError", "the artifact store is not fully set: %s missing" % ", ".join(missing))
        return Store(environ["AWS_ENDPOINT_URL"], environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION"),
                     environ["AWS_ACCESS_KEY_ID"], environ["AWS_SECRET_ACCESS_KEY"],
                     environ["FUNCTION_ARTIFACTS_BUCKET"], environ["FUNCTION_ARTIFACTS_PREFIX"],
                     environ.get("FUNCTION_ARTIFACTS_PATH_STYLE", "true").lower() != "false")

    def uri(self, key):
        return "s3://%s/%s" % (self.bucket, key)

    def put_file(self, key, path, content_type, metadata):
        """Uploads the file as `key` of the run's bucket; returns (size, sha256 hex)."""
        size, digest = file_sha256(path)
        headers = {"Content-Type": content_type, "Content-Length": str(size)}
        metadata = dict(metadata, sha256=digest)  # the checksum the run's record shows
        for name, value in metadata.items():
            headers["x-amz-meta-" + name] = value
        with open(path, "rb") as body:
            self.request("PUT", self.bucket, key, headers, body, digest, "upload %s to %s" % (path, self.uri(key)))
        return size, digest

    def get_file(self, bucket, key, path):
        """Downloads s3://bucket/key to path (through a temporary file: a failed download leaves nothing)."""
        what = "download %s" % ("s3://%s/%s" % (bucket, key))
        directory = os.path.dirname(path) or "."
        os.makedirs(directory, exist_ok=True)
        partial = path + ".part"
        try:
            with open(partial, "wb") as out:
                self.request("GET", bucket, key, {}, None, EMPTY_SHA256, what, out)
            os.replace(partial, path)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
        return os.path.getsize(path)

    def request(self, method, bucket, key, headers, body, payload_sha256, what, sink=None):
        import http.client
        from urllib.parse import quote
        if self.path_style:
            host = self.host
            path = "%s/%s/%s" % (self.base_path, bucket, quote(key, safe="/-_.~"))
        else:
            host = "%s.%s" % (bucket, self.host)
            path = "%s/%s" % (self.base_path, quote(key, safe="/-_.~"))
        host_header = host if self.port is None else "%s:%d" % (host, self.port)
        headers = dict(headers)
        headers.update(self.signed_headers(method, host_header, path, headers, payload_sha256))
        connection_class = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(host, self.port, timeout=STORE_TIMEOUT_SECONDS)
        try:
            try:
                connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
                connection.putheader("Host", host_header)
                for name, value in headers.items():
                    connection.putheader(name, value)
                connection.endheaders()
                if body is not None:
                    while True:
                        chunk = body.read(CHUNK)
                        if not chunk:
                            break
                        connection.send(chunk)
                response = connection.getresponse()
            except OSError as e:
                raise StoreError("ConnectionError", "cannot %s: the store at %s://%s is not reachable: %s"
                                 % (what, self.scheme, host_header, e))
            if response.status >= 300:
                raise StoreError(*store_refusal(response, what))
            while True:
                chunk = response.read(CHUNK)
                if not chunk:
                    break
                if sink is not None:
                    sink.write(chunk)
        finally:
            connection.close()

    def signed_headers(self, method, host, path, headers, payload_sha256):
        """The x-amz-date, x-amz-content-sha256 and Authorization headers of Signature Version 4."""
        import hashlib
        import hmac
        now = time.gmtime()
        amz_date = time.strftime("%Y%m%dT%H%M%SZ", now)
        day = amz_date[:8]
        signed = {"host": host, "x-amz-content-sha256": payload_sha256, "x-amz-date": amz_date}
        for name, value in headers.items():
            lower = name.lower()
            if lower.startswith("x-amz-") or lower in ("content-type", "content-md5"):
                signed[lower] = str(value).strip()
        names = sorted(signed)
        canonical = "\n".join([method, path, "",
                               "".join("%s:%s\n" % (n, signed[n]) for n in names),
                               ";".join(names), payload_sha256])
        scope = "%s/%s/s3/aws4_request" % (day, self.region)
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                             hashlib.sha256(canonical.encode("utf-8")).hexdigest()])

        def sign(key, message):
            return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()

        key = sign(("AWS4" + self.secret_key).encode("utf-8"), day)
        for part in (self.region, "s3", "aws4_request"):
            key = sign(key, part)
        signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        return {"x-amz-date": amz_date, "x-amz-content-sha256": payload_sha256,
                "Authorization": "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
                                 % (self.access_key, scope, ";".join(names), signature)}


EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def store_refusal(response, what):
    """(kind, message) for an error answer: the S3 error code and message, never the request's headers."""
    import re
    body = response.read(8192).decode("utf-8", "replace")
    code = re.search(r"<Code>([^<]*)</Code>", body)
    message = re.search(r"<Message>([^<]*)</Message>", body)
    code = code.group(1) if code else "HTTP %d" % response.status
    text = message.group(1) if message else response.reason
    if response.status == 404 or code in ("NoSuchKey", "NoSuchBucket"):
        hint = "no such object (was it produced by a run whose build still exists?)"
    elif response.status == 403:
        hint = "the store refused the access key (a wrong or revoked key, or no permission on the bucket)"
    else:
        hint = "the store answered %d" % response.status
    return "StoreError", "cannot %s: %s: %s (%s)" % (what, hint, code, text)


def file_sha256(path):
    import hashlib
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()


def inputs_dir(environ):
    return environ.get("FUNCTION_INPUTS_DIR") or DEFAULT_INPUTS_DIR


def artifacts_dir(environ):
    directory = environ.get("FUNCTION_ARTIFACTS_DIR") or DEFAULT_ARTIFACTS_DIR
    os.makedirs(directory, exist_ok=True)
    return directory


def download_inputs(store, environ):
    """Downloads every input of FUNCTION_INPUTS ({name: {uri, path?}}) and returns {name: local path}:
    to its declared path (relative to the inputs folder), else to <inputs folder>/<name>/<file name>."""
    try:
        inputs = json.loads(environ.get("FUNCTION_INPUTS") or "{}")
    except ValueError as e:
        raise StoreError("ValueError", "FUNCTION_INPUTS is not JSON: %s" % e)
    local = {}
    for name, spec in inputs.items():
        uri = spec.get("uri", "") if isinstance(spec, dict) else str(spec)
        if not uri.startswith("s3://") or "/" not in uri[5:]:
            raise StoreError("ValueError", "input '%s' must be an s3://bucket/key URI, got '%s'" % (name, uri))
        bucket, key = uri[5:].split("/", 1)
        declared = spec.get("path") if isinstance(spec, dict) else None
        target = os.path.join(inputs_dir(environ), declared if declared else os.path.join(name, os.path.basename(key)))
        size = store.get_file(bucket, key, target)
        say("input %s: %s (%d bytes) at %s" % (name, uri, size, target))
        local[name] = target
    return local


def keep_written_artifacts(store, environ):
    """After the handler raised: what it had written in its artifacts folder (a log, a checkpoint, a
    partial report) is uploaded anyway, so the failed run lists it, as MLRun keeps what a failed run
    logged. A declared artifact it did not write is no error then, and a failed upload is only said:
    the run's error is the handler's."""
    try:
        upload_artifacts(store, environ, None, declared_required=False)
    except StoreError as e:
        say("the artifacts the handler wrote before it failed could not be kept: " + str(e))


def upload_artifacts(store, environ, result, declared_required=True):
    """Uploads the run's artifacts under its prefix and returns the outputs with each uploaded path
    replaced by its URI: the declared artifacts (FUNCTION_ARTIFACTS), the files under the artifacts
    folder, and the values of the handler's dict that are pathlib paths (named by their key).
    Without declared_required, a declared artifact that was not written is left out."""
    import mimetypes
    import pathlib
    import re
    folder = artifacts_dir(environ)
    try:
        declared = json.loads(environ.get("FUNCTION_ARTIFACTS") or "[]")
    except ValueError as e:
        raise StoreError("ValueError", "FUNCTION_ARTIFACTS is not JSON: %s" % e)
    chosen = {}  # local path -> (name, key, media type)

    def add(name, path, media_type=None):
        absolute = os.path.abspath(path if os.path.isabs(path) else os.path.join(folder, path))
        if absolute in chosen:
            return absolute
        inside = os.path.relpath(absolute, folder)
        key = inside if not inside.startswith("..") else os.path.basename(absolute)
        chosen[absolute] = (name, store.prefix + "/" + key.replace(os.sep, "/"), media_type)
        return absolute

    for artifact in declared:
        path = add(artifact["name"], artifact["path"], artifact.get("mediaType"))
        if not os.path.isfile(path) and not declared_required:
            del chosen[path]
        elif not os.path.isfile(path):
            raise StoreError("FileNotFoundError", "artifact '%s' is declared at %s, but the function wrote no file"
                             " there (its artifacts folder is %s)" % (artifact["name"], artifact["path"], folder))
    outputs = result
    if isinstance(result, dict):
        outputs = {}
        for name, value in result.items():
            if isinstance(value, pathlib.PurePath):
                path = str(value) if os.path.isabs(str(value)) or not os.path.isfile(os.path.join(folder, str(value))) \
                    else os.path.join(folder, str(value))
                if not os.path.isfile(path):
                    raise StoreError("FileNotFoundError", "the handler returned %s as artifact '%s', but there is no"
                                     " such file" % (value, name))
                absolute = add(re.sub(r"[^A-Za-z0-9_-]", "_", str(name)) or "artifact", path)
                outputs[name] = store.uri(chosen[absolute][1])
            else:
                outputs[name] = value
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for file in sorted(files):
            relative = os.path.relpath(os.path.join(root, file), folder)
            stem = os.path.splitext(relative)[0]
            add(re.sub(r"[^A-Za-z0-9_-]", "_", stem) or "artifact", relative)
    for path, (name, key, media_type) in chosen.items():
        content_type = media_type or mimetypes.guess_type(path)[0] or "application/octet-stream"
        size, digest = store.put_file(key, path, content_type, {"artifact-name": name})
        say("artifact %s: %s (%d bytes, sha256 %s)" % (name, store.uri(key), size, digest))
    return outputs


# ---- serve -------------------------------------------------------------------------------------

# The most a request body may hold, in bytes (FUNCTION_MAX_BODY_BYTES overrides it).
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
# After SIGTERM, how long /healthz answers 503 while requests are still served: the Service takes
# a moment to stop sending new requests to a pod that is going (FUNCTION_DRAIN_SECONDS overrides it).
DEFAULT_DRAIN_SECONDS = 3.0
# A connection that sends nothing for this long is closed, so a stalled client cannot hold up the
# shutdown, which waits for the requests in flight.
REQUEST_READ_TIMEOUT_SECONDS = 60


class Stopping(Exception):
    """SIGTERM arrived before the function was ready: stop setting it up and exit."""


class HttpError(Exception):
    """A request the runner answers itself (not ready, body too large, body not JSON)."""

    def __init__(self, status, message, close=False):
        super().__init__(message)
        self.status = status
        self.close = close


class Service:
    """What the request threads share: the handler once it is set up, and whether it is ready."""

    def __init__(self, environ):
        self.handler = None
        self.context = {}
        self.ready = threading.Event()
        self.stopping = threading.Event()
        self.max_body = int(environ.get("FUNCTION_MAX_BODY_BYTES") or DEFAULT_MAX_BODY_BYTES)

    def health(self):
        if self.stopping.is_set():
            return 503, "stopping"
        if not self.ready.is_set():
            return 503, "starting"
        return 200, "ok"

    def start(self, handler, context):
        self.handler = handler
        self.context = context
        self.ready.set()


def serve(environ):
    """The `serve` action: the handler behind HTTP until SIGTERM (see the module comment)."""
    termination_log = environ.get("FUNCTION_TERMINATION_LOG", "/dev/termination-log")
    try:
        port = int(environ.get("FUNCTION_PORT", "8080"))
        drain = float(environ.get("FUNCTION_DRAIN_SECONDS") or DEFAULT_DRAIN_SECONDS)
        service = Service(environ)
    except ValueError as e:
        say("error: FUNCTION_PORT, FUNCTION_DRAIN_SECONDS and FUNCTION_MAX_BODY_BYTES must be numbers: %s" % e)
        write_message(termination_log, error_object("ValueError", str(e)))
        return EXIT_SETUP
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
        if not service.ready.is_set():
            raise Stopping()

    # Before the port is open: from then on the kubelet may stop the pod.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    server = None
    serving = False
    try:
        try:
            server = ThreadingHTTPServer(("", port), request_handler(service))
        except OSError as e:
            say("error: cannot listen on port %d: %s" % (port, e))
            write_message(termination_log, error_object(type(e).__name__, "cannot listen on port %d: %s" % (port, e)))
            return EXIT_SETUP
        server.daemon_threads = False  # so that server_close() waits for the requests in flight
        threading.Thread(target=server.serve_forever, name="http-server", daemon=True).start()
        serving = True
        say("listening on port %d; GET /healthz answers 503 until the function is set up"
            % server.server_address[1])
        try:
            handler, init, parameters, context = set_up(environ)
        except SetupError as e:
            say("error: " + str(e))
            write_message(termination_log, error_object(e.kind, str(e)))
            return EXIT_SETUP
        except Stopping:
            raise
        except Exception as e:  # importing the module ran its code, which raised
            return failed(termination_log, e)
        context["parameters"] = parameters
        try:
            if init is not None:
                call(init, None, dict(context))
        except Stopping:
            raise
        except Exception as e:
            return failed(termination_log, e)
        service.start(handler, context)
        say("ready: %s answers POST requests on port %d" % (environ.get("FUNCTION_HANDLER", "").strip(),
                                                             server.server_address[1]))
        while not stop.wait(1):
            pass
        service.stopping.set()
        say("stopping: /healthz answers 503, requests are served for %gs more, then the server closes" % drain)
        time.sleep(drain)
        return EXIT_OK
    except Stopping:
        say("stopping before the function was ready")
        return EXIT_OK
    finally:
        service.stopping.set()
        if serving:
            server.shutdown()  # waits for serve_forever to return: only once it was started
        if server is not None:
            server.server_close()


def request_handler(service):
    """The request handler class of the server: POST calls the handler, GET /healthz is the probe."""

    class RequestHandler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, so no idle keep-alive connection delays a shutdown.
        server_version = "function-runtimes-python"
        sys_version = ""
        timeout = REQUEST_READ_TIMEOUT_SECONDS

        def do_GET(self):
            if urlsplit(self.path).path == "/healthz":
                status, text = service.health()
                self.reply(status, {"Content-Type": "application/json"}, json_bytes({"status": text}))
            else:
                self.reply(405, {"Content-Type": "application/json", "Allow": "POST"},
                           json_bytes({"error": "the function answers POST requests; GET answers only /healthz"}))

        def do_POST(self):
            request_id = os.urandom(4).hex()
            try:
                if not service.ready.is_set():
                    raise HttpError(503, "the function is not ready yet", close=True)
                argument = decode_body(self.read_body(), self.headers)
                context = dict(service.context)
                query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
                context["request"] = {
                    "id": request_id,
                    "method": self.command,
                    "path": urlsplit(self.path).path,
                    "query": {name: values[0] for name, values in query.items()},
                    "headers": {name.lower(): value for name, value in self.headers.items()},
                }
                result = invoke(service.handler, argument, context)
                try:
                    status, headers, payload = response_of(result)
                except (TypeError, ValueError) as e:
                    say("request %s: %s %s: the handler's return value cannot be sent (%s); answered 500"
                        % (request_id, self.command, self.path, e))
                    status, headers, payload = 500, {"Content-Type": "application/json"}, json_bytes(
                        {"error": "the function's answer could not be sent; see its log for request %s"
                                  % request_id, "request": request_id})
            except HttpError as e:
                status, headers, payload = e.status, {"Content-Type": "application/json"}, json_bytes({"error": str(e)})
                if e.close:
                    self.close_connection = True
            except Exception as e:
                status, headers, payload = failure_response(e, request_id, self.command, self.path)
            self.reply(status, headers, payload)

        def read_body(self):
            length = self.headers.get("Content-Length")
            if length is None:
                if self.headers.get("Transfer-Encoding"):
                    raise HttpError(411, "send the body with a Content-Length (chunked bodies are not read)",
                                    close=True)
                return b""
            try:
                size = int(length)
            except ValueError:
                raise HttpError(400, "Content-Length is not a number: %s" % length, close=True)
            if size < 0:
                raise HttpError(400, "Content-Length is negative: %s" % length, close=True)
            if size > service.max_body:
                raise HttpError(413, "the body is %d bytes, more than the %d this function accepts"
                                % (size, service.max_body), close=True)
            return self.rfile.read(size)

        def reply(self, status, headers, payload):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status not in (204, 304):
                self.send_header("Content-Length", str(len(payload)))
            # Said, not only implied by HTTP/1.0: a client that pools connections (Java's HttpClient)
            # may otherwise send its next request on this one as the server closes it.
            self.send_header("Connection", "close")
            self.end_headers()
            if status not in (204, 304):
                self.wfile.write(payload)

        def log_message(self, format, *args):
            pass  # the runner says what matters itself: failures, with their traceback

    return RequestHandler


def decode_body(raw, headers):
    """The handler's argument: JSON decoded, text as str, anything else as bytes (see the module comment)."""
    content_type = headers.get("Content-Type")
    if content_type is None:
        return raw
    media = content_type.split(";", 1)[0].strip().lower()
    charset = headers.get_content_charset() or "utf-8"
    if media == "application/json" or media.endswith("+json"):
        if not raw:
            return None
        try:
            return json.loads(raw.decode(charset))
        except (ValueError, LookupError) as e:
            raise HttpError(400, "the body is not JSON (Content-Type %s): %s" % (media, e))
    if media.startswith("text/") or media == "application/x-www-form-urlencoded":
        try:
            return raw.decode(charset)
        except (UnicodeDecodeError, LookupError) as e:
            raise HttpError(400, "the body is not %s text: %s" % (charset, e))
    return raw


def invoke(function, argument, context):
    """Calls the handler with one argument (the body) and, if it takes one, the context."""
    kwargs = {"context": context} if wants_context(function) else {}
    result = function(argument, **kwargs)
    if inspect.isawaitable(result):
        result = asyncio.run(_await(result))
    return result


def response_of(result):
    """(status, headers, payload) for what the handler returned (see the module comment)."""
    status, headers = None, {}
    if isinstance(result, tuple) and len(result) in (2, 3) and is_status(result[1]):
        if len(result) == 3:
            if not isinstance(result[2], dict):
                raise TypeError("the headers of a (body, status, headers) answer must be a dict, not %s"
                                % type(result[2]).__name__)
            headers = {str(k): str(v) for k, v in result[2].items()}
        result, status = result[0], result[1]
    if result is None:
        return (204 if status is None else status), headers, b""
    if isinstance(result, (bytes, bytearray, memoryview)):
        content_type, payload = "application/octet-stream", bytes(result)
    elif isinstance(result, str):
        content_type, payload = "text/plain; charset=utf-8", result.encode("utf-8")
    else:
        content_type, payload = "application/json", json_bytes(result)  # TypeError, ValueError: a 500
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = content_type
    return (200 if status is None else status), headers, payload


def is_status(value):
    return isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599


def error_status(error):
    """The status an exception asks for with a `status_code` or `status` attribute of 400 to 599, else None."""
    for name in ("status_code", "status"):
        value = getattr(error, name, None)
        if is_status(value) and value >= 400:
            return value
    return None


def failure_response(error, request_id, method, path):
    """A 4xx the handler asked for, with its message; else a 500 whose traceback goes to the log only."""
    status = error_status(error)
    if status is not None:
        message = str(error) or type(error).__name__
        say("request %s: %s %s answered %d: %s: %s" % (request_id, method, path, status, type(error).__name__,
                                                       message))
        return status, {"Content-Type": "application/json"}, json_bytes({"error": message})
    say("request %s: %s %s failed, answered 500:" % (request_id, method, path))
    traceback.print_exception(type(error), error, user_frames(error.__traceback__), file=sys.stderr)
    sys.stderr.flush()
    # Neither the message nor the traceback: they may hold what the caller must not see.
    return 500, {"Content-Type": "application/json"}, json_bytes(
        {"error": "the function failed; see its log for request %s" % request_id, "request": request_id})


def json_bytes(value):
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main())
