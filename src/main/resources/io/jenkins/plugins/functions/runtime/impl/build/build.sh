# The image build of Function Runtimes (Jenkins plugin), run with `sh -c` in the BuildKit
# rootless image (busybox sh, as user 1000). The plugin passes:
#   BUILD_DESTINATION      where to push, registry/repository:tag
#   BUILD_CONTEXT_ARCHIVE  the packed context (a tar.gz mounted from the run's ConfigMap), or
#   BUILD_GIT_CONTEXT      a git context, url#ref[:folder], that BuildKit fetches itself
#   BUILD_DOCKERFILE       the Dockerfile's path in the context
#   "$@"                   more buildctl options (--opt build-arg:NAME=VALUE ...)
# It writes the pushed image to the termination message as
#   {"image": "registry/repository:tag@sha256:...", "digest": "sha256:..."}
# and on failure {"error": "<the last lines of the build's log>"}.
set -u
work="${HOME:-/home/user}/.function-build"
msg="${FUNCTION_TERMINATION_LOG:-/dev/termination-log}"
mkdir -p "$work" && : > "$work/build.log"

# The last lines of the log as a JSON string: control characters dropped, \ and " escaped.
json_tail() {
  tail -n 20 "$work/build.log" | tail -c 3000 | tr -d '\000-\010\013-\037' \
    | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/ /g' | awk 'NR > 1 { printf "\\n" } { printf "%s", $0 }'
}

fail() {
  echo "[build] error: $1" | tee -a "$work/build.log"
  printf '{"error":"%s"}' "$(json_tail)" > "$msg"
  exit "${2:-1}"
}

set -- --frontend dockerfile.v0 --metadata-file "$work/metadata.json" \
  --output "type=image,name=$BUILD_DESTINATION,push=true" "$@"
if [ -n "${BUILD_CONTEXT_ARCHIVE:-}" ]; then
  context="$work/context"
  mkdir -p "$context"
  tar -xzf "$BUILD_CONTEXT_ARCHIVE" -C "$context" || fail "cannot unpack the build context"
  [ -f "$context/$BUILD_DOCKERFILE" ] || fail "the context has no $BUILD_DOCKERFILE"
  dockerfile_dir=$(dirname "$context/$BUILD_DOCKERFILE")
  set -- "$@" --local "context=$context" --local "dockerfile=$dockerfile_dir" \
    --opt "filename=$(basename "$BUILD_DOCKERFILE")"
else
  set -- "$@" --opt "context=$BUILD_GIT_CONTEXT" --opt "filename=$BUILD_DOCKERFILE"
fi

echo "[build] building $BUILD_DESTINATION"
{ buildctl-daemonless.sh build "$@" 2>&1; echo $? > "$work/rc"; } | tee "$work/build.log"
rc=$(cat "$work/rc" 2>/dev/null || echo 1)
[ "$rc" = 0 ] || fail "the build failed (buildctl exit code $rc)" "$rc"

digest=$(grep -o '"containerimage.digest": *"sha256:[0-9a-f]*"' "$work/metadata.json" | grep -o 'sha256:[0-9a-f]*')
[ -n "$digest" ] || fail "the build pushed no image digest"
echo "[build] pushed $BUILD_DESTINATION@$digest"
printf '{"image":"%s@%s","digest":"%s"}' "$BUILD_DESTINATION" "$digest" "$digest" > "$msg"
