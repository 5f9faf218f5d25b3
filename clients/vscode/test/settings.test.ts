import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  changedKeys,
  DEFAULT_SETTINGS,
  needsRestart,
  normalizeSettings,
  toServerSettings,
  toStringList,
} from '../src/settings';

describe('normalizeSettings', () => {
  it('fills in every default for an empty or missing configuration', () => {
    assert.deepEqual(normalizeSettings(undefined), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings({}), DEFAULT_SETTINGS);
    assert.deepEqual(normalizeSettings('nonsense'), DEFAULT_SETTINGS);
  });

  it('keeps valid values', () => {
    const s = normalizeSettings({
      select: ['TL0', 'TL101'],
      ignore: ['TL004'],
      severity: { TL003: 'warning', TL201: 'off' },
      codeLens: false,
      inlayHints: true,
      run: 'onSave',
      maxFileSize: 1234,
      interpreter: ['/usr/bin/python3.12'],
      path: '/opt/tierlint/bin/tierlint',
      trace: { server: 'verbose' },
    });
    assert.deepEqual(s, {
      select: ['TL0', 'TL101'],
      ignore: ['TL004'],
      severity: { TL003: 'warning', TL201: 'off' },
      codeLens: false,
      inlayHints: true,
      run: 'onSave',
      maxFileSize: 1234,
      interpreter: ['/usr/bin/python3.12'],
      path: ['/opt/tierlint/bin/tierlint'],
      trace: { server: 'verbose' },
    });
  });

  it('upper-cases and de-duplicates rule codes', () => {
    const s = normalizeSettings({ select: ['tl003', 'TL003', ' tl1 '], ignore: 'tl2' });
    assert.deepEqual(s.select, ['TL003', 'TL1']);
    assert.deepEqual(s.ignore, ['TL2']);
  });

  it('accepts severity aliases and drops unknown levels', () => {
    const s = normalizeSettings({
      severity: { tl001: 'Info', TL002: 'warn', TL003: 'fatal', TL004: 3, TL005: 'none', '': 'error' },
    });
    assert.deepEqual(s.severity, { TL001: 'information', TL002: 'warning', TL005: 'off' });
  });

  it('replaces values of the wrong type by the defaults', () => {
    const s = normalizeSettings({
      codeLens: 'yes',
      inlayHints: 1,
      run: 'always',
      maxFileSize: -5,
      severity: ['TL001'],
      trace: 'verbose',
      interpreter: 42,
    });
    assert.equal(s.codeLens, true);
    assert.equal(s.inlayHints, false);
    assert.equal(s.run, 'onType');
    assert.equal(s.maxFileSize, 2_000_000);
    assert.deepEqual(s.severity, {});
    assert.deepEqual(s.trace, { server: 'off' });
    assert.deepEqual(s.interpreter, []);
    assert.equal(normalizeSettings({ maxFileSize: Number.NaN }).maxFileSize, 2_000_000);
    assert.equal(normalizeSettings({ maxFileSize: 10.7 }).maxFileSize, 10);
  });

  it('reads an object that only exposes its keys as properties (like a WorkspaceConfiguration)', () => {
    const config = Object.create({ get: () => undefined }, { codeLens: { value: false, enumerable: true } });
    assert.equal(normalizeSettings(config).codeLens, false);
  });
});

describe('toStringList', () => {
  it('turns a string or a list into a list without blanks', () => {
    assert.deepEqual(toStringList('python3'), ['python3']);
    assert.deepEqual(toStringList('  '), []);
    assert.deepEqual(toStringList(['py', '', '-3.12', 7]), ['py', '-3.12']);
    assert.deepEqual(toStringList(null), []);
  });
});

describe('toServerSettings', () => {
  it('sends the whole tierlint settings object', () => {
    const sent = toServerSettings(DEFAULT_SETTINGS);
    assert.deepEqual(Object.keys(sent).sort(), Object.keys(DEFAULT_SETTINGS).sort());
    assert.deepEqual(sent, {
      select: [],
      ignore: [],
      severity: {},
      codeLens: true,
      inlayHints: false,
      run: 'onType',
      maxFileSize: 2000000,
      interpreter: [],
      path: [],
      trace: { server: 'off' },
    });
  });

  it('is JSON-serialisable and does not share state with the settings', () => {
    const s = normalizeSettings({ select: ['TL1'], severity: { TL001: 'hint' } });
    const sent = toServerSettings(s);
    assert.deepEqual(JSON.parse(JSON.stringify(sent)), sent);
    (sent.select as string[]).push('TL2');
    assert.deepEqual(s.select, ['TL1']);
  });
});

describe('needsRestart', () => {
  it('restarts only when the server command may change', () => {
    const a = normalizeSettings({});
    assert.equal(needsRestart(a, normalizeSettings({ select: ['TL1'], codeLens: false })), false);
    assert.equal(needsRestart(a, normalizeSettings({ interpreter: '/usr/bin/python3' })), true);
    assert.equal(needsRestart(a, normalizeSettings({ path: ['tierlint'] })), true);
    assert.deepEqual(changedKeys(a, normalizeSettings({ run: 'onSave', ignore: ['TL004'] })), ['ignore', 'run']);
  });
});
