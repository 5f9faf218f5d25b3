// Checks package.json against the code: settings defaults, commands, trust and packaging fields.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { DEFAULT_SETTINGS } from '../src/settings';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const props: Record<string, { default: unknown; enum?: string[] }> = pkg.contributes.configuration.properties;

describe('package.json', () => {
  it('declares every setting with the defaults the client assumes', () => {
    const expected: Record<string, unknown> = {
      'tierlint.select': DEFAULT_SETTINGS.select,
      'tierlint.ignore': DEFAULT_SETTINGS.ignore,
      'tierlint.severity': DEFAULT_SETTINGS.severity,
      'tierlint.codeLens': DEFAULT_SETTINGS.codeLens,
      'tierlint.inlayHints': DEFAULT_SETTINGS.inlayHints,
      'tierlint.run': DEFAULT_SETTINGS.run,
      'tierlint.maxFileSize': DEFAULT_SETTINGS.maxFileSize,
      'tierlint.interpreter': DEFAULT_SETTINGS.interpreter,
      'tierlint.path': DEFAULT_SETTINGS.path,
      'tierlint.trace.server': DEFAULT_SETTINGS.trace.server,
    };
    assert.deepEqual(Object.keys(props).sort(), Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual(props[key].default, value, key);
    }
    assert.deepEqual(props['tierlint.run'].enum, ['onType', 'onSave']);
    assert.deepEqual(props['tierlint.trace.server'].enum, ['off', 'messages', 'verbose']);
  });

  it('contributes the client commands, never the server command names', () => {
    const commands: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);
    assert.deepEqual(commands.sort(), [
      'tierlint.fixAll',
      'tierlint.restartServer',
      'tierlint.showLogs',
      'tierlint.showReport',
    ]);
    const source = ['extension.ts', 'client.ts', 'statusBar.ts']
      .map((f) => readFileSync(join(__dirname, '..', '..', 'src', f), 'utf8'))
      .join('\n');
    assert.doesNotMatch(source, /registerCommand\(\s*['"]tierlint\.server\./);
  });

  it('restricts the settings that choose what runs in an untrusted workspace', () => {
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces, {
      supported: 'limited',
      description: pkg.capabilities.untrustedWorkspaces.description,
      restrictedConfigurations: ['tierlint.path', 'tierlint.interpreter'],
    });
  });

  it('has what packaging and the marketplace need', () => {
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(pkg.engines.vscode, '^1.90.0');
    assert.equal(pkg.repository.url, 'https://github.com/tierlint/tierlint.git');
    assert.equal(pkg.license, 'MIT');
    assert.match(pkg.dependencies['vscode-languageclient'], /^\^?9\./);
    assert.ok(pkg.activationEvents.includes('onLanguage:markdown'));
  });
});
