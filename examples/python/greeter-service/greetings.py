"""The greetings the service knows unless its run's parameters add some."""

DEFAULT_GREETINGS = {"en": "Hello", "fr": "Bonjour", "it": "Ciao"}


def greet(greeting, name):
    return "%s, %s!" % (greeting, name)
