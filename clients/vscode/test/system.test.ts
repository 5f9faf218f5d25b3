import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { isSupportedPython } from '../src/interpreter';
import { findExecutable, probePython } from '../src/system';

const posix = process.platform !== 'win32';
const dir = mkdtempSync(join(tmpdir(), 'tierlint-system-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('findExecutable', { skip: !posix && 'POSIX permissions' }, () => {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'tierlint'), '#!/bin/sh\n');
  chmodSync(join(bin, 'tierlint'), 0o755);
  writeFileSync(join(bin, 'not-exec'), 'x');
  chmodSync(join(bin, 'not-exec'), 0o644);

  it('finds a bare name on PATH', async () => {
    assert.equal(await findExecutable('tierlint', { PATH: `/nonexistent:${bin}` }), join(bin, 'tierlint'));
    assert.equal(await findExecutable('tierlint', { PATH: '/nonexistent' }), undefined);
  });

  it('checks a path as given, relative to the working directory', async () => {
    assert.equal(await findExecutable(join(bin, 'tierlint'), { PATH: '' }), join(bin, 'tierlint'));
    assert.equal(await findExecutable('bin/tierlint', { PATH: '' }, 'linux', dir), join(bin, 'tierlint'));
    assert.equal(await findExecutable(join(bin, 'not-exec'), { PATH: '' }), undefined);
    assert.equal(await findExecutable(bin, { PATH: '' }), undefined, 'a directory is not an executable');
  });
});

describe('probePython', () => {
  it('reports a missing interpreter', async () => {
    const r = await probePython([join(dir, 'no-such-python')]);
    assert.deepEqual(r, { ok: false, error: 'not found' });
  });

  it('reports an interpreter that fails', { skip: !posix && 'needs /bin/sh' }, async () => {
    const fake = join(dir, 'broken-python');
    writeFileSync(fake, '#!/bin/sh\necho "ModuleNotFoundError: boom" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const r = await probePython([fake]);
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /boom/);
  });

  it('reads the version that a fake interpreter prints', { skip: !posix && 'needs /bin/sh' }, async () => {
    const fake = join(dir, 'fake-python');
    writeFileSync(fake, '#!/bin/sh\n[ "$1" = -c ] || exit 3\necho 3.12.4\necho /opt/fake/python3.12\n');
    chmodSync(fake, 0o755);
    assert.deepEqual(await probePython([fake]), { ok: true, version: '3.12.4', executable: '/opt/fake/python3.12' });
  });

  it('runs a real python3 when there is one', async (t) => {
    const python = await findExecutable('python3');
    if (!python) {
      t.skip('no python3 on PATH');
      return;
    }
    const r = await probePython(['python3']);
    assert.equal(r.ok, true);
    assert.equal(typeof isSupportedPython(r.version), 'boolean');
    assert.ok(r.executable);
  });
});
