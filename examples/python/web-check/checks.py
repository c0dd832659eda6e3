"""A tiny assertion helper, in its own module to show that a source folder can hold several files."""


def expect(condition, message):
    if not condition:
        raise AssertionError(message)
