import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { keyedDebouncer } from '../src/debounce';

/** Fake timers: `tick(ms)` runs what is due. */
function fakeTimers() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    set: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clear: (h: unknown) => void timers.delete(h as number),
    tick(ms: number) {
      now += ms;
      for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) {
          timers.delete(id);
          t.fn();
        }
      }
    },
    get pending() {
      return timers.size;
    },
  };
}

describe('keyedDebouncer', () => {
  it('runs once, delay after the last call, per key', () => {
    const clock = fakeTimers();
    const d = keyedDebouncer(500, clock);
    const runs: string[] = [];
    d.schedule('a', () => runs.push('a1'));
    clock.tick(300);
    d.schedule('a', () => runs.push('a2'));
    d.schedule('b', () => runs.push('b'));
    clock.tick(300);
    assert.deepEqual(runs, []);
    clock.tick(200);
    assert.deepEqual(runs.sort(), ['a2', 'b']);
  });

  it('cancels and disposes', () => {
    const clock = fakeTimers();
    const d = keyedDebouncer(100, clock);
    let runs = 0;
    d.schedule('a', () => runs++);
    d.schedule('b', () => runs++);
    d.cancel('a');
    assert.equal(clock.pending, 1);
    d.dispose();
    assert.equal(clock.pending, 0);
    clock.tick(1000);
    assert.equal(runs, 0);
  });

  it('works with the real timers', async () => {
    const d = keyedDebouncer(10);
    const done = new Promise<void>((resolve) => d.schedule('k', resolve));
    await done;
    d.dispose();
  });
});
