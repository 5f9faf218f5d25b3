// The Python extension (ms-python.python) is optional: when it is installed, its active
// interpreter runs the bundled server. Every access to its API is guarded.

import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';
const ACTIVATION_TIMEOUT_MS = 10_000;

interface EnvironmentPath {
  id?: string;
  path?: string;
}

interface PythonEnvironmentsApi {
  getActiveEnvironmentPath?: (resource?: vscode.Uri) => EnvironmentPath | undefined;
  resolveEnvironment?: (
    env: EnvironmentPath | string,
  ) => Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
}

function withTimeout<T>(p: Thenable<T>, ms: number): Promise<T | undefined> {
  return Promise.race([
    Promise.resolve(p),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms)),
  ]);
}

/** The active interpreter's executable as a command, or undefined. */
export async function activePythonInterpreter(
  log: vscode.LogOutputChannel,
  resource?: vscode.Uri,
): Promise<string[] | undefined> {
  const ext = vscode.extensions.getExtension(PYTHON_EXTENSION_ID);
  if (!ext) {
    return undefined;
  }
  try {
    const api = ext.isActive ? ext.exports : await withTimeout(ext.activate(), ACTIVATION_TIMEOUT_MS);
    const envs = (api as { environments?: PythonEnvironmentsApi } | undefined)?.environments;
    if (!envs || typeof envs.getActiveEnvironmentPath !== 'function') {
      return undefined;
    }
    const envPath = envs.getActiveEnvironmentPath(resource ?? vscode.workspace.workspaceFolders?.[0]?.uri);
    let executable = envPath?.path;
    if (envPath && typeof envs.resolveEnvironment === 'function') {
      const resolved = await withTimeout(envs.resolveEnvironment(envPath), ACTIVATION_TIMEOUT_MS);
      executable = resolved?.executable?.uri?.fsPath ?? executable;
    }
    return executable ? [executable] : undefined;
  } catch (e) {
    log.warn(`The Python extension's interpreter is not available: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}
