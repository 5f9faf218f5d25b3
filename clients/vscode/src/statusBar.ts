// Status bar item with the tier distribution of the active markdown file.

import * as vscode from 'vscode';

import type { ServerManager } from './client';
import { keyedDebouncer } from './debounce';
import { formatStatus, parseStats } from './stats';

export const STATS_COMMAND = 'tierlint.server.stats';
const REFRESH_DELAY_MS = 500;

export class TierStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly debounce = keyedDebouncer(REFRESH_DELAY_MS);
  private readonly disposables: vscode.Disposable[] = [];
  /** increases with every refresh, so that a late answer for an older request is dropped */
  private generation = 0;

  constructor(private readonly server: ServerManager) {
    this.item = vscode.window.createStatusBarItem('tierlint.tiers', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'tierlint tiers';
    this.item.command = 'tierlint.showReport';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.refreshNow()),
      vscode.workspace.onDidSaveTextDocument((doc) => this.refreshLater(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.refreshLater(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.debounce.cancel(doc.uri.toString())),
      server.onDidChangeStatus(() => this.refreshNow()),
    );
  }

  private activeMarkdown(): vscode.TextDocument | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc && doc.languageId === 'markdown' ? doc : undefined;
  }

  private refreshLater(doc: vscode.TextDocument): void {
    if (doc === this.activeMarkdown()) {
      this.debounce.schedule(doc.uri.toString(), () => void this.refresh());
    }
  }

  refreshNow(): void {
    this.debounce.dispose();
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const doc = this.activeMarkdown();
    if (!doc || !this.server.isRunning) {
      this.item.hide();
      return;
    }
    let stats;
    try {
      stats = parseStats(await this.server.executeServerCommand(STATS_COMMAND, [doc.uri.toString()]));
    } catch {
      stats = undefined;
    }
    if (generation !== this.generation) {
      return;
    }
    if (!stats || this.activeMarkdown() !== doc) {
      this.item.hide();
      return;
    }
    const view = formatStatus(stats);
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip);
    tooltip.supportThemeIcons = true;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.debounce.dispose();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
