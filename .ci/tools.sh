#!/usr/bin/env bash
# Tools some suites drive besides Node: the AWS CLI (test/aws-cli*.test.ts) and boto3
# (test/boto3.test.ts). A fresh CI machine may lack them, so Debian's awscli and python3-boto3
# packages are installed when `aws` or Python's boto3 is missing; with CI set, a suite whose tool is
# still missing fails instead of being skipped.
set -euo pipefail

packages=()
command -v aws >/dev/null 2>&1 || packages+=(awscli)
python3 -c 'import boto3' >/dev/null 2>&1 || packages+=(python3-boto3)

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
