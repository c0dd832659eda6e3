"""Tests of the python runtime's runner (src/main/resources/.../runtime/impl/python/runner.py).

Each test writes a function's code into a temporary folder and runs the runner as the pod does,
`python3 -u runner.py`, with the environment the plan sets, then looks at its exit code, its
output and the termination message it wrote.

    cd src/test/python && python3 -m unittest -v runner_test

RUNNER_PY overrides where the runner is. PythonRunnerTest runs this from `mvn verify`.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.environ.get("RUNNER_PY") or os.path.normpath(os.path.join(
    HERE, "..", "..", "main", "resources", "io", "jenkins", "plugins", "functions", "runtime", "impl", "python",
    "runner.py"))


class Run:
    """The result of one runner process."""

    def __init__(self, process, message):
        self.code = process.returncode
        self.stdout = process.stdout
        self.stderr = process.stderr
        self.message = message

    @property
    def outputs(self):
        return json.loads(self.message)

    def __repr__(self):
        return "exit %s\n--- stdout\n%s--- stderr\n%s--- message\n%s" % (
            self.code, self.stdout, self.stderr, self.message)


class RunnerTestCase(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="runner-test-")
        self.code = os.path.join(self.dir, "code")
        os.makedirs(self.code)
        self.termination_log = os.path.join(self.dir, "termination-log")
        self.deps = os.path.join(self.dir, "deps")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, path, text, root=None):
        full = os.path.join(root or self.code, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))

    def run_handler(self, handler="main:handler", parameters=None, **env):
        environ = {
            "PATH": os.environ.get("PATH", ""),
            "FUNCTION_HANDLER": handler,
            "FUNCTION_PARAMETERS": json.dumps(parameters if parameters is not None else {}),
            "FUNCTION_CODE_DIR": self.code,
            "FUNCTION_DEPS_DIR": self.deps,
            "FUNCTION_NAME": "hello",
            "FUNCTION_VERSION": "0123456789abcdef",
            "FUNCTION_RUN_ID": "r1",
            "FUNCTION_TERMINATION_LOG": self.termination_log,
        }
        for key in ("HOME", "TMPDIR", "SYSTEMROOT", "PYENV_ROOT", "PYENV_VERSION"):
            if key in os.environ:
                environ[key] = os.environ[key]
        environ.update(env)
        process = subprocess.run([sys.executable, "-u", RUNNER], env=environ, capture_output=True, text=True,
                                 timeout=120)
        message = None
        if os.path.exists(self.termination_log):
            with open(self.termination_log, encoding="utf-8") as f:
                message = f.read()
        return Run(process, message)


class ReturnValues(RunnerTestCase):

    def test_a_dict_is_the_outputs(self):
        self.write("main.py", """
            def handler(parameters):
                return {"greeting": "Hello, " + parameters["name"] + "!", "count": 2, "ok": True}
            """)
        run = self.run_handler(parameters={"name": "Ada"})

        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outputs, {"greeting": "Hello, Ada!", "count": 2, "ok": True})

    def test_anything_else_is_the_result(self):
        for value, expected in (("42", 42), ("'done'", "done"), ("[1, 'a']", [1, "a"]), ("3.5", 3.5),
                                ("False", False)):
            with self.subTest(value=value):
                self.write("main.py", "def handler(parameters):\n    return %s\n" % value)
                run = self.run_handler()

                self.assertEqual(run.code, 0, run)
                self.assertEqual(run.outputs, {"result": expected})

    def test_none_is_no_outputs(self):
        self.write("main.py", """
            def handler(parameters):
                print("side effects only")
            """)
        run = self.run_handler()

        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outputs, {})
        self.assertEqual(run.stdout, "side effects only\n")

    def test_unicode_is_kept(self):
        self.write("main.py", """
            def handler(parameters):
                return {"greeting": "Grüß dich, " + parameters["name"]}
            """)
        run = self.run_handler(parameters={"name": "Zoë"})

        self.assertEqual(run.outputs, {"greeting": "Grüß dich, Zoë"})

    def test_a_value_json_cannot_hold_is_its_repr(self):
        for value, expected in (("{1, 2}", "{1, 2}"),
                                ("{'when': __import__('datetime').date(2024, 5, 1)}",
                                 "{'when': datetime.date(2024, 5, 1)}"),
                                ("float('nan')", "nan"),
                                ("{(1, 2): 'tuple key'}", "{(1, 2): 'tuple key'}")):
            with self.subTest(value=value):
                self.write("main.py", "def handler(parameters):\n    return %s\n" % value)
                run = self.run_handler()

                self.assertEqual(run.code, 0, run)
                self.assertEqual(run.outputs, {"result": expected})
                self.assertIn("warning: the handler's return value is not JSON", run.stderr)

    def test_outputs_over_4096_bytes_are_marked_truncated(self):
        self.write("main.py", """
            def handler(parameters):
                return {"blob": "x" * parameters["n"]}
            """)
        fits = self.run_handler(parameters={"n": 4096 - len('{"blob":""}')})
        self.assertEqual(fits.code, 0, fits)
        self.assertEqual(len(fits.message.encode("utf-8")), 4096)
        self.assertEqual(len(fits.outputs["blob"]), 4085)

        run = self.run_handler(parameters={"n": 4086})
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outputs, {"truncated": True, "size": 4097})
        self.assertIn("4097 bytes of JSON, more than the 4096 bytes a termination message keeps", run.stderr)

    def test_multibyte_characters_count_as_bytes(self):
        self.write("main.py", """
            def handler(parameters):
                return {"text": "é" * 2100}
            """)
        run = self.run_handler()

        self.assertEqual(run.outputs, {"truncated": True, "size": 2 * 2100 + len('{"text":""}')})

    def test_a_coroutine_handler_is_awaited(self):
        self.write("main.py", """
            import asyncio
            async def handler(parameters):
                await asyncio.sleep(0)
                return {"async": True}
            """)
        run = self.run_handler()

        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outputs, {"async": True})


class Parameters(RunnerTestCase):

    def test_the_parameters_are_one_dict(self):
        self.write("main.py", """
            def handler(parameters):
                return {"got": parameters, "type": type(parameters).__name__}
            """)
        parameters = {"who": "Ada", "count": 3, "tags": ["a", "b"], "nested": {"x": None, "y": 1.5}}
        run = self.run_handler(parameters=parameters)

        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outputs, {"got": parameters, "type": "dict"})

    def test_no_parameters_are_an_empty_dict(self):
        self.write("main.py", """
            def handler(parameters):
                return {"got": parameters}
            """)
        self.assertEqual(self.run_handler().outputs, {"got": {}})
        self.assertEqual(self.run_handler(FUNCTION_PARAMETERS="").outputs, {"got": {}})

    def test_parameters_that_are_not_an_object_are_a_setup_error(self):
        self.write("main.py", "def handler(parameters):\n    return 1\n")
        for text, error in (("[1, 2]", "FUNCTION_PARAMETERS must be a JSON object, not list"),
                            ("{nope", "FUNCTION_PARAMETERS is not JSON")):
            with self.subTest(text=text):
                run = self.run_handler(FUNCTION_PARAMETERS=text)

                self.assertEqual(run.code, 2, run)
                self.assertIn(error, run.outputs["error"])

    def test_a_handler_with_a_context_parameter_gets_the_runs_identity(self):
        self.write("main.py", """
            def handler(parameters, context):
                return {"parameters": parameters, "context": context}
            def keyword_only(parameters, *, context):
                return context
            def with_default(parameters, context=None):
                return context
            """)
        expected = {"run_id": "r1", "function": "hello", "version": "0123456789abcdef"}

        run = self.run_handler(parameters={"a": 1})
        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outputs, {"parameters": {"a": 1}, "context": expected})
        self.assertEqual(self.run_handler("main:keyword_only").outputs, expected)
        self.assertEqual(self.run_handler("main:with_default").outputs, expected)

    def test_a_handler_without_context_gets_only_the_parameters(self):
        self.write("main.py", """
            def handler(params, *args, **kwargs):
                return {"params": params, "args": list(args), "kwargs": kwargs}
            """)
        run = self.run_handler(parameters={"a": 1})

        self.assertEqual(run.outputs, {"params": {"a": 1}, "args": [], "kwargs": {}})

    def test_a_handler_that_does_not_take_the_parameters_is_a_setup_error(self):
        self.write("main.py", """
            def no_parameters():
                return 1
            def two_parameters(a, b):
                return 1
            def keywords_only(**kwargs):
                return 1
            """)
        for name in ("no_parameters", "two_parameters", "keywords_only"):
            with self.subTest(name=name):
                run = self.run_handler("main:" + name)

                self.assertEqual(run.code, 2, run)
                self.assertIn("must take one parameter, the run's parameters as a dict", run.stderr)
                self.assertTrue(run.outputs["error"].startswith("TypeError: main:" + name), run)


class Failures(RunnerTestCase):

    def test_an_exception_fails_the_run_with_its_traceback(self):
        self.write("main.py", """
            def check(value):
                if value < 0:
                    raise ValueError("value must be positive, got %d" % value)

            def handler(parameters):
                print("checking", parameters["value"])
                check(parameters["value"])
                return {"ok": True}
            """)
        run = self.run_handler(parameters={"value": -1})

        self.assertEqual(run.code, 1, run)
        self.assertEqual(run.outputs, {"error": "ValueError: value must be positive, got -1"})
        self.assertEqual(run.stdout, "checking -1\n")
        self.assertIn("Traceback (most recent call last):", run.stderr)
        self.assertIn('main.py", line 8, in handler', run.stderr)
        self.assertIn('main.py", line 4, in check', run.stderr)
        self.assertIn("ValueError: value must be positive, got -1", run.stderr)
        # the traceback starts at the function's code, not in the runner
        self.assertNotIn("runner.py", run.stderr)

    def test_an_exception_without_a_message_is_its_type(self):
        self.write("main.py", "def handler(parameters):\n    raise KeyError\n")
        self.assertEqual(self.run_handler().outputs, {"error": "KeyError"})

    def test_a_long_error_is_shortened_to_fit_the_message(self):
        self.write("main.py", "def handler(parameters):\n    raise RuntimeError('é' * 5000)\n")
        run = self.run_handler()

        self.assertEqual(run.code, 1, run)
        self.assertLessEqual(len(run.message.encode("utf-8")), 4096)
        self.assertTrue(run.outputs["error"].startswith("RuntimeError: ééé"))
        self.assertTrue(run.outputs["error"].endswith("..."))

    def test_an_error_while_importing_the_code_is_the_codes_error(self):
        self.write("main.py", """
            import not_installed_anywhere
            def handler(parameters):
                return 1
            """)
        self.write("broken.py", "def handler(parameters)\n    return 1\n")
        run = self.run_handler()

        self.assertEqual(run.code, 1, run)
        self.assertEqual(run.outputs, {"error": "ModuleNotFoundError: No module named 'not_installed_anywhere'"})
        self.assertIn('main.py", line 2, in <module>', run.stderr)
        broken = self.run_handler("broken:handler")
        self.assertEqual(broken.code, 1, broken)
        self.assertTrue(broken.outputs["error"].startswith("SyntaxError: "), broken)

    def test_the_init_function_failing_fails_the_run(self):
        self.write("main.py", """
            def init():
                raise RuntimeError("no model")
            def handler(parameters):
                return 1
            """)
        run = self.run_handler(FUNCTION_INIT="init")

        self.assertEqual(run.code, 1, run)
        self.assertEqual(run.outputs, {"error": "RuntimeError: no model"})


class Setup(RunnerTestCase):

    def test_a_missing_module_exits_2(self):
        self.write("main.py", "def handler(parameters):\n    return 1\n")
        self.write("pkg/__init__.py", "")
        for handler, missing in (("mian:handler", "mian"), ("pkg.nope:handler", "pkg.nope"),
                                 ("nopkg.mod:handler", "nopkg.mod")):
            with self.subTest(handler=handler):
                run = self.run_handler(handler)

                self.assertEqual(run.code, 2, run)
                self.assertIn("no module named '%s' in %s (files there: main.py, pkg/__init__.py)"
                              % (missing, self.code), run.stderr)
                self.assertTrue(run.outputs["error"].startswith("ModuleNotFoundError: no module named"), run)
                self.assertNotIn("Traceback", run.stderr)

    def test_a_missing_handler_exits_2_naming_the_modules_functions(self):
        self.write("main.py", """
            import json
            from os.path import join
            def handler(parameters):
                return 1
            def helper():
                pass
            VALUE = 3
            """)
        run = self.run_handler("main:handle")

        self.assertEqual(run.code, 2, run)
        self.assertEqual(run.outputs, {"error": "AttributeError: module 'main' has no handler 'handle'"
                                                " (its functions: handler, helper)"})
        not_callable = self.run_handler("main:VALUE")
        self.assertEqual(not_callable.code, 2, not_callable)
        self.assertIn("'VALUE' of module 'main' is not a function (it is a int)", not_callable.stderr)
        no_init = self.run_handler(FUNCTION_INIT="setup")
        self.assertEqual(no_init.code, 2, no_init)
        self.assertIn("module 'main' has no init function 'setup'", no_init.stderr)

    def test_a_malformed_handler_reference_exits_2(self):
        for reference in ("", "main", "main:"):
            with self.subTest(reference=reference):
                run = self.run_handler(reference)

                self.assertEqual(run.code, 2, run)
                self.assertIn("FUNCTION_HANDLER must be module:function", run.stderr)

    def test_a_missing_code_directory_exits_2(self):
        run = self.run_handler(FUNCTION_CODE_DIR=os.path.join(self.dir, "nowhere"))

        self.assertEqual(run.code, 2, run)
        self.assertIn("the code directory %s does not exist" % os.path.join(self.dir, "nowhere"), run.stderr)

    def test_a_python_version_other_than_the_images_is_a_warning(self):
        self.write("main.py", "def handler(parameters):\n    return 1\n")
        running = "%d.%d" % sys.version_info[:2]

        same = self.run_handler(FUNCTION_PYTHON_VERSION=running)
        self.assertNotIn("warning", same.stderr)
        other = self.run_handler(FUNCTION_PYTHON_VERSION="3.99")
        self.assertEqual(other.code, 0, other)
        self.assertIn("warning: the function asks for Python 3.99 but this image runs Python " + running,
                      other.stderr)


class Code(RunnerTestCase):

    def test_packages_in_the_code_directory_are_importable_and_it_is_the_current_directory(self):
        self.write("app/__init__.py", "")
        self.write("app/handlers.py", """
            import os
            from app.words import hello
            def run(parameters):
                with open("data/greeting.txt") as f:
                    greeting = f.read().strip()
                return {"text": hello(greeting), "cwd": os.getcwd()}
            """)
        self.write("app/words.py", "def hello(g):\n    return g + ', world'\n")
        self.write("data/greeting.txt", "Hi\n")
        run = self.run_handler("app.handlers:run")

        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outputs, {"text": "Hi, world", "cwd": os.path.realpath(self.code)})

    def test_the_runners_folder_is_not_on_the_path(self):
        self.write("main.py", """
            import sys
            def handler(parameters):
                try:
                    import runner
                    return {"runner": "importable"}
                except ImportError:
                    return {"runner": "hidden", "first": sys.path[0]}
            """)
        run = self.run_handler()

        self.assertEqual(run.outputs, {"runner": "hidden", "first": self.code})

    def test_output_and_logging_reach_the_log_in_order(self):
        self.write("main.py", """
            import logging, sys
            log = logging.getLogger("greeter")
            def handler(parameters):
                print("one")
                log.info("two")
                print("three", file=sys.stderr)
                log.debug("not shown")
                return {}
            """)
        run = self.run_handler()

        self.assertEqual(run.stdout, "one\n")
        self.assertEqual(run.stderr, "INFO greeter: two\nthree\n")

    def test_the_init_function_runs_once_before_the_handler(self):
        self.write("main.py", """
            calls = []
            def setup(context):
                calls.append("init " + context["run_id"])
            def handler(parameters):
                calls.append("handler")
                return {"calls": calls}
            """)
        run = self.run_handler(FUNCTION_INIT="setup")

        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outputs, {"calls": ["init r1", "handler"]})


class Requirements(RunnerTestCase):
    """pip installs from a wheel made here: no network."""

    def make_wheel(self, name="greetlib", version="1.0"):
        path = os.path.join(self.dir, "%s-%s-py3-none-any.whl" % (name, version))
        dist_info = "%s-%s.dist-info" % (name, version)
        with zipfile.ZipFile(path, "w") as whl:
            whl.writestr(name + ".py", "def greet(name):\n    return 'Hello from greetlib, ' + name\n")
            whl.writestr(dist_info + "/METADATA", "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version))
            whl.writestr(dist_info + "/WHEEL", "Wheel-Version: 1.0\nGenerator: runner_test\nRoot-Is-Purelib: true\n"
                                               "Tag: py3-none-any\n")
            whl.writestr(dist_info + "/RECORD", "")
        return path

    def test_requirements_are_installed_into_the_deps_directory_and_importable(self):
        self.write("main.py", """
            import greetlib
            def handler(parameters):
                return {"text": greetlib.greet("Ada"), "from": greetlib.__file__}
            """)
        run = self.run_handler(FUNCTION_REQUIREMENTS=self.make_wheel() + "\n\n")

        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outputs["text"], "Hello from greetlib, Ada")
        self.assertEqual(run.outputs["from"], os.path.join(self.deps, "greetlib.py"))
        self.assertIn("[runner] installing %s into %s" % (self.make_wheel(), self.deps), run.stderr)

    def test_a_failed_install_exits_2(self):
        self.write("main.py", "def handler(parameters):\n    return 1\n")
        run = self.run_handler(FUNCTION_REQUIREMENTS=os.path.join(self.dir, "missing-1.0-py3-none-any.whl"))

        self.assertEqual(run.code, 2, run)
        self.assertIn("pip could not install the requirements", run.outputs["error"])


class BuiltImage(RunnerTestCase):
    """An image built by the plugin's build action already holds the requirements and a git source."""

    def image_files(self, requirements):
        listed = os.path.join(self.dir, "image-requirements.txt")
        with open(listed, "w", encoding="utf-8") as f:
            f.write("\n".join(requirements) + "\n")
        return listed

    def test_the_requirements_the_image_holds_are_not_installed_again(self):
        self.write("main.py", "def handler(parameters):\n    return {'ok': True}\n")
        # not installable here (no network, no such file): installing would fail the run
        wanted = [os.path.join(self.dir, "absent-1.0-py3-none-any.whl"), "tomli; python_version < '3.11'"]
        run = self.run_handler(FUNCTION_REQUIREMENTS="\n".join(wanted),
                               FUNCTION_IMAGE_REQUIREMENTS=self.image_files(wanted))

        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outputs, {"ok": True})
        self.assertIn("[runner] the requirements are installed in the image (built by buildImage): not installing",
                      run.stderr)

    def test_other_requirements_than_the_images_are_installed(self):
        self.write("main.py", "def handler(parameters):\n    return 1\n")
        absent = os.path.join(self.dir, "absent-1.0-py3-none-any.whl")
        run = self.run_handler(FUNCTION_REQUIREMENTS=absent,
                               FUNCTION_IMAGE_REQUIREMENTS=self.image_files(["something-else==1.0"]))

        self.assertEqual(run.code, 2, run)
        self.assertIn("[runner] installing " + absent, run.stderr)

    def test_the_git_source_the_image_holds_is_not_cloned(self):
        image_code = os.path.join(self.dir, "opt-function-code")
        self.write("fn/main.py", "def handler(parameters):\n    return {'from': 'image'}\n", root=image_code)
        url = "https://git.invalid/org/fns.git"
        run = self.run_handler(FUNCTION_CODE_DIR=os.path.join(self.dir, "work", "code"), FUNCTION_GIT_URL=url,
                               FUNCTION_GIT_REF="v2", FUNCTION_GIT_PATH="fn", FUNCTION_IMAGE_GIT=url + "#v2",
                               FUNCTION_IMAGE_CODE_DIR=image_code)

        self.assertEqual(run.code, 0, run)
        self.assertEqual(run.outputs, {"from": "image"})
        self.assertIn("[runner] the code of %s#v2 is in the image (built by buildImage): not cloning" % url,
                      run.stderr)


@unittest.skipUnless(shutil.which("git"), "git is not installed")
class GitSource(RunnerTestCase):
    """Clones a repository made here, by its path: no network."""

    def setUp(self):
        super().setUp()
        self.repo = os.path.join(self.dir, "repo")
        os.makedirs(self.repo)
        self.git("init", "-q", "-b", "main")
        self.write("fn/main.py", "def handler(parameters):\n    return {'version': 1}\n", root=self.repo)
        self.git("add", ".")
        self.git("commit", "-q", "-m", "one")
        self.first = self.git("rev-parse", "HEAD").strip()
        self.git("tag", "v1")
        self.write("fn/main.py", "def handler(parameters):\n    return {'version': 2}\n", root=self.repo)
        self.git("commit", "-q", "-am", "two")
        self.clone = os.path.join(self.dir, "work", "code")
        shutil.rmtree(self.code)

    def git(self, *args):
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
        return subprocess.run(["git", "-C", self.repo, *args], env=env, check=True, capture_output=True,
                              text=True).stdout

    def run_git(self, ref, path="fn", **env):
        return self.run_handler(FUNCTION_CODE_DIR=self.clone, FUNCTION_GIT_URL="file://" + self.repo,
                                FUNCTION_GIT_REF=ref, FUNCTION_GIT_PATH=path, GIT_CONFIG_GLOBAL=os.devnull,
                                GIT_CONFIG_NOSYSTEM="1", **env)

    def test_a_branch_a_tag_and_a_commit_are_cloned(self):
        for ref, version in (("main", 2), ("v1", 1), (self.first, 1), (self.first[:10], 1)):
            with self.subTest(ref=ref):
                shutil.rmtree(os.path.join(self.dir, "work"), ignore_errors=True)
                run = self.run_git(ref)

                self.assertEqual(run.code, 0, run)
                self.assertEqual(run.outputs, {"version": version})
                self.assertIn("[runner] cloning file://%s at %s" % (self.repo, ref), run.stderr)

    def test_an_unknown_ref_or_folder_exits_2(self):
        run = self.run_git("no-such-branch")
        self.assertEqual(run.code, 2, run)
        self.assertIn("git could not", run.outputs["error"])

        shutil.rmtree(os.path.join(self.dir, "work"), ignore_errors=True)
        run = self.run_git("main", path="elsewhere")
        self.assertEqual(run.code, 2, run)
        self.assertIn("the repository has no folder 'elsewhere' (source.git.path)", run.outputs["error"])

    def test_an_image_without_git_exits_2_saying_so(self):
        no_git = os.path.join(self.dir, "empty-bin")
        os.makedirs(no_git)
        run = self.run_git("main", PATH=no_git)

        self.assertEqual(run.code, 2, run)
        self.assertIn("git is not installed in this image", run.outputs["error"])
        self.assertIn("such as python:3.12 (the -slim images have none)", run.stderr)


if __name__ == "__main__":
    unittest.main()
