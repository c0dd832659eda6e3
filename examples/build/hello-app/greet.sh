#!/bin/sh
# Greets whoever FUNCTION_PARAMETERS names ({"name": "..."}), and returns the greeting and the
# version baked into the image as the run's outputs.
name=$(echo "${FUNCTION_PARAMETERS:-{\}}" | sed -n 's/.*"name" *: *"\([^"]*\)".*/\1/p')
version=$(cat /app/VERSION)
echo "Hello, ${name:-world}, from hello-app $version"
printf '{"greeting":"Hello, %s","version":"%s"}' "${name:-world}" "$version" > /dev/termination-log
