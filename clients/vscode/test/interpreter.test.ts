import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  bundledServerEnv,
  defaultPythonCandidates,
  expandVariables,
  isSupportedPython,
  parseProbeOutput,
  parseVersion,
  type ProbeResult,
  resolveServerCommand,
  type ResolveOptions,
} from '../src/interpreter';

const LIBS = '/ext/bundled/libs';

/** Options with fake interpreters: `pythons` maps a command line to the version it reports. */
function options(
  over: Partial<ResolveOptions> & { pythons?: Record<string, string>; executables?: string[] } = {},
): ResolveOptions & { probed: string[] } {
  const pythons = over.pythons ?? {};
  const executables = new Set(over.executables ?? []);
  const probed: string[] = [];
  return {
    settings: { interpreter: [], path: [] },
    bundledLibs: LIBS,
    platform: 'linux',
    vars: { workspaceFolder: '/ws', userHome: '/home/u' },
    probe: async (cmd: string[]): Promise<ProbeResult> => {
      const key = cmd.join(' ');
      probed.push(key);
      const version = pythons[key];
      return version ? { ok: true, version, executable: `/real/${cmd[0]}` } : { ok: false, error: 'not found' };
    },
    findExecutable: async (p: string) => (executables.has(p) ? p : undefined),
    ...over,
    probed,
  };
}

describe('resolveServerCommand', () => {
  it('runs the bundled server with python3 from PATH by default', async () => {
    const opts = options({ pythons: { python3: '3.11.7', python: '3.12.0' } });
    const r = await resolveServerCommand(opts);
    assert.ok(r.ok);
    assert.equal(r.server.command, 'python3');
    assert.deepEqual(r.server.args, ['-m', 'tierlint', 'serve']);
    assert.equal(r.server.env.PYTHONPATH, LIBS);
    assert.equal(r.server.source, 'PATH');
    assert.deepEqual(opts.probed, ['python3']);
  });

  it('falls back to python when python3 is missing or too old', async () => {
    const opts = options({ pythons: { python3: '3.8.10', python: '3.10.0' } });
    const r = await resolveServerCommand(opts);
    assert.ok(r.ok);
    assert.equal(r.server.command, 'python');
    assert.match(r.tried[0].result, /3\.8\.10.*3\.10 or newer/);
  });

  it('fails with every attempt listed when no Python is good enough', async () => {
    const r = await resolveServerCommand(options({ pythons: { python: '2.7.18' } }));
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.message, /no Python 3\.10 or newer/);
      assert.match(r.message, /tierlint\.interpreter/);
      assert.match(r.message, /python3 \(PATH\): not found/);
      assert.match(r.message, /python \(PATH\): is Python 2\.7\.18/);
      assert.equal(r.source, 'PATH');
    }
  });

  it('prefers the tierlint.interpreter setting, with arguments and variables', async () => {
    const opts = options({
      settings: { interpreter: ['${userHome}/py/bin/python', '-X', 'utf8'], path: [] },
      pythons: { '/home/u/py/bin/python -X utf8': '3.13.1', python3: '3.11.0' },
      pythonExtension: async () => ['/venv/bin/python'],
    });
    const r = await resolveServerCommand(opts);
    assert.ok(r.ok);
    assert.equal(r.server.command, '/home/u/py/bin/python');
    assert.deepEqual(r.server.args, ['-X', 'utf8', '-m', 'tierlint', 'serve']);
    assert.equal(r.server.source, 'tierlint.interpreter');
    assert.deepEqual(opts.probed, ['/home/u/py/bin/python -X utf8']);
  });

  it('does not silently fall back when the configured interpreter does not work', async () => {
    const r = await resolveServerCommand(
      options({ settings: { interpreter: ['/opt/py39/bin/python'], path: [] }, pythons: { '/opt/py39/bin/python': '3.9.18', python3: '3.11.0' } }),
    );
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.source, 'tierlint.interpreter');
      assert.match(r.message, /"tierlint\.interpreter"/);
      assert.match(r.message, /Python 3\.9\.18/);
    }
  });

  it("uses the Python extension's interpreter before PATH", async () => {
    const opts = options({
      pythonExtension: async () => ['/ws/.venv/bin/python'],
      pythons: { '/ws/.venv/bin/python': '3.12.3', python3: '3.11.0' },
    });
    const r = await resolveServerCommand(opts);
    assert.ok(r.ok);
    assert.equal(r.server.command, '/ws/.venv/bin/python');
    assert.equal(r.server.source, 'Python extension');
    assert.match(r.server.description, /Python 3\.12\.3/);
  });

  it("skips the Python extension's interpreter when it is too old, missing or throws", async () => {
    for (const pythonExtension of [
      async () => ['/old/python'],
      async () => undefined,
      async () => [],
      async () => {
        throw new Error('API not ready');
      },
    ]) {
      const r = await resolveServerCommand(
        options({ pythonExtension, pythons: { '/old/python': '3.9.0', python3: '3.11.0' } }),
      );
      assert.ok(r.ok);
      assert.equal(r.server.command, 'python3');
    }
  });

  it('treats a probe that throws as a failed attempt', async () => {
    const r = await resolveServerCommand(
      options({
        probe: async (cmd) => {
          if (cmd[0] === 'python3') {
            throw new Error('spawn EPERM');
          }
          return { ok: true, version: '3.10.12' };
        },
      }),
    );
    assert.ok(r.ok);
    assert.equal(r.server.command, 'python');
    assert.match(r.tried[0].result, /EPERM/);
  });

  it('runs an installed tierlint executable from tierlint.path, first existing one wins', async () => {
    const opts = options({
      settings: { interpreter: ['/usr/bin/python3'], path: ['/missing/tierlint', '${workspaceFolder}/.venv/bin/tierlint'] },
      executables: ['/ws/.venv/bin/tierlint'],
      pythons: { '/usr/bin/python3': '3.11.0' },
    });
    const r = await resolveServerCommand(opts);
    assert.ok(r.ok);
    assert.equal(r.server.command, '/ws/.venv/bin/tierlint');
    assert.deepEqual(r.server.args, ['serve']);
    assert.deepEqual(r.server.env, {});
    assert.equal(r.server.source, 'tierlint.path');
    assert.deepEqual(opts.probed, [], 'no interpreter is probed');
  });

  it('reports a tierlint.path where nothing exists', async () => {
    const r = await resolveServerCommand(options({ settings: { interpreter: [], path: ['~/bin/tierlint'] } }));
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.source, 'tierlint.path');
      assert.match(r.message, /\/home\/u\/bin\/tierlint/);
    }
  });

  it('tries python, py -3 and python3 on Windows', async () => {
    assert.deepEqual(defaultPythonCandidates('win32'), [['python'], ['py', '-3'], ['python3']]);
    const r = await resolveServerCommand(
      options({ platform: 'win32', bundledLibs: 'C:\\ext\\bundled\\libs', existingPythonPath: 'C:\\lib', pythons: { 'py -3': '3.12.1' } }),
    );
    assert.ok(r.ok);
    assert.equal(r.server.command, 'py');
    assert.deepEqual(r.server.args, ['-3', '-m', 'tierlint', 'serve']);
    assert.equal(r.server.env.PYTHONPATH, 'C:\\ext\\bundled\\libs;C:\\lib');
  });
});

describe('helpers', () => {
  it('parses and compares versions', () => {
    assert.deepEqual(parseVersion('3.11.7'), [3, 11, 7]);
    assert.deepEqual(parseVersion('3.13'), [3, 13, 0]);
    assert.deepEqual(parseVersion(' 3.14.0rc1\n'), [3, 14, 0]);
    assert.equal(parseVersion('Python'), undefined);
    assert.equal(isSupportedPython('3.10.0'), true);
    assert.equal(isSupportedPython('3.9.19'), false);
    assert.equal(isSupportedPython('4.0.0'), true);
    assert.equal(isSupportedPython(undefined), false);
  });

  it('parses the probe output', () => {
    assert.deepEqual(parseProbeOutput('3.11.7\n/usr/bin/python3.11\n'), {
      ok: true,
      version: '3.11.7',
      executable: '/usr/bin/python3.11',
    });
    assert.deepEqual(parseProbeOutput('3.12.0\r\nC:\\Python312\\python.exe\r\n').executable, 'C:\\Python312\\python.exe');
    assert.equal(parseProbeOutput('hello').ok, false);
  });

  it('expands variables', () => {
    const vars = { workspaceFolder: '/ws', userHome: '/home/u' };
    assert.equal(expandVariables('~/x', vars), '/home/u/x');
    assert.equal(expandVariables('~', vars), '/home/u');
    assert.equal(expandVariables('a~b', vars), 'a~b');
    assert.equal(expandVariables('${workspaceFolder}/.venv/bin/python', vars), '/ws/.venv/bin/python');
    assert.equal(expandVariables('${userHome}/p', vars), '/home/u/p');
    assert.equal(expandVariables('${env:PYHOME}/bin/python', vars, { PYHOME: '/opt/py' }), '/opt/py/bin/python');
    assert.equal(expandVariables('${workspaceFolder}/x', { userHome: '/h' }), '${workspaceFolder}/x');
  });

  it('puts the bundled libraries first on PYTHONPATH', () => {
    assert.deepEqual(bundledServerEnv('/e/libs', undefined, 'linux'), {
      PYTHONPATH: '/e/libs',
      PYTHONSAFEPATH: '1',
      PYTHONUNBUFFERED: '1',
      PYTHONIOENCODING: 'utf-8',
    });
    assert.equal(bundledServerEnv('/e/libs', '/mine', 'darwin').PYTHONPATH, '/e/libs:/mine');
  });
});
