#!/usr/bin/env bash
# The image step of CI (.ci/run calls it): build the Docker image with a daemonless builder
# (Debian's podman, installed here), start it against the fake Bot API and check /healthz.
#
# Where the machine cannot do a part, this says so loudly ("!!!!") and checks what it can
# instead; it fails only on a real defect: the binary or an image does not build, the
# Dockerfile's runtime stage changed shape, or Lotse does not answer /healthz.
#  - The real Dockerfile needs its base images (golang, distroless) from a registry. Where
#    none can be reached, the same runtime stage is built FROM scratch: the same static
#    binary (CGO_ENABLED=0, -trimpath, the Dockerfile's ldflags), the nonroot user 65532,
#    /data, zoneinfo and CA certificates, and the runtime stage's ENV, EXPOSE, VOLUME, USER,
#    LABEL and ENTRYPOINT lines copied from the Dockerfile itself, so they cannot drift.
#  - Where running a container is refused, the error is printed and the same binary runs
#    outside with the image's environment, as user 65532 when this runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."

loud() { echo "!!!! $*"; }
fail() { echo "FAIL: $*"; exit 1; }

work=$(mktemp -d)
container=""
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "$container" ]; then podman rm -f "$container" >/dev/null 2>&1 || true; fi
  if [ -n "${podman:-}" ]; then podman rmi -f localhost/lotse-scratch:ci localhost/lotse:ci >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}

result_build="not tried" result_scratch="not tried" result_run="not tried" result_health="not checked"
summary() {
  echo "== image summary"
  echo "   Dockerfile build:           $result_build"
  echo "   runtime stage FROM scratch: $result_scratch"
  echo "   container run:              $result_run"
  echo "   /healthz:                   $result_health"
}
trap 'summary; cleanup' EXIT

# http_get URL prints the status code of a GET, or 000 when nothing answers.
http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$1" || true
  else
    local hostport=${1#http://}; hostport=${hostport%%/*}; local path=/${1#http://*/}
    { exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" && printf 'GET %s HTTP/1.0\r\n\r\n' "$path" >&3 && head -1 <&3 | cut -d' ' -f2; exec 3>&-; } 2>/dev/null || echo 000
  fi
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  fail "no free port found"
}

# wait_healthz URL PID: waits up to 20 s for 200 from URL while the process PID (or the
# container, when PID is "") lives.
wait_healthz() {
  for _ in $(seq 100); do
    [ "$(http_get "$1")" = 200 ] && return 0
    if [ -n "$2" ] && ! kill -0 "$2" 2>/dev/null; then return 1; fi
    sleep 0.2
  done
  return 1
}

version=$(git describe --tags --always --dirty 2>/dev/null || echo devel)

# --- The builder ----------------------------------------------------------------------
if ! command -v podman >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends podman >/dev/null; } \
    || loud "podman could not be installed from Debian's packages"
fi
podman=""
if command -v podman >/dev/null 2>&1; then podman=podman; podman --version; else loud "NO CONTAINER BUILDER: no image is built here; checking the binary outside a container only"; fi

# --- The real Dockerfile --------------------------------------------------------------
if [ -n "$podman" ]; then
  echo "== podman build -f Dockerfile"
  # Docker reads "golang:…" as docker.io/library/golang:…; Debian's podman, without a search
  # registry, refuses such short names before it tries. This build says where to look.
  printf 'unqualified-search-registries = ["docker.io"]\n' >"$work/registries.conf"
  if CONTAINERS_REGISTRIES_CONF="$work/registries.conf" timeout 90 podman build --build-arg "VERSION=$version" -t localhost/lotse:ci -f Dockerfile . >"$work/build.log" 2>&1; then
    result_build="built"
  elif grep -qiE 'pull|registry|manifest|dial tcp|lookup |name resolution|i/o timeout|connection refused|no route' "$work/build.log" || ! grep -q 'STEP 2/' "$work/build.log"; then
    why=$(grep -iE 'error|pull' "$work/build.log" | tail -1 | cut -c1-400)
    result_build="NOT BUILT: base images cannot be pulled here ($why)"
    loud "THE DOCKERFILE WAS NOT BUILT: its base images cannot be pulled on this machine: $why"
  else
    tail -40 "$work/build.log"
    fail "the Dockerfile does not build"
  fi
fi

# --- The runtime stage, FROM scratch --------------------------------------------------
# The runtime stage is everything after the Dockerfile's last FROM. Its COPY lines are
# rebuilt below from local files; any other COPY or RUN is a change this script must learn.
runtime=$(awk '/^FROM /{stage=""} {stage=stage $0 "\n"} END{printf "%s", stage}' Dockerfile)
copies=$(printf '%s' "$runtime" | grep '^COPY' || true)
want_copies='COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=build /out/lotse /usr/local/bin/lotse
COPY --from=build --chown=nonroot:nonroot /out/data /data'
[ "$copies" = "$want_copies" ] || fail "the Dockerfile's runtime stage copies other files than .ci/image.sh rebuilds:
$copies
update the scratch build in .ci/image.sh"
if printf '%s' "$runtime" | grep -qE '^(RUN|ADD|WORKDIR|ONBUILD|SHELL|HEALTHCHECK|STOPSIGNAL)'; then
  fail "the Dockerfile's runtime stage has instructions .ci/image.sh does not rebuild: update it"
fi
printf '%s' "$runtime" | grep -q '^FROM gcr.io/distroless/static-debian12:nonroot' \
  || fail "the runtime stage's base changed: .ci/image.sh rebuilds distroless/static:nonroot (uid 65532); update it"

# The binary, built as the Dockerfile's build stage does.
grep -q 'RUN CGO_ENABLED=0 go build -trimpath -ldflags=' Dockerfile || fail "the Dockerfile's go build changed: update .ci/image.sh"
ldflags=$(sed -n 's/.*go build .*-ldflags="\([^"]*\)".*/\1/p' Dockerfile)
ldflags=${ldflags//\$\{VERSION\}/$version}
ctx="$work/context"
mkdir -p "$ctx/data" "$ctx/etc/ssl/certs"
echo "== go build (CGO_ENABLED=0 -trimpath -ldflags=\"$ldflags\")"
CGO_ENABLED=0 go build -trimpath -ldflags="$ldflags" -o "$ctx/lotse" . || fail "the binary does not build"
[ -d /usr/share/zoneinfo/Europe ] || fail "no /usr/share/zoneinfo on this machine (Debian: tzdata)"
cp -r /usr/share/zoneinfo "$ctx/zoneinfo"
# distroless's nonroot user and group, and its CA certificates.
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$ctx/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$ctx/etc/group"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then cp /etc/ssl/certs/ca-certificates.crt "$ctx/etc/ssl/certs/"; fi
{
  echo "# Generated by .ci/image.sh from the runtime stage of the Dockerfile."
  echo "FROM scratch"
  echo "COPY etc /etc"
  echo "COPY zoneinfo /usr/share/zoneinfo"
  echo "COPY lotse /usr/local/bin/lotse"
  echo "COPY --chown=65532:65532 data /data"
  printf '%s\n' "$runtime" | grep -vE '^(FROM|COPY|#|$)'
} >"$ctx/Containerfile"
echo "== the runtime stage FROM scratch:"; sed 's/^/   /' "$ctx/Containerfile"

image=""
if [ -n "$podman" ]; then
  if podman build --build-arg "VERSION=$version" -t localhost/lotse-scratch:ci -f "$ctx/Containerfile" "$ctx" >"$work/scratch.log" 2>&1; then
    image=localhost/lotse-scratch:ci
    # The image carries the Dockerfile's user, entrypoint, volume and port.
    got=$(podman image inspect --format '{{.Config.User}}|{{json .Config.Entrypoint}}|{{range $k, $v := .Config.Volumes}}{{$k}}{{end}}|{{range $k, $v := .Config.ExposedPorts}}{{$k}}{{end}}' "$image")
    want="nonroot:nonroot|[\"/usr/local/bin/lotse\"]|/data|9090/tcp"
    [ "$got" = "$want" ] || fail "the scratch image has user|entrypoint|volume|port $got, want $want"
    result_scratch="built (user nonroot:nonroot, entrypoint, /data, 9090 as the Dockerfile says)"
  else
    tail -20 "$work/scratch.log"
    fail "the runtime stage does not build FROM scratch"
  fi
fi

# --- Start it against the fake Bot API ------------------------------------------------
go build -o "$work/fakeapi" ./bot/fakeapi/cmd
"$work/fakeapi" -addr 127.0.0.1:0 >"$work/fakeapi.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q 'fake Bot API on' "$work/fakeapi.log" && break; sleep 0.1; done
read -r api token < <(sed -n 's/^fake Bot API on \(\S*\) token \(\S*\)$/\1 \2/p' "$work/fakeapi.log")
[ -n "${api:-}" ] || fail "the fake Bot API did not start: $(cat "$work/fakeapi.log")"
port=$(free_port)
admin_token="ci-$RANDOM$RANDOM"

if [ -n "$image" ]; then
  container="lotse-ci-$$"
  # The image's own environment, but the admin listener on a free port of the host network
  # (the fake Bot API listens on the host's 127.0.0.1), with the token an open address needs.
  if podman run -d --name "$container" --network host \
      -e TELEGRAM_BOT_TOKEN="$token" -e TELEGRAM_API_URL="$api" -e LOTSE_ADMIN_TOKEN="$admin_token" \
      -e LOTSE_ADMIN_ADDR="0.0.0.0:$port" "$image" >"$work/run.log" 2>&1; then
    result_run="started"
    if wait_healthz "http://127.0.0.1:$port/healthz" ""; then
      result_health="200 from the container"
    else
      podman logs "$container" 2>&1 | tail -30
      fail "the container started but /healthz did not answer 200"
    fi
  else
    why=$(grep -v '^\s*$' "$work/run.log" | tail -1 | cut -c1-300)
    result_run="REFUSED by this machine: $why"
    loud "THE CONTAINER COULD NOT BE STARTED HERE: $why"
    loud "checking the same binary with the image's environment outside a container instead"
  fi
fi

if [ "$result_health" = "not checked" ]; then
  # The image's ENV, read from the Dockerfile; only the database moves to a temporary /data
  # and the admin listener to a free port.
  envs=()
  for kv in $(sed -n 's/^ENV //p' Dockerfile); do envs+=("$kv"); done
  data="$work/data"; mkdir -p "$data"
  as=()
  if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    chown 65532:65532 "$data" "$work"; chmod 755 "$work"
    as=(setpriv --reuid 65532 --regid 65532 --clear-groups)
  fi
  env -i PATH=/usr/bin:/bin "${envs[@]}" LOTSE_DB="$data/lotse.db" LOTSE_ADMIN_ADDR="0.0.0.0:$port" \
    TELEGRAM_BOT_TOKEN="$token" TELEGRAM_API_URL="$api" LOTSE_ADMIN_TOKEN="$admin_token" \
    "${as[@]}" "$ctx/lotse" >"$work/lotse.log" 2>&1 &
  lotse=$!
  pids+=($lotse)
  if wait_healthz "http://127.0.0.1:$port/healthz" "$lotse"; then
    who="uid $(if [ ${#as[@]} -gt 0 ]; then echo 65532; else id -u; fi)"
    result_health="200 from the same binary outside a container ($who, the image's ENV)"
  else
    tail -30 "$work/lotse.log"
    fail "Lotse did not answer 200 on /healthz"
  fi
  # A stop is clean: SIGTERM ends it with exit 0.
  kill -TERM "$lotse"
  code=0; wait "$lotse" || code=$?
  pids=("${pids[@]/$lotse}")
  [ "$code" = 0 ] || { tail -20 "$work/lotse.log"; fail "Lotse exited with $code after SIGTERM"; }
  result_health="$result_health; stopped cleanly on SIGTERM"
fi
