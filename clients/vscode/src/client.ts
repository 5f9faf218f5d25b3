// Starts, stops and restarts the tierlint language server.

import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  CodeLensRequest,
  DiagnosticPullMode,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { resolveServerCommand, type Resolution, type ServerCommand } from './interpreter';
import { activePythonInterpreter } from './python';
import { normalizeSettings, SECTION, toServerSettings, type TierlintSettings } from './settings';
import { findExecutable, probePython } from './system';

export const CLIENT_ID = 'tierlint';
export const CLIENT_NAME = 'tierlint';

export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'markdown' },
  { scheme: 'untitled', language: 'markdown' },
];

export function readSettings(scope?: vscode.ConfigurationScope): TierlintSettings {
  return normalizeSettings(vscode.workspace.getConfiguration(SECTION, scope));
}

function workspaceFolderPath(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}

export type ServerStatus =
  | { state: 'starting' }
  | { state: 'running'; server: ServerCommand }
  | { state: 'stopped' }
  | { state: 'failed'; message: string };

export class ServerManager implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statusEmitter = new vscode.EventEmitter<ServerStatus>();
  private readonly disposables: vscode.Disposable[] = [this.statusEmitter];
  private pythonEnvListener: vscode.Disposable | undefined;
  private _status: ServerStatus = { state: 'stopped' };

  /** Fires when the server starts, stops or fails to start. */
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  get status(): ServerStatus {
    return this._status;
  }

  get isRunning(): boolean {
    return this.client?.state === State.Running;
  }

  private setStatus(s: ServerStatus): void {
    this._status = s;
    this.statusEmitter.fire(s);
  }

  /** start / stop / restart run one after the other, never interleaved. */
  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  restart(reason: string): Promise<void> {
    return this.enqueue(async () => {
      this.output.info(`Restarting the server: ${reason}`);
      await this.doStop();
      await this.doStart();
    });
  }

  /** Runs one of the server's `workspace/executeCommand` commands; undefined when it is not running. */
  async executeServerCommand(command: string, args: unknown[]): Promise<unknown> {
    await this.queue;
    const client = this.client;
    if (!client || client.state !== State.Running) {
      return undefined;
    }
    return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  private async resolve(settings: TierlintSettings): Promise<Resolution> {
    const folder = workspaceFolderPath();
    return resolveServerCommand({
      settings,
      bundledLibs: this.context.asAbsolutePath('bundled/libs'),
      existingPythonPath: process.env.PYTHONPATH,
      platform: process.platform,
      vars: { workspaceFolder: folder, userHome: os.homedir() },
      pythonExtension: () => activePythonInterpreter(this.output),
      probe: (cmd) => probePython(cmd),
      findExecutable: (p) => findExecutable(p, process.env, process.platform, folder ?? process.cwd()),
    });
  }

  private async doStart(): Promise<void> {
    if (this.client) {
      return;
    }
    this.setStatus({ state: 'starting' });
    const settings = readSettings();
    const resolution = await this.resolve(settings);
    for (const attempt of resolution.tried) {
      this.output.info(`[${attempt.source}] ${attempt.command.join(' ')}: ${attempt.result}`);
    }
    if (!resolution.ok) {
      this.output.error(resolution.message);
      this.setStatus({ state: 'failed', message: resolution.message });
      void this.showStartError(resolution.message, resolution.source);
      return;
    }
    const server = resolution.server;
    this.output.info(`Starting ${server.description}: ${[server.command, ...server.args].join(' ')}`);
    this.watchPythonExtension(settings);

    const folder = workspaceFolderPath();
    const serverOptions: ServerOptions = {
      // No `transport`: with TransportKind.stdio the client would append `--stdio` to the args.
      command: server.command,
      args: server.args,
      options: {
        cwd: folder,
        env: { ...process.env, ...server.env },
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      // The whole `tierlint` settings object; the server also pulls it with workspace/configuration.
      initializationOptions: toServerSettings(settings),
      synchronize: { configurationSection: SECTION },
      outputChannel: this.output,
      traceOutputChannel: this.output,
      markdown: { isTrusted: false, supportHtml: false },
      // Pulled diagnostics: on every change, or only on save with `"tierlint.run": "onSave"`
      // (read at each change, so the setting applies without a restart).
      diagnosticPullOptions: {
        onChange: true,
        onSave: true,
        filter: (document, mode) => mode === DiagnosticPullMode.onType && readSettings(document.uri).run === 'onSave',
      },
      middleware: {
        workspace: {
          // Answer `workspace/configuration` for the `tierlint` section with normalised settings.
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return params.items.map((item, i) => {
              if (item.section !== SECTION) {
                return result[i];
              }
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return toServerSettings(readSettings(scope));
            });
          },
        },
        provideCodeLenses: (document, token, next) =>
          readSettings(document.uri).codeLens ? next(document, token) : [],
        provideInlayHints: (document, range, token, next) =>
          readSettings(document.uri).inlayHints ? next(document, range, token) : [],
      },
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    this.client = client;
    try {
      await client.start();
    } catch (e) {
      const message = `tierlint: the server did not start (${e instanceof Error ? e.message : String(e)}). See the tierlint output for details.`;
      this.output.error(message);
      this.client = undefined;
      await client.dispose().catch(() => undefined);
      this.setStatus({ state: 'failed', message });
      void this.showStartError(message, server.source);
      return;
    }
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped && this.client === client) {
        this.setStatus({ state: 'stopped' });
      } else if (e.newState === State.Running && this.client === client) {
        this.setStatus({ state: 'running', server });
      }
    });
    this.setStatus({ state: 'running', server });
  }

  /** Makes VS Code ask for code lenses again, e.g. when `tierlint.codeLens` changes. */
  refreshCodeLenses(): void {
    const client = this.client;
    if (!client || client.state !== State.Running) {
      return;
    }
    try {
      const feature = client.getFeature(CodeLensRequest.method);
      const fired = new Set<unknown>();
      for (const doc of vscode.workspace.textDocuments) {
        const shape = feature?.getProvider(doc);
        if (shape && !fired.has(shape)) {
          fired.add(shape);
          shape.onDidChangeCodeLensEmitter.fire();
        }
      }
    } catch (e) {
      this.output.warn(`Refreshing code lenses: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.dispose(2000);
      } catch (e) {
        this.output.warn(`Stopping the server: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.setStatus({ state: 'stopped' });
  }

  private async showStartError(message: string, source?: string): Promise<void> {
    const openSettings = 'Open Settings';
    const showLogs = 'Show Logs';
    const choice = await vscode.window.showErrorMessage(message, openSettings, showLogs);
    if (choice === openSettings) {
      const query = source === 'tierlint.path' ? 'tierlint.path' : 'tierlint.interpreter';
      await vscode.commands.executeCommand('workbench.action.openSettings', query);
    } else if (choice === showLogs) {
      this.output.show();
    }
  }

  /** Follows the Python extension's interpreter while no interpreter or path is configured. */
  private watchPythonExtension(settings: TierlintSettings): void {
    if (this.pythonEnvListener || settings.interpreter.length || settings.path.length) {
      return;
    }
    try {
      const ext = vscode.extensions.getExtension('ms-python.python');
      const event = ext?.isActive ? ext.exports?.environments?.onDidChangeActiveEnvironmentPath : undefined;
      if (typeof event === 'function') {
        this.pythonEnvListener = event(() => {
          const now = readSettings();
          if (!now.interpreter.length && !now.path.length) {
            void this.restart('the Python extension changed its interpreter');
          }
        }) as vscode.Disposable;
        this.disposables.push(this.pythonEnvListener);
      }
    } catch {
      // The Python extension is optional; nothing to follow.
    }
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
