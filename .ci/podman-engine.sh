#!/usr/bin/env bash
# Makes podman a second engine the suite can drive: installs Debian's podman where it is missing, configures it for
# this machine when it needs it, and loads into it, from docker, the images the podman lane runs (podman keeps its own
# images, containers and volumes, apart from dockerd's; nothing is pulled: no registry is reachable).
#
# This machine's configuration: rootful podman cannot raise the open-files limit here, so every container fails to
# start ("error setting rlimit type 7: operation not permitted") until containers.conf sets no default ulimits. That
# one key is written only when a container fails that way and the file does not set it already.
set -euo pipefail

if ! command -v podman >/dev/null 2>&1; then
  echo "podman-engine: installing podman" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q podman >/dev/null
fi

# The images the podman lane runs (the arguments; the fixture images by default), loaded again only when docker's
# differs from podman's (the same image id once loaded).
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(summit-dr-fixture/postgres:test summit-dr-fixture/neo4j:test)
for image in "${images[@]}"; do
  want=$(docker image inspect --format '{{.Id}}' "$image") \
    || { echo "podman-engine: $image is not in docker to load into podman (test/fixtures/build-images.sh builds it)" >&2; exit 1; }
  have=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  if [ "sha256:$have" != "$want" ] && [ "$have" != "$want" ]; then
    echo "podman-engine: loading $image from docker" >&2
    docker save "$image" | podman load -q >/dev/null
  fi
done

runs() { podman run --rm --network none --pull never "${images[0]}" true 2>&1; }
if ! out=$(runs); then
  conf=/etc/containers/containers.conf
  if [[ "$out" == *"setting rlimit"* ]] && ! grep -qs '^[[:space:]]*default_ulimits' "$conf"; then
    echo "podman-engine: $conf: default_ulimits = [] (the open-files limit cannot be raised here)" >&2
    mkdir -p "$(dirname "$conf")"
    if grep -qs '^\[containers\]' "$conf"; then
      sed -i 's/^\[containers\]/[containers]\ndefault_ulimits = []/' "$conf"
    else
      printf '[containers]\ndefault_ulimits = []\n' >>"$conf"
    fi
    out=$(runs) && exit 0
  fi
  echo "podman-engine: podman cannot run a container here: $out" >&2
  exit 1
fi
