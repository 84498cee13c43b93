#!/usr/bin/env bash
# Builds the summit-dr image from this checkout, offline: publishes the tool self-contained for linux-x64,
# copies it, the docker CLI on PATH and the host's CA bundle into a build context, and builds
# samples/container/Dockerfile there.
#   samples/container/build.sh [TAG] [BASE]      (defaults: summit-dr:latest, debian:bookworm-slim)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tag=${1:-summit-dr:latest}
base=${2:-debian:bookworm-slim}

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
dotnet publish "$repo/src/Summit.Dr.Tool/Summit.Dr.Tool.csproj" -c Release -r linux-x64 --self-contained \
  -p:PackAsTool=false -o "$context/summit-dr" >"$context/publish.log" 2>&1 || { tail -n 30 "$context/publish.log" >&2; exit 1; }
cp "$(command -v docker)" "$context/docker"
mkdir -p "$context/certs"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then cp /etc/ssl/certs/ca-certificates.crt "$context/certs/"; fi
cp "$here/Dockerfile" "$context/Dockerfile"
docker build -q --build-arg BASE="$base" -t "$tag" "$context" >"$context/build.log" 2>&1 || { tail -n 30 "$context/build.log" >&2; exit 1; }
echo "$tag"
