#!/usr/bin/env bash
# Tools some suites drive besides Node: the AWS CLI (test/aws-cli.test.ts). A fresh CI machine may
# lack it, so Debian's awscli package is installed when `aws` is missing; with CI set, a suite whose
# tool is still missing fails instead of being skipped.
set -euo pipefail

if command -v aws >/dev/null 2>&1; then
  echo "aws: $(aws --version 2>&1)"
  exit 0
fi
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "aws is missing and installing it needs root or sudo" >&2; exit 1; }
  sudo=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends awscli >/dev/null
echo "aws: $(aws --version 2>&1)"
