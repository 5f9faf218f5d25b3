// The status bar text for the tier distribution of a backlog, from the JSON the server's
// `tierlint.server.stats` command returns. Pure module: no `vscode` import.

export interface TierStats {
  haiku: number;
  sonnet: number;
  opus: number;
  unassigned: number;
  total: number;
  cost?: number;
  opus_share?: number;
  opus_target?: number;
}

export interface StatusView {
  text: string;
  /** markdown */
  tooltip: string;
  /** true when the opus share is above its target, or tickets have no tier */
  warning: boolean;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Accepts the server's answer (an object or a JSON string); undefined when there is no ticket table. */
export function parseStats(value: unknown): TierStats | undefined {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return undefined;
  }
  const o = v as Record<string, unknown>;
  const haiku = num(o.haiku) ?? 0;
  const sonnet = num(o.sonnet) ?? 0;
  const opus = num(o.opus) ?? 0;
  const unassigned = num(o.unassigned) ?? 0;
  const total = num(o.total) ?? haiku + sonnet + opus + unassigned;
  if (num(o.haiku) === undefined && num(o.sonnet) === undefined && num(o.opus) === undefined) {
    return undefined;
  }
  return {
    haiku,
    sonnet,
    opus,
    unassigned,
    total,
    cost: num(o.cost),
    opus_share: num(o.opus_share),
    opus_target: num(o.opus_target),
  };
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function pct(n: number, total: number): string {
  return total > 0 ? ` (${percent(n / total)})` : '';
}

export function formatStatus(stats: TierStats): StatusView {
  const parts = [`H ${stats.haiku}`, `S ${stats.sonnet}`, `O ${stats.opus}`];
  if (stats.unassigned > 0) {
    parts.push(`? ${stats.unassigned}`);
  }
  const opusShare = stats.opus_share ?? (stats.total > 0 ? stats.opus / stats.total : 0);
  const overTarget = stats.opus_target !== undefined && opusShare > stats.opus_target + 1e-9;
  const lines = [
    '**tierlint** — AI Model tiers of this backlog',
    '',
    '| tier | tickets |',
    '|:--|--:|',
    `| haiku | ${stats.haiku}${pct(stats.haiku, stats.total)} |`,
    `| sonnet | ${stats.sonnet}${pct(stats.sonnet, stats.total)} |`,
    `| opus | ${stats.opus}${pct(stats.opus, stats.total)} |`,
  ];
  if (stats.unassigned > 0) {
    lines.push(`| no tier | ${stats.unassigned}${pct(stats.unassigned, stats.total)} |`);
  }
  lines.push(`| **total** | **${stats.total}** |`, '');
  if (stats.cost !== undefined) {
    lines.push(`Relative cost: **${stats.cost}**`, '');
  }
  if (stats.opus_target !== undefined) {
    lines.push(
      `Opus share ${percent(opusShare)} — target ≤ ${percent(stats.opus_target)} ${overTarget ? '⚠' : '✓'}`,
      '',
    );
  }
  lines.push('Click for the sprint report.');
  return {
    text: `$(graph) ${parts.join(' · ')}`,
    tooltip: lines.join('\n'),
    warning: overTarget || stats.unassigned > 0,
  };
}
