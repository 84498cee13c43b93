#!/usr/bin/env bash
# Makes sure a Docker engine answers. Leaves an existing engine alone; otherwise installs Debian's
# docker.io and starts dockerd without iptables or a default bridge (test containers use --network none).
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker-engine: installing docker.io and debootstrap" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q docker.io debootstrap >/dev/null
fi

echo "docker-engine: starting dockerd" >&2
setsid dockerd --iptables=false --bridge=none >/tmp/dockerd.log 2>&1 < /dev/null &

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "docker-engine: dockerd did not answer within 60 s; see /tmp/dockerd.log" >&2
tail -n 20 /tmp/dockerd.log >&2 || true
exit 1
