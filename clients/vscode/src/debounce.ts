// A trailing-edge debounce keyed by a string (one timer per document). No `vscode` import.

export interface KeyedDebouncer {
  /** (Re)starts the timer of `key`; `fn` runs once `delayMs` after the last call for that key. */
  schedule(key: string, fn: () => void): void;
  cancel(key: string): void;
  dispose(): void;
}

export function keyedDebouncer(
  delayMs: number,
  timers: {
    set: (fn: () => void, ms: number) => unknown;
    clear: (handle: unknown) => void;
  } = {
    set: (fn, ms) => setTimeout(fn, ms),
    clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  },
): KeyedDebouncer {
  const pending = new Map<string, unknown>();
  return {
    schedule(key, fn) {
      const old = pending.get(key);
      if (old !== undefined) {
        timers.clear(old);
      }
      pending.set(
        key,
        timers.set(() => {
          pending.delete(key);
          fn();
        }, delayMs),
      );
    },
    cancel(key) {
      const old = pending.get(key);
      if (old !== undefined) {
        timers.clear(old);
        pending.delete(key);
      }
    },
    dispose() {
      for (const h of pending.values()) {
        timers.clear(h);
      }
      pending.clear();
    },
  };
}
