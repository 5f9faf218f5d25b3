#!/usr/bin/env bash
# Runs the tierlint extension in a real VS Code: installs the .vsix into a throw-away code-server
# profile, opens the fixture workspace in headless Chromium and lets drive.mjs check the Problems
# panel, the hover, a quick fix, the code lens and the status bar. Needs setup.sh first.
#
#   tests/e2e/vscode/run.sh [path/to/tierlint.vsix]
#
# Env: E2E_DIR (default <repo>/.e2e), CODE_SERVER_VERSION, E2E_PYTHON (a Python to set as
#      tierlint.interpreter; by default the extension finds python3 on the PATH that VS Code gets
#      from a login shell), E2E_OUT (screenshots and logs,
#      default $E2E_DIR/out), E2E_SETTINGS (a JSON file of user settings to add, e.g. tierlint.*),
#      E2E_KEEP=1 keeps the run folder, CHROMIUM (default /usr/bin/chromium),
#      E2E_UPDATE_SCREENSHOT=1 copies the main screenshot to docs/images/vscode.png when all passed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
E2E_DIR=${E2E_DIR:-$REPO/.e2e}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.100.3}
CODE_SERVER=$E2E_DIR/code-server-$CODE_SERVER_VERSION/node_modules/.bin/code-server
E2E_OUT=${E2E_OUT:-$E2E_DIR/out}
FIXTURE=$REPO/tests/fixtures/e2e

VSIX=${1:-}
if [ -z "$VSIX" ]; then
  VSIX=$(ls -t "$REPO"/clients/vscode/tierlint-*.vsix 2>/dev/null | head -1 || true)
fi
[ -n "$VSIX" ] && [ -f "$VSIX" ] || { echo "no .vsix: run 'make vscode-package' first" >&2; exit 2; }
VSIX=$(cd "$(dirname "$VSIX")" && pwd)/$(basename "$VSIX")
[ -x "$CODE_SERVER" ] || { echo "code-server is not installed: run $HERE/setup.sh" >&2; exit 2; }

mkdir -p "$E2E_DIR" "$E2E_OUT"
RUN=$(mktemp -d "$E2E_DIR/run.XXXXXX")
mkdir -p "$RUN"/{home,data/User,extensions,ws,tmp,chromium}
cp -R "$FIXTURE"/. "$RUN/ws/"

# Everything code-server and Chromium write stays in the run folder.
export HOME=$RUN/home XDG_CONFIG_HOME=$RUN/home/.config XDG_DATA_HOME=$RUN/home/.local/share \
  XDG_CACHE_HOME=$RUN/home/.cache XDG_STATE_HOME=$RUN/home/.local/state \
  XDG_RUNTIME_DIR=$RUN/tmp TMPDIR=$RUN/tmp
# No extension gallery: there is no network beyond the package registries.
export EXTENSIONS_GALLERY='{}'

cat >"$RUN/data/User/settings.json" <<'EOF'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.colorTheme": "Default Dark Modern",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "git.enabled": false,
  "git.openRepositoryInParentFolders": "never",
  "editor.hover.delay": 150,
  "editor.hover.above": false,
  "editor.minimap.enabled": false,
  "editor.fontSize": 14,
  "window.commandCenter": false,
  "chat.commandCenter.enabled": false,
  "tierlint.trace.server": "messages"
}
EOF

if [ -n "${E2E_PYTHON:-}" ]; then
  E2E_PYTHON=$(command -v "$E2E_PYTHON")
  node -e '
    const fs = require("fs");
    const [file, python] = process.argv.slice(1);
    const settings = JSON.parse(fs.readFileSync(file, "utf8"));
    settings["tierlint.interpreter"] = [python];
    fs.writeFileSync(file, JSON.stringify(settings, null, 2));' "$RUN/data/User/settings.json" "$E2E_PYTHON"
fi
if [ -n "${E2E_SETTINGS:-}" ]; then
  node -e '
    const fs = require("fs");
    const [file, extra] = process.argv.slice(1);
    const settings = { ...JSON.parse(fs.readFileSync(file, "utf8")), ...JSON.parse(fs.readFileSync(extra, "utf8")) };
    fs.writeFileSync(file, JSON.stringify(settings, null, 2));' "$RUN/data/User/settings.json" "$E2E_SETTINGS"
fi

CS=("$CODE_SERVER" --config "$RUN/config.yaml" --user-data-dir "$RUN/data" --extensions-dir "$RUN/extensions")

CS_PGID=
stop_server() {
  # code-server starts a file watcher, extension hosts and language servers: it runs in its own
  # process group (setsid), and the whole group is stopped.
  if [ -n "$CS_PGID" ]; then
    kill -TERM -- "-$CS_PGID" 2>/dev/null || true
    for _ in $(seq 20); do
      kill -0 -- "-$CS_PGID" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL -- "-$CS_PGID" 2>/dev/null || true
    CS_PGID=
  fi
}
finish() {
  local rc=$?
  stop_server
  # keep the logs of the extension and the server next to the screenshots
  rm -rf "$E2E_OUT/logs"
  [ -d "$RUN/data/logs" ] && cp -R "$RUN/data/logs" "$E2E_OUT/logs" 2>/dev/null || true
  [ -f "$RUN/code-server.log" ] && cp "$RUN/code-server.log" "$E2E_OUT/" || true
  if [ $rc != 0 ]; then
    for log in "$E2E_OUT"/logs/*/exthost1/tierlint.tierlint/tierlint.log; do
      [ -f "$log" ] && { echo "--- last lines of the tierlint output ($log):"; tail -n 25 "$log"; }
    done
  fi
  if [ -n "${E2E_KEEP:-}" ]; then echo "run folder kept: $RUN"; else rm -rf "$RUN"; fi
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT TERM

"${CS[@]}" --install-extension "$VSIX" >/dev/null
"${CS[@]}" --list-extensions --show-versions

PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
setsid "${CS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override "$RUN/ws" >"$RUN/code-server.log" 2>&1 &
CS_PGID=$!

# ready when /healthz answers
node -e '
  const [port, pid] = process.argv.slice(1);
  const deadline = Date.now() + 30000;
  (function poll() {
    try { process.kill(Number(pid), 0); } catch { console.error("code-server exited"); process.exit(1); }
    require("http").get({ host: "127.0.0.1", port, path: "/healthz" }, (r) => {
      r.resume();
      if (r.statusCode === 200) process.exit(0); else retry();
    }).on("error", retry);
    function retry() { if (Date.now() > deadline) { console.error("code-server did not answer"); process.exit(1); } setTimeout(poll, 200); }
  })();' "$PORT" "$CS_PGID" || { cat "$RUN/code-server.log"; exit 1; }

node "$HERE/drive.mjs" --url "http://127.0.0.1:$PORT" --folder "$RUN/ws" --file backlog.md \
  --out "$E2E_OUT" --profile "$RUN/chromium"
echo "screenshots: $E2E_OUT"
if [ -n "${E2E_UPDATE_SCREENSHOT:-}" ]; then
  cp "$E2E_OUT/vscode.png" "$REPO/docs/images/vscode.png"
  echo "updated docs/images/vscode.png"
fi
