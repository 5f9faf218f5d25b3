// Builds tierlint-<version>.vsix: bundles the Python server, then lets vsce run the esbuild
// production build (vscode:prepublish) and pack the files that .vscodeignore keeps.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ext = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(ext, 'package.json'), 'utf8'));
const out = `tierlint-${version}.vsix`;
const REPO = 'https://github.com/tierlint/tierlint';

function run(cmd, args) {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ext, shell: process.platform === 'win32' });
  if (r.status !== 0) {
    process.exit(r.status ?? 1);
  }
}

if (!process.argv.includes('--skip-python') || !existsSync(join(ext, 'bundled', 'libs', 'tierlint'))) {
  run(process.execPath, [join(ext, 'scripts', 'bundle-python.mjs')]);
}
const vsce = join(ext, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
run(vsce, [
  'package',
  '--no-dependencies',
  // The extension lives in a sub-folder of the repository: relative links in its README
  // resolve against that folder.
  '--baseContentUrl', `${REPO}/blob/HEAD/clients/vscode`,
  '--baseImagesUrl', `${REPO}/raw/HEAD/clients/vscode`,
  '--out', out,
]);
console.log(`${out}: ${(statSync(join(ext, out)).size / 1024).toFixed(0)} KiB`);
