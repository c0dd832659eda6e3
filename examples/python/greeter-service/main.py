"""A python function served over HTTP: examples/functions/python-greeter-service.yaml.

The runner calls load() once per pod before the first request (GET /healthz answers 503 until it
returns), then handler() for each POST request, with the request body: a dict here, as clients
send JSON. What handler() returns is the response; an exception with a status_code answers that
status with its message; any other exception is a 500, its traceback in the pod's log only.

    curl -s -H 'Content-Type: application/json' -d '{"name": "Ada", "lang": "fr"}' \
        http://greeter-py.<namespace>.svc:8080/
    {"greeting":"Bonjour, Ada!","version":"..."}
"""

import logging

from greetings import DEFAULT_GREETINGS, greet

log = logging.getLogger("greeter")

GREETINGS = {}


class BadRequest(Exception):
    status_code = 400


class NotFound(Exception):
    status_code = 404


def load(context):
    """Once per pod: the greetings, the run's parameters' over the defaults."""
    GREETINGS.update(DEFAULT_GREETINGS)
    GREETINGS.update(context["parameters"].get("greetings", {}))
    log.info("greeter %s ready with %d languages", context["version"], len(GREETINGS))


def handler(body, context):
    """POST {"name": "Ada", "lang": "fr"} -> {"greeting": "Bonjour, Ada!", "version": ...}."""
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        raise BadRequest('send a JSON object such as {"name": "Ada", "lang": "en"}')
    lang = body.get("lang", "en")
    if lang not in GREETINGS:
        raise NotFound("no greeting in '%s'; known: %s" % (lang, ", ".join(sorted(GREETINGS))))
    return {"greeting": greet(GREETINGS[lang], body["name"]), "version": context["version"]}
