#!/usr/bin/env bash
# Tools some suites drive besides Node: the AWS CLI (test/aws-cli*.test.ts), boto3
# (test/boto3.test.ts) and a headless Chromium (test/control/dashboard.test.ts; Debian's own package,
# since playwright's browser download cannot reach its host from CI). A fresh CI machine may lack
# them, so Debian's packages are installed when missing; with CI set, a suite whose tool is still
# missing fails instead of being skipped.
set -euo pipefail

packages=()
command -v aws >/dev/null 2>&1 || packages+=(awscli)
python3 -c 'import boto3' >/dev/null 2>&1 || packages+=(python3-boto3)
[[ -x /usr/bin/chromium ]] || packages+=(chromium)

if [[ ${#packages[@]} -gt 0 ]]; then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "installing ${packages[*]} needs root or sudo" >&2; exit 1; }
    sudo=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
echo "aws: $(aws --version 2>&1)"
echo "boto3: $(python3 -c 'import boto3; print(boto3.__version__)')"
echo "chromium: $(/usr/bin/chromium --version)"
