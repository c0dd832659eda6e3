"""A benchmark of the runner's server mode: prints figures, asserts nothing, is not run by the build.

Starts the runner (FUNCTION_ACTION=serve) with a handler that echoes a small JSON body, measures
the time from the process start to "ready" (no requirements, no init function), then sends POST
requests, each on its own connection as the runner speaks HTTP/1.0, from 1 and from 8 client
threads of this same process, and prints requests per second and latency percentiles.

    cd src/test/python && python3 runner_serve_bench.py [requests]

The client shares the machine (and Python's GIL for its own threads) with the server, so the
figures are a floor for what one pod does with one CPU, not a capacity plan.
"""

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from runner_test import RUNNER

HANDLER = """
def handler(body):
    return {"echo": body}
"""


def main(requests=2000):
    work = tempfile.mkdtemp(prefix="runner-serve-bench-")
    try:
        os.makedirs(os.path.join(work, "code"))
        with open(os.path.join(work, "code", "main.py"), "w") as f:
            f.write(HANDLER)
        env = {"PATH": os.environ.get("PATH", ""), "FUNCTION_ACTION": "serve", "FUNCTION_PORT": "0",
               "FUNCTION_DRAIN_SECONDS": "0", "FUNCTION_HANDLER": "main:handler",
               "FUNCTION_CODE_DIR": os.path.join(work, "code"),
               "FUNCTION_TERMINATION_LOG": os.path.join(work, "termination-log")}
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "-u", RUNNER], env=env, stderr=subprocess.PIPE, text=True)
        port = None
        for line in process.stderr:
            match = re.search(r"listening on port (\d+)", line)
            if match:
                port = int(match.group(1))
            if line.startswith("[runner] ready: "):
                break
        print("start to ready: %.0f ms" % ((time.monotonic() - started) * 1000))
        body = json.dumps({"name": "Ada", "numbers": list(range(10))})
        measure(port, body, 200, 1, quiet=True)  # warm-up
        for workers in (1, 8):
            measure(port, body, requests, workers)
        process.terminate()
        print("exit code after SIGTERM: %d" % process.wait(60))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(port, body, requests, workers, quiet=False):
    latencies = []
    lock = threading.Lock()

    def client(count):
        for _ in range(count):
            start = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("POST", "/", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                raise RuntimeError("answered %d" % response.status)
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client, args=(requests // workers,)) for _ in range(workers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    if not quiet:
        print("%d client thread%s, %d requests: %.0f requests/s, p50 %.2f ms, p99 %.2f ms" % (
            workers, "" if workers == 1 else "s", len(latencies), len(latencies) / elapsed,
            latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99)] * 1000))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
