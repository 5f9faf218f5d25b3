// Settings of the `tierlint` section: defaults, normalisation and what is sent to the server.
// Pure module: it must not import `vscode`, so that it can be unit-tested under plain node.

export const SECTION = 'tierlint';

export type Severity = 'error' | 'warning' | 'information' | 'hint' | 'off';
export type RunMode = 'onType' | 'onSave';
export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface TierlintSettings {
  select: string[];
  ignore: string[];
  severity: Record<string, Severity>;
  codeLens: boolean;
  inlayHints: boolean;
  run: RunMode;
  maxFileSize: number;
  interpreter: string[];
  path: string[];
  trace: { server: TraceLevel };
}

export const DEFAULT_SETTINGS: Readonly<TierlintSettings> = Object.freeze<TierlintSettings>({
  select: [],
  ignore: [],
  severity: {},
  codeLens: true,
  inlayHints: false,
  run: 'onType',
  maxFileSize: 2_000_000,
  interpreter: [],
  path: [],
  trace: { server: 'off' },
});

const SEVERITIES: readonly string[] = ['error', 'warning', 'information', 'hint', 'off'];
const SEVERITY_ALIASES: Record<string, Severity> = {
  info: 'information',
  warn: 'warning',
  none: 'off',
  ignore: 'off',
};
const RUN_MODES: readonly string[] = ['onType', 'onSave'];
const TRACE_LEVELS: readonly string[] = ['off', 'messages', 'verbose'];

/** The setting keys whose change needs a new server process (the others are pushed live). */
export const RESTART_KEYS: readonly string[] = ['interpreter', 'path'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string setting, or a list of strings; blanks are dropped. */
export function toStringList(v: unknown): string[] {
  if (typeof v === 'string') {
    return v.trim() ? [v.trim()] : [];
  }
  if (Array.isArray(v)) {
    return v.filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter(Boolean);
  }
  return [];
}

/** Rule codes are case-insensitive for the user and upper-case for the server: `tl003` -> `TL003`. */
function toCodeList(v: unknown): string[] {
  return [...new Set(toStringList(v).map((c) => c.toUpperCase()))];
}

function toSeverityMap(v: unknown): Record<string, Severity> {
  const out: Record<string, Severity> = {};
  if (!isRecord(v)) {
    return out;
  }
  for (const [code, raw] of Object.entries(v)) {
    if (typeof raw !== 'string' || !code.trim()) {
      continue;
    }
    const level = raw.trim().toLowerCase();
    const sev = SEVERITY_ALIASES[level] ?? (SEVERITIES.includes(level) ? (level as Severity) : undefined);
    if (sev) {
      out[code.trim().toUpperCase()] = sev;
    }
  }
  return out;
}

function oneOf<T extends string>(v: unknown, allowed: readonly string[], fallback: T): T {
  return typeof v === 'string' && allowed.includes(v) ? (v as T) : fallback;
}

/**
 * Turns whatever `workspace.getConfiguration('tierlint')` holds (user-edited JSON, possibly of the
 * wrong type) into a complete, well-typed settings object.
 */
export function normalizeSettings(raw: unknown): TierlintSettings {
  const r = isRecord(raw) ? raw : {};
  const trace = isRecord(r.trace) ? r.trace : {};
  const maxFileSize =
    typeof r.maxFileSize === 'number' && Number.isFinite(r.maxFileSize) && r.maxFileSize >= 0
      ? Math.floor(r.maxFileSize)
      : DEFAULT_SETTINGS.maxFileSize;
  return {
    select: toCodeList(r.select),
    ignore: toCodeList(r.ignore),
    severity: toSeverityMap(r.severity),
    codeLens: typeof r.codeLens === 'boolean' ? r.codeLens : DEFAULT_SETTINGS.codeLens,
    inlayHints: typeof r.inlayHints === 'boolean' ? r.inlayHints : DEFAULT_SETTINGS.inlayHints,
    run: oneOf<RunMode>(r.run, RUN_MODES, DEFAULT_SETTINGS.run),
    maxFileSize,
    interpreter: toStringList(r.interpreter),
    path: toStringList(r.path),
    trace: { server: oneOf<TraceLevel>(trace.server, TRACE_LEVELS, DEFAULT_SETTINGS.trace.server) },
  };
}

/** The object sent as `initializationOptions` and as the answer to `workspace/configuration`. */
export function toServerSettings(s: TierlintSettings): Record<string, unknown> {
  return {
    select: [...s.select],
    ignore: [...s.ignore],
    severity: { ...s.severity },
    codeLens: s.codeLens,
    inlayHints: s.inlayHints,
    run: s.run,
    maxFileSize: s.maxFileSize,
    interpreter: [...s.interpreter],
    path: [...s.path],
    trace: { server: s.trace.server },
  };
}

/** Which top-level keys differ between two settings objects. */
export function changedKeys(a: TierlintSettings, b: TierlintSettings): string[] {
  const keys = Object.keys(a) as (keyof TierlintSettings)[];
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** True when going from `a` to `b` needs the server process to be restarted. */
export function needsRestart(a: TierlintSettings, b: TierlintSettings): boolean {
  return changedKeys(a, b).some((k) => RESTART_KEYS.includes(k));
}
