#!/usr/bin/env bash
# Runs every vitest suite (the contract suites of every dialect over both transports among them) again
# under each Node major given, with MSW 3 in place of the MSW 2 the lockfile installs, so that
# `engines` and the msw peer range are proven rather than hoped. MSW 3 is installed beside a copy of
# the project and linked in, so the checkout and its node_modules are left as they are.
#
# usage: .ci/node-matrix.sh WORK MAJOR...   (after npm ci and npm run build)
# Writes WORK/node<MAJOR>.log and WORK/node<MAJOR>.label per run; exits non-zero when any run fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/.ci/lib.sh"
work=$1
shift

mkdir -p "$work/msw3"
(cd "$work/msw3" && npm init -y >/dev/null && npm install "${npm_quiet[@]}" "msw@$MSW3" >/dev/null)

# A copy of the project whose node_modules links every package of the checkout but msw.
project="$work/project"
mkdir -p "$project/node_modules"
tar -C "$root" --exclude=./node_modules --exclude=./.git -cf - . | tar -C "$project" -xf -
for entry in "$root"/node_modules/* "$root"/node_modules/.bin; do
  name=$(basename "$entry")
  [[ $name == msw ]] || ln -s "$entry" "$project/node_modules/$name"
done
ln -s "$work/msw3/node_modules/msw" "$project/node_modules/msw"

status=0
for major in "$@"; do
  bin=$(fetch_node "$major" "$work")
  label=$(cd "$project" && "$bin/node" -p "'Node ' + process.versions.node + ' + msw ' + require('msw/package.json').version")
  echo "$label" >"$work/node$major.label"
  echo "== $label: vitest run"
  if ! (cd "$project" && PATH="$bin:$PATH" node node_modules/vitest/vitest.mjs run 2>&1) | tee "$work/node$major.log"; then
    status=1
  fi
done
exit "$status"
