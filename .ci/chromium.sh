#!/usr/bin/env bash
# The headless Chromium the dashboard test drives (test/control/dashboard.test.ts): Debian's own
# package, since playwright's browser download cannot reach its host from CI. Installed only when
# missing; with CI set, the test fails rather than skips without it.
set -euo pipefail
[[ -x /usr/bin/chromium ]] && exit 0
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version
