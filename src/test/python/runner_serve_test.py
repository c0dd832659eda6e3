"""Tests of the runner's server mode, the `serve` action of the python runtime.

Each test writes a function's code into a temporary folder and starts the runner as the pod
does, `python3 -u runner.py` with FUNCTION_ACTION=serve, on a free port (FUNCTION_PORT=0: the
runner says which one it took), then talks HTTP to it and sends it signals.

    cd src/test/python && python3 -m unittest -v runner_serve_test

RUNNER_PY overrides where the runner is. PythonRunnerTest runs this from `mvn verify`. Nothing
here measures time: waits have generous limits only so that a broken runner fails instead of
hanging.
"""

import http.client
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

from runner_test import RUNNER

WAIT = 60  # seconds: the most any step may take before the test gives up


class Response:

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "%d %s %r" % (self.status, dict(self.headers), self.body)


class Server:
    """One runner process in server mode, with its stderr read line by line."""

    def __init__(self, process):
        self.process = process
        self.lines = queue.Queue()
        self.stderr = []
        self.port = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stderr:
            self.stderr.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_for_line(self, pattern):
        """The first line from now on that matches, or a failure with everything the runner said."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            if line is None:
                raise AssertionError("the runner ended (exit %s) before saying %r:\n%s"
                                     % (self.process.wait(), pattern, "".join(self.stderr)))
            m = re.search(pattern, line)
            if m:
                return m
        raise AssertionError("the runner did not say %r:\n%s" % (pattern, "".join(self.stderr)))

    def request(self, method, path="/", body=None, content_type=None, headers=None):
        """One request on its own connection, with exactly the headers given (urllib would add a
        Content-Type to a POST)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            sent = dict(headers or {})
            if content_type is not None:
                sent["Content-Type"] = content_type
            connection.request(method, path, body=data, headers=sent)
            r = connection.getresponse()
            return Response(r.status, r.headers, r.read())
        finally:
            connection.close()

    def post_json(self, value, path="/"):
        return self.request("POST", path, json.dumps(value), "application/json")

    def health(self):
        return self.request("GET", "/healthz")

    def terminate(self):
        self.process.send_signal(signal.SIGTERM)

    def exit_code(self):
        return self.process.wait(timeout=WAIT)

    def output(self):
        return "".join(self.stderr)


class ServeTestCase(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="runner-serve-test-")
        self.code = os.path.join(self.dir, "code")
        os.makedirs(self.code)
        self.termination_log = os.path.join(self.dir, "termination-log")
        self.release = os.path.join(self.dir, "release")
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            if server.process.poll() is None:
                server.process.kill()
            server.process.wait()
            server.process.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, path, text):
        full = os.path.join(self.code, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))

    def start(self, handler="main:handler", parameters=None, ready=True, **env):
        """Starts the runner; with ready, waits until it says it serves (else only until it listens)."""
        environ = {
            "PATH": os.environ.get("PATH", ""),
            "FUNCTION_ACTION": "serve",
            "FUNCTION_PORT": "0",
            "FUNCTION_DRAIN_SECONDS": "0",
            "FUNCTION_HANDLER": handler,
            "FUNCTION_PARAMETERS": json.dumps(parameters if parameters is not None else {}),
            "FUNCTION_CODE_DIR": self.code,
            "FUNCTION_DEPS_DIR": os.path.join(self.dir, "deps"),
            "FUNCTION_NAME": "echo",
            "FUNCTION_VERSION": "0123456789abcdef",
            "FUNCTION_RUN_ID": "r1",
            "FUNCTION_TERMINATION_LOG": self.termination_log,
            "RELEASE_FILE": self.release,
        }
        for key in ("HOME", "TMPDIR", "SYSTEMROOT", "PYENV_ROOT", "PYENV_VERSION"):
            if key in os.environ:
                environ[key] = os.environ[key]
        environ.update(env)
        process = subprocess.Popen([sys.executable, "-u", RUNNER], env=environ, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        server = Server(process)
        self.servers.append(server)
        server.port = int(server.wait_for_line(r"listening on port (\d+)").group(1))
        if ready:
            server.wait_for_line(r"\[runner\] ready: ")
        return server

    def message(self):
        with open(self.termination_log, encoding="utf-8") as f:
            return json.loads(f.read())

    def release_now(self):
        open(self.release, "w").close()


ECHO = """
    def handler(body, context):
        return {"body": body if not isinstance(body, bytes) else "bytes:" + body.decode("latin-1"),
                "type": type(body).__name__,
                "request": context["request"],
                "parameters": context["parameters"],
                "run": [context["run_id"], context["function"], context["version"]]}
    """


class Requests(ServeTestCase):

    def test_a_json_body_is_decoded_and_a_dict_is_answered_as_json(self):
        self.write("main.py", ECHO)
        server = self.start(parameters={"greeting": "Hello"})

        r = server.request("POST", "/greet?name=Ada&x=1&x=2", json.dumps({"who": ["Ada", "Grace"]}),
                           "application/json; charset=utf-8", headers={"X-Trace": "t1"})

        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["Content-Type"], "application/json")
        answer = r.json
        self.assertEqual(answer["body"], {"who": ["Ada", "Grace"]})
        self.assertEqual(answer["type"], "dict")
        self.assertEqual(answer["parameters"], {"greeting": "Hello"})
        self.assertEqual(answer["run"], ["r1", "echo", "0123456789abcdef"])
        request = answer["request"]
        self.assertEqual(request["method"], "POST")
        self.assertEqual(request["path"], "/greet")
        self.assertEqual(request["query"], {"name": "Ada", "x": "1"})
        self.assertEqual(request["headers"]["x-trace"], "t1")
        self.assertRegex(request["id"], "^[0-9a-f]{8}$")

    def test_every_json_value_and_a_json_suffix_type_are_decoded(self):
        self.write("main.py", ECHO)
        server = self.start()
        for body, expected in (("[1, 2]", [1, 2]), ("42", 42), ('"text"', "text"), ("null", None)):
            with self.subTest(body=body):
                self.assertEqual(server.request("POST", "/", body, "application/vnd.api+json").json["body"], expected)
        self.assertIsNone(server.request("POST", "/", b"", "application/json").json["body"],
                          "an empty JSON body is None")

    def test_text_is_a_str_decoded_by_its_charset(self):
        self.write("main.py", ECHO)
        server = self.start()

        plain = server.request("POST", "/", "Grüß dich", "text/plain").json
        latin = server.request("POST", "/", "Grüß dich".encode("latin-1"), "text/plain; charset=latin-1").json
        form = server.request("POST", "/", "a=1&b=2", "application/x-www-form-urlencoded").json

        self.assertEqual((plain["type"], plain["body"]), ("str", "Grüß dich"))
        self.assertEqual((latin["type"], latin["body"]), ("str", "Grüß dich"))
        self.assertEqual((form["type"], form["body"]), ("str", "a=1&b=2"))

    def test_anything_else_is_bytes(self):
        self.write("main.py", ECHO)
        server = self.start()

        for content_type in ("application/octet-stream", "image/png", None):
            with self.subTest(content_type=content_type):
                answer = server.request("POST", "/", b"\x00\x01AB", content_type).json
                self.assertEqual((answer["type"], answer["body"]), ("bytes", "bytes:\x00\x01AB"))

    def test_the_return_value_is_the_response(self):
        self.write("main.py", """
            def handler(body):
                kind = body["return"]
                if kind == "none":
                    return None
                if kind == "str":
                    return "Grüß dich"
                if kind == "bytes":
                    return b"\\x89PNG"
                if kind == "list":
                    return [1, "a", True]
                if kind == "number":
                    return 2.5
                if kind == "created":
                    return {"id": 7}, 201
                if kind == "headers":
                    return "<p>hi</p>", 202, {"Content-Type": "text/html", "X-Id": 7}
            """)
        server = self.start()

        def answer(kind):
            return server.post_json({"return": kind})

        none = answer("none")
        self.assertEqual((none.status, none.body), (204, b""))
        text = answer("str")
        self.assertEqual((text.status, text.headers["Content-Type"], text.body.decode("utf-8")),
                         (200, "text/plain; charset=utf-8", "Grüß dich"))
        raw = answer("bytes")
        self.assertEqual((raw.headers["Content-Type"], raw.body), ("application/octet-stream", b"\x89PNG"))
        self.assertEqual(answer("list").json, [1, "a", True])
        self.assertEqual(answer("number").json, 2.5)
        created = answer("created")
        self.assertEqual((created.status, created.json), (201, {"id": 7}))
        custom = answer("headers")
        self.assertEqual((custom.status, custom.headers["Content-Type"], custom.headers["X-Id"], custom.body),
                         (202, "text/html", "7", b"<p>hi</p>"))

    def test_a_coroutine_handler_is_awaited(self):
        self.write("main.py", """
            import asyncio
            async def handler(body):
                await asyncio.sleep(0)
                return {"twice": body["n"] * 2}
            """)
        server = self.start()

        self.assertEqual(server.post_json({"n": 21}).json, {"twice": 42})

    def test_requests_are_handled_concurrently(self):
        # The first request waits for the second: both are answered only if they run at once.
        self.write("main.py", """
            import threading
            second_arrived = threading.Event()
            def handler(body):
                if body == "first":
                    return {"saw_second": second_arrived.wait(60)}
                second_arrived.set()
                return {"second": True}
            """)
        server = self.start()
        answers = {}
        first = threading.Thread(target=lambda: answers.update(first=server.post_json("first")))
        first.start()

        answers["second"] = server.post_json("second")
        first.join(WAIT)

        self.assertEqual(answers["second"].json, {"second": True})
        self.assertEqual(answers["first"].json, {"saw_second": True})

    def test_get_answers_only_the_health_check(self):
        self.write("main.py", ECHO)
        server = self.start()

        r = server.request("GET", "/")

        self.assertEqual(r.status, 405, r)
        self.assertEqual(r.headers["Allow"], "POST")


class Errors(ServeTestCase):

    def test_a_body_that_does_not_decode_is_a_400(self):
        self.write("main.py", ECHO)
        server = self.start()

        not_json = server.request("POST", "/", "{nope", "application/json")
        not_utf8 = server.request("POST", "/", b"\xff\xfe", "text/plain")

        self.assertEqual(not_json.status, 400, not_json)
        self.assertIn("the body is not JSON", not_json.json["error"])
        self.assertEqual(not_utf8.status, 400, not_utf8)

    def test_a_body_over_the_limit_is_a_413(self):
        self.write("main.py", ECHO)
        server = self.start(FUNCTION_MAX_BODY_BYTES="10")

        r = server.request("POST", "/", "x" * 11, "text/plain")

        self.assertEqual(r.status, 413, r)
        self.assertEqual(server.request("POST", "/", "x" * 10, "text/plain").status, 200)

    def test_an_exception_with_a_status_answers_that_status_and_its_message(self):
        self.write("main.py", """
            class NotFound(Exception):
                status_code = 404
            def handler(body):
                raise NotFound("no greeting for " + body["who"])
            """)
        server = self.start()

        r = server.post_json({"who": "Ada"})

        self.assertEqual(r.status, 404, r)
        self.assertEqual(r.json, {"error": "no greeting for Ada"})
        server.wait_for_line(r"request [0-9a-f]{8}: POST / answered 404: NotFound: no greeting for Ada")

    def test_any_other_exception_is_a_500_with_the_traceback_in_the_log_only(self):
        self.write("main.py", """
            def handler(body):
                secret = "s3cr3t-token"
                raise RuntimeError("cannot reach the database with " + secret)
            """)
        server = self.start()

        r = server.post_json({})

        self.assertEqual(r.status, 500, r)
        request_id = r.json["request"]
        self.assertEqual(r.json, {"error": "the function failed; see its log for request " + request_id,
                                  "request": request_id})
        self.assertNotIn(b"s3cr3t", r.body)
        self.assertNotIn(b"Traceback", r.body)
        server.wait_for_line(r"request %s: POST / failed, answered 500" % request_id)
        server.wait_for_line(r"RuntimeError: cannot reach the database with s3cr3t-token")
        self.assertIn('main.py", line 4, in handler', server.output())
        self.assertNotIn("runner.py", server.output().split("answered 500")[1], "only the function's frames")
        self.assertEqual(server.health().status, 200, "the server goes on")

    def test_a_return_value_json_cannot_hold_is_a_500(self):
        self.write("main.py", """
            def handler(body):
                return {"when": {1, 2}}
            """)
        server = self.start()

        r = server.post_json({})

        self.assertEqual(r.status, 500, r)
        server.wait_for_line(r"the handler's return value cannot be sent")


class Lifecycle(ServeTestCase):

    def test_healthz_is_503_until_the_init_function_has_run(self):
        self.write("main.py", """
            import os, time
            state = {}
            def setup(context):
                while not os.path.exists(os.environ["RELEASE_FILE"]):
                    time.sleep(0.02)
                state["greeting"] = context["parameters"]["greeting"]
            def handler(body):
                return state["greeting"] + ", " + body
            """)
        server = self.start(parameters={"greeting": "Hello"}, ready=False, FUNCTION_INIT="setup")

        starting = server.health()
        early = server.request("POST", "/", "Ada", "text/plain")
        self.release_now()
        server.wait_for_line(r"\[runner\] ready: main:handler answers POST requests on port")
        ready = server.health()

        self.assertEqual((starting.status, starting.json), (503, {"status": "starting"}))
        self.assertEqual(early.status, 503, early)
        self.assertEqual((ready.status, ready.json), (200, {"status": "ok"}))
        self.assertEqual(server.request("POST", "/", "Ada", "text/plain").body, b"Hello, Ada")

    def test_sigterm_turns_healthz_503_serves_while_draining_then_exits_0(self):
        self.write("main.py", ECHO)
        server = self.start(FUNCTION_DRAIN_SECONDS="5")

        server.terminate()
        server.wait_for_line(r"\[runner\] stopping: ")
        draining = server.health()
        served = server.post_json({"late": True})

        self.assertEqual((draining.status, draining.json), (503, {"status": "stopping"}))
        self.assertEqual(served.status, 200, served)
        self.assertEqual(server.exit_code(), 0, server.output())

    def test_a_request_in_flight_is_finished_before_the_runner_exits(self):
        self.write("main.py", """
            import os, sys, time
            def handler(body):
                print("handling " + body, file=sys.stderr, flush=True)
                while not os.path.exists(os.environ["RELEASE_FILE"]):
                    time.sleep(0.02)
                return {"finished": body}
            """)
        server = self.start()
        answers = []
        in_flight = threading.Thread(target=lambda: answers.append(server.post_json("slow")))
        in_flight.start()
        server.wait_for_line(r"^handling slow")

        server.terminate()
        server.wait_for_line(r"\[runner\] stopping: ")
        self.release_now()
        in_flight.join(WAIT)

        self.assertEqual(answers[0].status, 200, answers)
        self.assertEqual(answers[0].json, {"finished": "slow"})
        self.assertEqual(server.exit_code(), 0, server.output())

    def test_sigterm_before_the_function_is_ready_exits_0(self):
        self.write("main.py", """
            import os, time
            def init():
                while not os.path.exists(os.environ["RELEASE_FILE"]):
                    time.sleep(0.02)
            def handler(body):
                return body
            """)
        server = self.start(ready=False, FUNCTION_INIT="init")

        server.terminate()

        self.assertEqual(server.exit_code(), 0, server.output())
        self.assertIn("stopping before the function was ready", server.output())

    def test_an_init_function_that_raises_exits_1_with_the_error(self):
        self.write("main.py", """
            def init():
                raise RuntimeError("no model file")
            def handler(body):
                return body
            """)
        server = self.start(ready=False, FUNCTION_INIT="init")

        self.assertEqual(server.exit_code(), 1, server.output())
        self.assertEqual(self.message(), {"error": "RuntimeError: no model file"})
        self.assertIn('main.py", line 3, in init', server.output())

    def test_a_missing_handler_exits_2(self):
        self.write("main.py", ECHO)
        server = self.start("main:handle", ready=False)

        self.assertEqual(server.exit_code(), 2, server.output())
        self.assertEqual(self.message()["error"], "AttributeError: module 'main' has no handler 'handle'"
                                                  " (its functions: handler)")

    def test_a_port_in_use_exits_2(self):
        self.write("main.py", ECHO)
        first = self.start()
        second = subprocess.run([sys.executable, "-u", RUNNER], capture_output=True, text=True, timeout=WAIT, env={
            "PATH": os.environ.get("PATH", ""), "FUNCTION_ACTION": "serve", "FUNCTION_PORT": str(first.port),
            "FUNCTION_HANDLER": "main:handler", "FUNCTION_CODE_DIR": self.code,
            "FUNCTION_TERMINATION_LOG": self.termination_log})

        self.assertEqual(second.returncode, 2, second.stderr)
        self.assertIn("cannot listen on port %d" % first.port, self.message()["error"])


if __name__ == "__main__":
    unittest.main()
