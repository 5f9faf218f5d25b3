// How the tierlint server is started: an installed `tierlint` executable (`tierlint.path`), or the
// bundled server run by a Python >= 3.10 (`tierlint.interpreter`, the Python extension's active
// interpreter, then `python3` / `python` on PATH).
// Pure module: it must not import `vscode`; every side effect (running Python, looking at the file
// system) is passed in, so that the resolution order can be unit-tested.

import * as path from 'node:path';

export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** Prints the version and the real executable of the interpreter it runs in. */
export const PROBE_SCRIPT = 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)';

export interface ProbeResult {
  ok: boolean;
  /** e.g. "3.11.7" */
  version?: string;
  /** `sys.executable` */
  executable?: string;
  /** why it could not be run */
  error?: string;
}

export type Source = 'tierlint.path' | 'tierlint.interpreter' | 'Python extension' | 'PATH';

export interface Attempt {
  source: Source;
  command: string[];
  result: string;
}

export interface ServerCommand {
  command: string;
  args: string[];
  /** variables to add to the server's environment */
  env: Record<string, string>;
  source: Source;
  /** for the log, e.g. "python3 (3.11.7, /usr/bin/python3.11)" */
  description: string;
}

export type Resolution =
  | { ok: true; server: ServerCommand; tried: Attempt[] }
  | { ok: false; message: string; tried: Attempt[]; source?: Source };

export interface ResolveOptions {
  settings: { interpreter: string[]; path: string[] };
  /** absolute path of `<extension>/bundled/libs` */
  bundledLibs: string;
  /** the server's PYTHONPATH is prepended to this one */
  existingPythonPath?: string;
  platform: NodeJS.Platform;
  vars: { workspaceFolder?: string; userHome: string };
  /** the Python extension's active interpreter, when that extension is installed */
  pythonExtension?: () => Promise<string[] | undefined>;
  /** runs `cmd... -c PROBE_SCRIPT` */
  probe: (cmd: string[]) => Promise<ProbeResult>;
  /** resolves a bare command name through PATH or checks that a path is an executable file */
  findExecutable: (nameOrPath: string) => Promise<string | undefined>;
}

/** Expands `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~`. */
export function expandVariables(
  value: string,
  vars: { workspaceFolder?: string; userHome: string },
  env: Record<string, string | undefined> = {},
): string {
  let v = value;
  if (v === '~' || v.startsWith('~/') || v.startsWith('~\\')) {
    v = vars.userHome + v.slice(1);
  }
  return v.replace(/\$\{(workspaceFolder|userHome|env:([^}]+))\}/g, (whole, name: string, envName?: string) => {
    if (name === 'userHome') {
      return vars.userHome;
    }
    if (name === 'workspaceFolder') {
      return vars.workspaceFolder ?? whole;
    }
    return env[envName ?? ''] ?? '';
  });
}

/** Parses "3.11.7" into [3, 11, 7]; undefined when it is not a version. */
export function parseVersion(v: string | undefined): number[] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec((v ?? '').trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function isSupportedPython(version: string | undefined): boolean {
  const v = parseVersion(version);
  if (!v) {
    return false;
  }
  return v[0] > MIN_PYTHON[0] || (v[0] === MIN_PYTHON[0] && v[1] >= MIN_PYTHON[1]);
}

/** Parses the two lines PROBE_SCRIPT prints. */
export function parseProbeOutput(stdout: string): ProbeResult {
  const [version, executable] = stdout.trim().split(/\r?\n/).map((l) => l.trim());
  if (!parseVersion(version)) {
    return { ok: false, error: `unexpected output ${JSON.stringify(stdout.slice(0, 200))}` };
  }
  return { ok: true, version, executable: executable || undefined };
}

/** The interpreters tried when nothing is configured, in order. */
export function defaultPythonCandidates(platform: NodeJS.Platform): string[][] {
  return platform === 'win32' ? [['python'], ['py', '-3'], ['python3']] : [['python3'], ['python']];
}

/** The environment of the bundled server: its libraries first on PYTHONPATH. */
export function bundledServerEnv(
  bundledLibs: string,
  existingPythonPath: string | undefined,
  platform: NodeJS.Platform,
): Record<string, string> {
  const sep = platform === 'win32' ? ';' : ':';
  const pythonPath = existingPythonPath ? `${bundledLibs}${sep}${existingPythonPath}` : bundledLibs;
  return {
    PYTHONPATH: pythonPath,
    // Python >= 3.11: do not put the working directory on sys.path, so that a folder named
    // `tierlint` in the workspace cannot shadow the bundled package.
    PYTHONSAFEPATH: '1',
    PYTHONUNBUFFERED: '1',
    PYTHONIOENCODING: 'utf-8',
  };
}

function describe(cmd: string[], probe: ProbeResult): string {
  const where = probe.executable && probe.executable !== cmd[0] ? `, ${probe.executable}` : '';
  return `${cmd.join(' ')} (Python ${probe.version}${where})`;
}

function pythonServer(
  cmd: string[],
  probe: ProbeResult,
  source: Source,
  opts: ResolveOptions,
): ServerCommand {
  return {
    command: cmd[0],
    args: [...cmd.slice(1), '-m', 'tierlint', 'serve'],
    env: bundledServerEnv(opts.bundledLibs, opts.existingPythonPath, opts.platform),
    source,
    description: describe(cmd, probe),
  };
}

async function tryPython(
  cmd: string[],
  source: Source,
  opts: ResolveOptions,
  tried: Attempt[],
): Promise<ServerCommand | undefined> {
  let result: ProbeResult;
  try {
    result = await opts.probe(cmd);
  } catch (e) {
    result = { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (!result.ok) {
    tried.push({ source, command: cmd, result: result.error ?? 'could not be run' });
    return undefined;
  }
  if (!isSupportedPython(result.version)) {
    tried.push({
      source,
      command: cmd,
      result: `is Python ${result.version}, tierlint needs ${MIN_PYTHON.join('.')} or newer`,
    });
    return undefined;
  }
  tried.push({ source, command: cmd, result: `ok, Python ${result.version}` });
  return pythonServer(cmd, result, source, opts);
}

/** Explains a failed resolution in one paragraph, for the error notification and the log. */
export function formatFailure(tried: Attempt[]): string {
  const lines = tried.map((a) => `${a.command.join(' ')} (${a.source}): ${a.result}`);
  return lines.length ? `Tried: ${lines.join('; ')}.` : '';
}

export async function resolveServerCommand(opts: ResolveOptions): Promise<Resolution> {
  const tried: Attempt[] = [];
  const expand = (s: string) => expandVariables(s, opts.vars);

  // 1. An installed tierlint executable: the first of the configured paths that exists.
  if (opts.settings.path.length > 0) {
    for (const raw of opts.settings.path) {
      const candidate = expand(raw);
      const found = await opts.findExecutable(candidate);
      if (found) {
        tried.push({ source: 'tierlint.path', command: [found], result: 'ok' });
        return {
          ok: true,
          tried,
          server: { command: found, args: ['serve'], env: {}, source: 'tierlint.path', description: found },
        };
      }
      tried.push({ source: 'tierlint.path', command: [candidate], result: 'not found or not executable' });
    }
    return {
      ok: false,
      tried,
      source: 'tierlint.path',
      message: `tierlint: no tierlint executable found at the paths of the "tierlint.path" setting. ${formatFailure(tried)}`,
    };
  }

  // 2. An interpreter the user chose: no silent fallback when it does not work.
  if (opts.settings.interpreter.length > 0) {
    const cmd = opts.settings.interpreter.map(expand);
    const server = await tryPython(cmd, 'tierlint.interpreter', opts, tried);
    if (server) {
      return { ok: true, server, tried };
    }
    return {
      ok: false,
      tried,
      source: 'tierlint.interpreter',
      message: `tierlint: the interpreter of the "tierlint.interpreter" setting cannot run the tierlint server. ${formatFailure(tried)}`,
    };
  }

  // 3. The Python extension's active interpreter (optional).
  if (opts.pythonExtension) {
    let cmd: string[] | undefined;
    try {
      cmd = await opts.pythonExtension();
    } catch (e) {
      tried.push({
        source: 'Python extension',
        command: ['(active interpreter)'],
        result: `not available: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
    if (cmd && cmd.length > 0 && cmd[0]) {
      const server = await tryPython(cmd, 'Python extension', opts, tried);
      if (server) {
        return { ok: true, server, tried };
      }
    }
  }

  // 4. python3 / python on PATH.
  for (const cmd of defaultPythonCandidates(opts.platform)) {
    const server = await tryPython(cmd, 'PATH', opts, tried);
    if (server) {
      return { ok: true, server, tried };
    }
  }
  return {
    ok: false,
    tried,
    source: 'PATH',
    message:
      `tierlint: no Python ${MIN_PYTHON.join('.')} or newer was found to run the tierlint server. ` +
      `Install one, or set "tierlint.interpreter" to its path. ${formatFailure(tried)}`,
  };
}

/** Whether a setting value looks like a path (rather than a command looked up on PATH). */
export function looksLikePath(p: string): boolean {
  return p.includes('/') || p.includes('\\') || path.isAbsolute(p);
}
