#!/usr/bin/env bash
# Makes podman a second engine the suite can drive: installs Debian's podman where it is missing, configures it for
# this machine, and loads into it, from docker, the images the podman lane runs (podman keeps its own images,
# containers and volumes, apart from dockerd's; nothing is pulled: no registry is reachable).
#
# This machine's configuration: rootful podman cannot raise the nofile limit here, so every container fails to start
# ("error setting rlimit type 7: operation not permitted") until containers.conf sets no default ulimits. Only that
# key is written, and only when the file does not set it already.
set -euo pipefail

if ! command -v podman >/dev/null 2>&1; then
  echo "podman-engine: installing podman" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q podman >/dev/null
fi

conf=/etc/containers/containers.conf
if ! grep -qs '^[[:space:]]*default_ulimits' "$conf"; then
  echo "podman-engine: $conf: default_ulimits = [] (the nofile limit cannot be raised here)" >&2
  mkdir -p "$(dirname "$conf")"
  if grep -qs '^\[containers\]' "$conf"; then
    sed -i 's/^\[containers\]/[containers]\ndefault_ulimits = []/' "$conf"
  else
    printf '[containers]\ndefault_ulimits = []\n' >>"$conf"
  fi
fi

# The images the podman lane runs (the arguments; the fixture images by default), loaded again only when docker's
# differs from podman's (the same image id once loaded).
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(summit-dr-fixture/postgres:test summit-dr-fixture/neo4j:test)
for image in "${images[@]}"; do
  want=$(docker image inspect --format '{{.Id}}' "$image")
  have=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  if [ "sha256:$have" != "$want" ] && [ "$have" != "$want" ]; then
    echo "podman-engine: loading $image from docker" >&2
    docker save "$image" | podman load -q >/dev/null
  fi
done

podman run --rm --network none --pull never "${images[0]}" true \
  || { echo "podman-engine: podman cannot run a container here" >&2; exit 1; }
