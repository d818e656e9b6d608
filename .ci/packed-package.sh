#!/usr/bin/env bash
# The package as published: pack the project, install the tarball into an empty project, and there
# run .ci/packed/check.mjs (bin, ESM and CommonJS entry points, MSW handlers, types).
#
# usage: .ci/packed-package.sh WORK [MAJOR]   (after npm ci and npm run build)
# With MAJOR: under that Node with MSW 3; without: under the machine's Node with the lockfile's MSW 2.
# Writes WORK/packed<MAJOR>.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/.ci/lib.sh"
work=$1
major=${2:-}
# The versions the project's own tests use, so that npm's cache already holds them.
installed() { node -p "require('$root/node_modules/$1/package.json').version"; }

if [[ -n $major ]]; then
  PATH="$(fetch_node "$major" "$work"):$PATH"
  msw="msw@$MSW3"
else
  msw="msw@$(installed msw)"
fi

mkdir -p "$work/pack"
if ! compgen -G "$work/pack/keyemu-*.tgz" >/dev/null; then
  (cd "$root" && npm pack --json --pack-destination "$work/pack" 2>/dev/null) |
    node -e 'const [p] = JSON.parse(require("fs").readFileSync(0)); console.log(`Packed ${p.filename}: ${(p.size / 1024).toFixed(0)} kB (${(p.unpackedSize / 1024).toFixed(0)} kB unpacked, ${p.entryCount} files)`)'
fi
tarball=$(compgen -G "$work/pack/keyemu-*.tgz")

consumer="$work/consumer$major"
mkdir -p "$consumer"
cp "$root"/.ci/packed/* "$consumer"
cd "$consumer"
npm init -y >/dev/null
npm pkg set type=module
npm install "${npm_quiet[@]}" "$tarball" "$msw" "@aws-sdk/client-iam@$(installed @aws-sdk/client-iam)" \
  "typescript@$(installed typescript)" "@types/node@$(installed @types/node)" >/dev/null
node check.mjs 2>&1 | tee "$work/packed$major.log"
