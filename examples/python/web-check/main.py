"""Checks a greeter-web service: one request per name, each answer checked.

The handler gets the run's parameters: {"url": "http://greeter-web.ns.svc:8080", "names": [...]}.
What it returns becomes the run's outputs; an exception fails the run (exit code 1) with
{"error": "AssertionError: ..."} as its outputs.
"""
import json
import urllib.parse
import urllib.request

from checks import expect


def handler(parameters):
    url = parameters["url"].rstrip("/")
    names = parameters.get("names") or ["world"]
    version = None
    for name in names:
        query = urllib.parse.urlencode({"name": name})
        with urllib.request.urlopen(f"{url}/?{query}", timeout=10) as response:
            expect(response.status == 200, f"GET /?{query} answered HTTP {response.status}")
            body = json.load(response)
        expect(body.get("greeting", "").endswith(f", {name}!"), f"unexpected answer for {name}: {body}")
        print(f"{name}: {body['greeting']} (version {body.get('version')})")
        version = body.get("version")
    return {"checked": len(names), "version": version}
