// Installs the tierlint server and its pure-Python dependencies into bundled/libs, so that any
// Python >= 3.10 can run it with PYTHONPATH=bundled/libs and nothing installed.
//   node scripts/bundle-python.mjs          (TIERLINT_BUILD_PYTHON picks the pip to use, default python3)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ext = resolve(here, '..');
const repo = resolve(ext, '..', '..');
const target = join(ext, 'bundled', 'libs');
const python = process.env.TIERLINT_BUILD_PYTHON || (process.platform === 'win32' ? 'python' : 'python3');

// The server is built into a wheel, then it and its dependencies are installed as pure-Python
// wheels only (tomli, for one, also has compiled wheels). pip evaluates environment markers for
// the interpreter it runs in, so the dependencies that only Python 3.10 needs are named here.
const MIN_PYTHON = '3.10';
const EXTRA = ['tomli>=1.1', 'exceptiongroup>=1.1.1', 'typing_extensions>=4.14'];

function run(cmd, args) {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: repo });
  if (r.error) {
    console.error(`bundle-python: cannot run ${cmd}: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) {
    process.exit(r.status ?? 1);
  }
}

if (!existsSync(join(repo, 'pyproject.toml'))) {
  console.error(`bundle-python: no pyproject.toml in ${repo}`);
  process.exit(1);
}
rmSync(join(ext, 'bundled'), { recursive: true, force: true });
const wheels = mkdtempSync(join(tmpdir(), 'tierlint-wheel-'));
try {
  const pip = ['-m', 'pip', '--disable-pip-version-check', '--no-input', '--quiet'];
  run(python, [...pip, 'wheel', '--no-deps', '--wheel-dir', wheels, '.']);
  const wheel = readdirSync(wheels).find((n) => /^tierlint-.*\.whl$/.test(n));
  if (!wheel) {
    console.error('bundle-python: building the tierlint wheel produced nothing');
    process.exit(1);
  }
  run(python, [
    ...pip, 'install', '--no-compile', '--target', target,
    '--only-binary', ':all:', '--platform', 'any', '--implementation', 'py', '--abi', 'none',
    '--python-version', MIN_PYTHON,
    join(wheels, wheel), ...EXTRA,
  ]);
} finally {
  rmSync(wheels, { recursive: true, force: true });
}

// Nothing of the build machine goes into the package: console scripts carry its interpreter's
// path in their shebang, direct_url.json its checkout path, caches its Python version.
function prune(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === '__pycache__' || name.endsWith('.pyc')) {
      rmSync(p, { recursive: true, force: true });
    } else if (name === 'direct_url.json') {
      rmSync(p, { force: true });
    } else if (statSync(p).isDirectory()) {
      prune(p);
    }
  }
}
rmSync(join(target, 'bin'), { recursive: true, force: true });
prune(target);

// Every dependency must be pure Python: the same bundle serves every platform.
const native = [];
(function scan(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      scan(p);
    } else if (/\.(so|pyd|dylib)$/.test(name)) {
      native.push(p);
    }
  }
})(target);
if (native.length) {
  console.error(`bundle-python: native code in the bundle: ${native.join(', ')}`);
  process.exit(1);
}
if (!existsSync(join(target, 'tierlint', '__init__.py'))) {
  console.error('bundle-python: tierlint is missing from the bundle');
  process.exit(1);
}
console.log(`bundle-python: ${readdirSync(target).filter((n) => !n.endsWith('.dist-info')).sort().join(' ')}`);
