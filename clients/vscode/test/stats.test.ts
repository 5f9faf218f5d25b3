import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { formatStatus, parseStats } from '../src/stats';

const SAMPLE = { haiku: 6, sonnet: 11, opus: 3, unassigned: 0, total: 20, cost: 69, opus_share: 0.15, opus_target: 0.2 };

describe('parseStats', () => {
  it('accepts the object or its JSON text', () => {
    assert.deepEqual(parseStats(SAMPLE), SAMPLE);
    assert.deepEqual(parseStats(JSON.stringify(SAMPLE)), SAMPLE);
  });

  it('returns undefined when the file has no ticket table', () => {
    for (const v of [null, undefined, 'null', '', 'not json', [], 42, {}, { total: 3 }]) {
      assert.equal(parseStats(v), undefined, JSON.stringify(v));
    }
  });

  it('fills in missing counts', () => {
    assert.deepEqual(parseStats({ haiku: 1, opus: 2 }), {
      haiku: 1,
      sonnet: 0,
      opus: 2,
      unassigned: 0,
      total: 3,
      cost: undefined,
      opus_share: undefined,
      opus_target: undefined,
    });
  });
});

describe('formatStatus', () => {
  it('shows the distribution in the status bar', () => {
    const v = formatStatus(parseStats(SAMPLE)!);
    assert.equal(v.text, '$(graph) H 6 · S 11 · O 3');
    assert.equal(v.warning, false);
    assert.match(v.tooltip, /\| haiku \| 6 \(30%\) \|/);
    assert.match(v.tooltip, /\| sonnet \| 11 \(55%\) \|/);
    assert.match(v.tooltip, /\| opus \| 3 \(15%\) \|/);
    assert.match(v.tooltip, /Relative cost: \*\*69\*\*/);
    assert.match(v.tooltip, /Opus share 15% — target ≤ 20% ✓/);
  });

  it('warns about unassigned tickets and an opus share above target', () => {
    const v = formatStatus(parseStats({ ...SAMPLE, opus: 6, unassigned: 1, total: 24, opus_share: 0.25 })!);
    assert.equal(v.text, '$(graph) H 6 · S 11 · O 6 · ? 1');
    assert.equal(v.warning, true);
    assert.match(v.tooltip, /no tier \| 1 \(4%\)/);
    assert.match(v.tooltip, /Opus share 25% — target ≤ 20% ⚠/);
  });

  it('computes the opus share when the server does not send it', () => {
    const v = formatStatus(parseStats({ haiku: 1, sonnet: 0, opus: 1, total: 2, opus_target: 0.2 })!);
    assert.match(v.tooltip, /Opus share 50%/);
    assert.equal(v.warning, true);
  });

  it('handles an empty table', () => {
    const v = formatStatus(parseStats({ haiku: 0, sonnet: 0, opus: 0, unassigned: 0, total: 0 })!);
    assert.equal(v.text, '$(graph) H 0 · S 0 · O 0');
    assert.doesNotMatch(v.tooltip, /NaN/);
  });
});
