// Node implementations of the side effects that interpreter.ts takes as parameters.
// No `vscode` import here either.

import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';

import { looksLikePath, parseProbeOutput, PROBE_SCRIPT, type ProbeResult } from './interpreter';

const PROBE_TIMEOUT_MS = 15_000;

/** Runs `cmd... -c PROBE_SCRIPT` and reports the interpreter's version. */
export function probePython(cmd: string[], env: NodeJS.ProcessEnv = process.env): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const [file, ...args] = cmd;
    execFile(
      file,
      [...args, '-c', PROBE_SCRIPT],
      { timeout: PROBE_TIMEOUT_MS, env, windowsHide: true, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const why =
            code === 'ENOENT'
              ? 'not found'
              : code === 'EACCES'
                ? 'not executable'
                : (String(stderr).trim().split(/\r?\n/).pop() ?? '') || err.message;
          resolve({ ok: false, error: why });
          return;
        }
        resolve(parseProbeOutput(String(stdout)));
      },
    );
  });
}

async function isExecutableFile(p: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const st = await fs.stat(p);
    if (!st.isFile()) {
      return false;
    }
    if (platform !== 'win32') {
      await fs.access(p, fsConstants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * A path is checked as is (relative paths against `cwd`); a bare name is looked up on PATH
 * (with PATHEXT on Windows).
 */
export async function findExecutable(
  nameOrPath: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  cwd: string = process.cwd(),
): Promise<string | undefined> {
  const exts =
    platform === 'win32'
      ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean).map((e) => e.toLowerCase())]
      : [''];
  if (looksLikePath(nameOrPath)) {
    const abs = path.resolve(cwd, nameOrPath);
    for (const ext of exts) {
      if (await isExecutableFile(abs + ext, platform)) {
        return abs + ext;
      }
    }
    return undefined;
  }
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, nameOrPath + ext);
      if (await isExecutableFile(candidate, platform)) {
        return candidate;
      }
    }
  }
  return undefined;
}
