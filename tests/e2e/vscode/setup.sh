#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, using only Debian apt and the npm registry:
#   1. Debian packages: chromium, ripgrep, a C/C++ toolchain and libkrb5-dev (skipped when present)
#   2. code-server (a real VS Code) into $E2E_DIR/code-server-$CODE_SERVER_VERSION (skipped when done)
#   3. playwright-core for the driver, from this folder's package-lock.json
#
# code-server's own postinstall cannot run offline (it downloads ripgrep from GitHub), so it is
# installed with --ignore-scripts and its postinstall steps are done here one by one.
#
# Env: E2E_DIR (default <repo>/.e2e), CODE_SERVER_VERSION (default 4.100.3: the last release that
#      runs on Node 20), FRESH=1 to reinstall code-server and the driver.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
E2E_DIR=${E2E_DIR:-$REPO/.e2e}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.100.3}
CS_DIR=$E2E_DIR/code-server-$CODE_SERVER_VERSION
VSCODE_DIR=$CS_DIR/node_modules/code-server/lib/vscode
STAMP=$CS_DIR/.installed

# npm: quiet and non-interactive. node-pty's install script runs `npx node-gyp`, which must not
# prompt; native modules build with every core.
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_yes=true npm_config_loglevel=error JOBS=${JOBS:-max}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
seconds_since() { local d=$(($(now_ms) - $1)); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); }
# step NAME CMD...: runs CMD and prints how long it took. (CMD runs in a `||` context, where
# `set -e` does not apply: the functions below chain their commands with &&.)
step() {
  local name=$1 t0 rc=0
  shift
  t0=$(now_ms)
  echo "--- $name"
  "$@" || rc=$?
  printf -- '--- %-34s %7s s%s\n' "$name" "$(seconds_since "$t0")" "$([ $rc = 0 ] || echo "  FAILED ($rc)")"
  return $rc
}

# --- 1. Debian packages ------------------------------------------------------------------------
missing_packages() {
  command -v chromium >/dev/null || echo chromium
  command -v rg >/dev/null || echo ripgrep
  { command -v make >/dev/null && command -v g++ >/dev/null; } || echo build-essential
  command -v python3 >/dev/null || echo python3
  # gssapi.h: the kerberos module of VS Code compiles against it
  [ -e /usr/include/gssapi/gssapi.h ] || echo libkrb5-dev
  # fonts that the screenshots can render text with
  [ -e /usr/share/fonts/truetype/liberation ] || echo fonts-liberation
  [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || echo fonts-noto-color-emoji
}
apt_install() {
  local pkgs
  pkgs=$(missing_packages | tr '\n' ' ')
  [ -n "${pkgs// /}" ] || return 0
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: $pkgs(run this as root, or install them)" >&2
    return 1
  fi
  echo "installing: $pkgs"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q $pkgs
}

check_node() {
  local major headers
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "Node >= 20 is needed (found $(node --version))" >&2
    return 1
  fi
  # node-gyp compiles against the installed node's headers; without them it would download them.
  headers=$(node -p 'require("path").resolve(process.execPath, "../../include/node/node.h")')
  if [ ! -e "$headers" ]; then
    echo "Node's headers are missing ($headers); native modules cannot be built offline" >&2
    return 1
  fi
}

# --- 2. code-server ------------------------------------------------------------------------------
cs_fetch() {
  mkdir -p "$CS_DIR" &&
    { [ -f "$CS_DIR/package.json" ] || echo '{ "private": true }' >"$CS_DIR/package.json"; } &&
    (cd "$CS_DIR" && npm install --ignore-scripts --no-save "code-server@$CODE_SERVER_VERSION")
}
cs_build_argon2() {
  # prebuilt binaries come from GitHub (unreachable): node-gyp builds it instead
  (cd "$CS_DIR" && npm rebuild argon2)
}
cs_fetch_vscode() {
  # what code-server's postinstall does: install lib/vscode from its shrinkwrap, minus the scripts
  (cd "$VSCODE_DIR" && npm install --omit=dev --ignore-scripts)
}
cs_ripgrep() {
  # @vscode/ripgrep downloads rg from GitHub unless its bin/ folder exists: use Debian's
  mkdir -p "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin" &&
    ln -sfn "$(command -v rg)" "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg"
}
cs_build_native() {
  # runs every install script of lib/vscode: builds spdlog, node-pty, kerberos, ... with node-gyp
  (cd "$VSCODE_DIR" && npm rebuild)
}
cs_builtin_extensions() {
  (cd "$VSCODE_DIR/extensions" && npm install --omit=dev)
}
cs_links() {
  # the rest of code-server's postinstall (Linux)
  (cd "$VSCODE_DIR" && rm -rf node_modules.asar && ln -s node_modules node_modules.asar) &&
    (cd "$VSCODE_DIR/bin/remote-cli" && ln -sfn code-linux.sh code-server) &&
    (cd "$VSCODE_DIR/bin/helpers" && ln -sfn browser-linux.sh browser.sh)
}
cs_verify() {
  (cd "$VSCODE_DIR" && node -e '
    for (const m of ["@vscode/spdlog", "@vscode/deviceid", "native-watchdog", "node-pty", "kerberos", "@parcel/watcher"]) {
      require(require.resolve(m, { paths: [process.cwd()] }));
    }
    const rg = require("@vscode/ripgrep").rgPath;
    require("child_process").execFileSync(rg, ["--version"]);') &&
    (cd "$CS_DIR" && node -e 'require("argon2")') || return
  # code-server writes a config file into $XDG_CONFIG_HOME even for --version: keep it here
  local h rc=0
  h=$(mktemp -d "$E2E_DIR/verify.XXXXXX") || return
  HOME=$h XDG_CONFIG_HOME=$h/config XDG_DATA_HOME=$h/data "$CS_DIR/node_modules/.bin/code-server" --version || rc=$?
  rm -rf "$h"
  return $rc
}
install_code_server() {
  if [ -n "${FRESH:-}" ]; then rm -rf "$CS_DIR"; fi
  if [ -e "$STAMP" ]; then
    echo "code-server $CODE_SERVER_VERSION: installed in $CS_DIR"
    return 0
  fi
  rm -f "$STAMP"
  step "code-server: npm install" cs_fetch
  step "code-server: argon2" cs_build_argon2
  step "code-server: lib/vscode" cs_fetch_vscode
  step "code-server: ripgrep" cs_ripgrep
  step "code-server: native modules" cs_build_native
  step "code-server: built-in extensions" cs_builtin_extensions
  step "code-server: links" cs_links
  step "code-server: verify" cs_verify
  touch "$STAMP"
}

# --- 3. the driver -------------------------------------------------------------------------------
install_driver() {
  if [ -n "${FRESH:-}" ]; then rm -rf "$HERE/node_modules"; fi
  # npm ci only when the lock file changed since the last install
  if [ -f "$HERE/node_modules/.package-lock.json" ] && [ "$HERE/node_modules/.package-lock.json" -nt "$HERE/package-lock.json" ]; then
    echo "playwright-core: installed"
    return 0
  fi
  (cd "$HERE" && npm ci)
}

mkdir -p "$E2E_DIR"
T0=$(now_ms)
step "apt packages" apt_install
step "node" check_node
install_code_server
step "driver (playwright-core)" install_driver
printf -- '--- %-34s %7s s\n' "setup total" "$(seconds_since "$T0")"
