// tierlint for VS Code: a client of the tierlint language server.

import * as vscode from 'vscode';

import { DOCUMENT_SELECTOR, readSettings, ServerManager, type ServerStatus } from './client';
import { needsRestart, SECTION } from './settings';
import { TierStatusBar } from './statusBar';

// Commands of the server (`workspace/executeCommand`). vscode-languageclient registers them as
// VS Code commands itself, so the extension must never register commands with these names.
export const SERVER_FIX_ALL = 'tierlint.server.fixAll';
export const SERVER_REPORT = 'tierlint.server.report';

let manager: ServerManager | undefined;

function targetDocument(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) {
    return arg;
  }
  if (typeof arg === 'string' && arg) {
    return vscode.Uri.parse(arg);
  }
  const doc = vscode.window.activeTextEditor?.document;
  return doc && doc.languageId === 'markdown' ? doc.uri : undefined;
}

async function runOnDocument(
  server: ServerManager,
  command: string,
  arg: unknown,
): Promise<{ uri: vscode.Uri; result: unknown } | undefined> {
  const uri = targetDocument(arg);
  if (!uri) {
    void vscode.window.showInformationMessage('tierlint: open a markdown backlog first.');
    return undefined;
  }
  if (!server.isRunning) {
    void vscode.window.showWarningMessage('tierlint: the server is not running.', 'Show Logs').then((c) => {
      if (c) {
        void vscode.commands.executeCommand('tierlint.showLogs');
      }
    });
    return undefined;
  }
  try {
    return { uri, result: await server.executeServerCommand(command, [uri.toString()]) };
  } catch (e) {
    void vscode.window.showErrorMessage(`tierlint: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

function languageStatus(context: vscode.ExtensionContext, server: ServerManager): void {
  const item = vscode.languages.createLanguageStatusItem('tierlint.server', DOCUMENT_SELECTOR);
  item.name = 'tierlint server';
  item.command = { title: 'Show Logs', command: 'tierlint.showLogs' };
  const show = (s: ServerStatus) => {
    item.busy = s.state === 'starting';
    item.severity =
      s.state === 'failed' ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
    item.text =
      s.state === 'running'
        ? '$(check) tierlint'
        : s.state === 'starting'
          ? 'tierlint: starting'
          : s.state === 'failed'
            ? '$(error) tierlint'
            : 'tierlint: stopped';
    item.detail = s.state === 'running' ? s.server.description : s.state === 'failed' ? s.message : undefined;
  };
  show(server.status);
  context.subscriptions.push(item, server.onDidChangeStatus(show));
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('tierlint', { log: true });
  const server = new ServerManager(context, output);
  manager = server;
  context.subscriptions.push(output, server, new TierStatusBar(server));
  languageStatus(context, server);

  let settings = readSettings();
  context.subscriptions.push(
    vscode.commands.registerCommand('tierlint.restartServer', () => server.restart('requested')),
    vscode.commands.registerCommand('tierlint.showLogs', () => output.show()),
    vscode.commands.registerCommand('tierlint.fixAll', async (arg?: unknown) => {
      await runOnDocument(server, SERVER_FIX_ALL, arg);
    }),
    vscode.commands.registerCommand('tierlint.showReport', async (arg?: unknown) => {
      const answer = await runOnDocument(server, SERVER_REPORT, arg);
      if (!answer) {
        return;
      }
      const { result } = answer;
      if (typeof result !== 'string' || !result.trim()) {
        void vscode.window.showInformationMessage('tierlint: this file has no ticket table.');
        return;
      }
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: result });
      await vscode.window.showTextDocument(doc, { preview: false });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) {
        return;
      }
      // Everything but the server command is sent to the running server (didChangeConfiguration).
      const next = readSettings();
      if (needsRestart(settings, next)) {
        void server.restart('the tierlint.path or tierlint.interpreter setting changed');
      } else if (next.codeLens !== settings.codeLens) {
        server.refreshCodeLenses();
      }
      settings = next;
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      settings = readSettings();
      void server.restart('the workspace is now trusted');
    }),
  );
  await server.start();
}

export async function deactivate(): Promise<void> {
  await manager?.stop();
  manager = undefined;
}
