#!/usr/bin/env bash
# Install the Debian packages oligoboard needs, only those missing, so a fresh machine needs nothing by hand.
# The list lives in debian-packages.txt (one package per line, `#` comments). Each entry may carry a probe
# after `|`: a command that succeeds when the need is already met another way (e.g. a Python with venv).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
while IFS= read -r line; do
  line="${line%%#*}"
  [ -z "${line// }" ] && continue
  pkg="$(echo "${line%%|*}" | xargs)"
  probe="$(echo "${line#*|}" | xargs)"
  [ "$probe" != "$pkg" ] && [ -n "$probe" ] && bash -c "$probe" >/dev/null 2>&1 && continue
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done < debian-packages.txt
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
