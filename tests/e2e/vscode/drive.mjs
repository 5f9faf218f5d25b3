// Drives a running code-server (VS Code in the browser) with headless Chromium and checks what a
// user sees of the tierlint extension on tests/fixtures/e2e/backlog.md:
//   - the Problems panel lists TL001, TL003 (an error) and TL004
//   - the code lens above the ticket table shows the distribution and a "Fix N tiers" action
//   - the status bar shows "H n · S n · O n"
//   - hovering the JWT ticket shows the recommendation and its rationale
//   - the quick fix (Ctrl+.) "Set Model to opus" changes the cell, and its TL003 goes away
//   - the code lens "Fix N tiers" fixes the rest; "Show Sprint Report" opens a preview
// Prints one line per check and "N passed, N failed"; writes screenshots and result.json to --out.
//
//   node drive.mjs --url http://127.0.0.1:PORT --folder /abs/workspace --file backlog.md --out DIR
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string' },
    folder: { type: 'string' },
    file: { type: 'string', default: 'backlog.md' },
    out: { type: 'string', default: '.' },
    profile: { type: 'string' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
    // the ticket row that is hovered and quick-fixed, and what is expected there
    ticket: { type: 'string', default: 'JWT authentication' },
    'hover-expect': { type: 'string', default: 'security/payment is always opus' },
    'fix-title': { type: 'string', default: 'Set Model to opus' },
    codes: { type: 'string', default: 'TL001,TL003,TL004' },
  },
});
if (!opt.url || !opt.folder) {
  console.error('usage: node drive.mjs --url URL --folder DIR [--file backlog.md] [--out DIR]');
  process.exit(2);
}
mkdirSync(opt.out, { recursive: true });
const profile = opt.profile || mkdtempSync(join(tmpdir(), 'tierlint-e2e-chromium-'));
const expectedCodes = opt.codes.split(',').filter(Boolean);

const t0 = Date.now();
const results = [];
const facts = {};
function record(name, ok, detail = '') {
  results.push({ name, ok, detail, ms: Date.now() - t0 });
  console.log(`${ok ? '✔' : '✖'} ${name}${detail ? ` — ${detail}` : ''} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return ok;
}
class Stop extends Error {}
/**
 * Runs one check; a thrown error (e.g. a timeout) fails it. When a `fatal` check fails, the
 * checks after it are not run: without a workbench, an open file or diagnostics they cannot pass.
 */
async function check(name, fn, { fatal = false } = {}) {
  try {
    const detail = await fn();
    return record(name, true, typeof detail === 'string' ? detail : '');
  } catch (e) {
    record(name, false, String((e && e.message) || e).split('\n')[0]);
    if (fatal) {
      throw new Stop(name);
    }
    return false;
  }
}
/** Polls `fn` until it returns a truthy value. */
async function until(fn, { timeout = 20000, interval = 250, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
const clean = (s) => (s || '').replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();

const EDITOR = '.editor-instance .monaco-editor';

const context = await chromium.launchPersistentContext(profile, {
  executablePath: opt.chromium,
  headless: true,
  viewport: { width: 1440, height: 900 },
  deviceScaleFactor: 1,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-sync',
    '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage',
  ],
});
const page = context.pages()[0] || (await context.newPage());
const consoleLines = [];
page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));

/** The editor's line (a `.view-line` element) whose text contains `text`. */
function lineWith(text) {
  return page.locator(`${EDITOR} .view-line`, { hasText: text }).first();
}
/** The screen position of `needle` inside the editor line that contains `lineText`. */
async function textPosition(lineText, needle) {
  const handle = await lineWith(lineText).elementHandle({ timeout: 10000 });
  const box = await handle.evaluate((line, needle) => {
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.textContent.replace(/\u00a0/g, ' ').indexOf(needle);
      if (i >= 0) {
        const r = document.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + needle.length);
        const b = r.getBoundingClientRect();
        return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
      }
    }
    return null;
  }, needle);
  if (!box) throw new Error(`"${needle}" not found in the line with "${lineText}"`);
  return box;
}
async function lineText(text) {
  return clean(await lineWith(text).innerText({ timeout: 5000 }));
}
async function problemRows() {
  return page.$$eval('.markers-panel .monaco-list-row', (rows) =>
    rows.map((r) => ({ label: r.getAttribute('aria-label') || '', text: r.innerText.replace(/\s+/g, ' ').trim() })),
  );
}
async function shot(name) {
  const path = join(opt.out, name);
  await page.screenshot({ path });
  return path;
}

let exitCode = 1;
try {
  await check('workbench loads', async () => {
    await page.goto(`${opt.url}/?folder=${encodeURIComponent(opt.folder)}`, { waitUntil: 'domcontentloaded', timeout: 60000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
  }, { fatal: true });

  await check(`opens ${opt.file}`, async () => {
    const tab = `.tabs-container .tab[data-resource-name="${opt.file}"]`;
    for (let attempt = 1; ; attempt++) {
      try {
        // Quick Open lists recently opened items first: wait for the file result itself.
        await page.keyboard.press('Control+P');
        const input = page.locator('.quick-input-widget input.input');
        await input.waitFor({ state: 'visible', timeout: 10000 });
        await input.fill(opt.file);
        await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${opt.file}"]`, { timeout: 15000 });
        await page.keyboard.press('Enter');
        await page.waitForSelector(tab, { timeout: 10000 });
        break;
      } catch (e) {
        await page.keyboard.press('Escape').catch(() => {});
        if (attempt >= 3) {
          await page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${opt.file}"]`).dblclick({ timeout: 10000 });
          await page.waitForSelector(tab, { timeout: 10000 });
          break;
        }
      }
    }
    await lineWith(opt.ticket).waitFor({ timeout: 20000 });
  }, { fatal: true });

  await check('diagnostics show as squiggles', async () => {
    await page.waitForSelector(`${EDITOR} [class*="squiggly-"]`, { timeout: 60000 });
    const kinds = await page.$$eval(`${EDITOR} [class*="squiggly-"]`, (els) =>
      [...new Set(els.map((e) => [...e.classList].find((c) => c.startsWith('squiggly-'))))],
    );
    facts.squiggles = kinds;
    return kinds.join(', ');
  }, { fatal: true });

  await check(`Problems panel lists ${expectedCodes.join(', ')}`, async () => {
    await page.keyboard.press('Control+Shift+M');
    await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 20000 });
    const rows = await until(
      async () => {
        const r = await problemRows();
        return expectedCodes.every((c) => r.some((row) => row.text.includes(c))) && r;
      },
      { timeout: 30000, what: `rows with ${expectedCodes.join(', ')}` },
    ).catch(async (e) => {
      facts.problems = await problemRows();
      throw e;
    });
    facts.problems = rows;
    return `${rows.length - 1} problems`;
  });

  await check('TL003 is an error', async () => {
    const row = (facts.problems || []).find((r) => r.text.includes('TL003'));
    if (!row) throw new Error('no TL003 row');
    if (!/^Error/i.test(row.label)) throw new Error(`aria-label: ${row.label}`);
    return row.text;
  });

  await check('code lens above the ticket table', async () => {
    // VS Code asks for code lenses while the editor has the focus (the Problems panel took it)
    await page.keyboard.press('Control+1');
    const lenses = await until(
      async () => {
        const texts = (await page.$$eval(`${EDITOR} .codelens-decoration`, (els) => els.map((e) => e.innerText))).map(clean);
        return texts.some((t) => /haiku.*sonnet.*opus/i.test(t)) && texts;
      },
      { timeout: 20000, what: 'a code lens with the distribution' },
    );
    facts.codeLens = lenses;
    return lenses.join(' | ');
  });

  await check('status bar shows the distribution', async () => {
    const text = await until(
      async () => {
        const items = await page.$$eval('.statusbar-item', (els) => els.map((e) => e.innerText));
        return items.map(clean).find((t) => /H \d+ · S \d+ · O \d+/.test(t));
      },
      { timeout: 20000, what: 'the tierlint status bar item' },
    );
    facts.statusBar = text;
    return text;
  });

  /** Hovers `needle` in the ticket's line until a hover containing `expect` shows; returns its text. */
  async function hoverUntil(needle, expect) {
    const hoverSel = `${EDITOR} .monaco-hover:not(.hidden)`;
    return until(
      async () => {
        // move away and back: a hover appears on mouse movement
        await page.mouse.move(5, 5);
        const pos = await textPosition(opt.ticket, needle);
        await page.mouse.move(pos.x, pos.y, { steps: 3 });
        await page.waitForSelector(hoverSel, { timeout: 4000 });
        await page.waitForTimeout(300);
        const t = clean(await page.locator(hoverSel).first().innerText());
        return t.toLowerCase().includes(expect.toLowerCase()) && !/Loading/.test(t) && t;
      },
      { timeout: 30000, interval: 500, what: `a hover on "${needle}" mentioning "${expect}"` },
    );
  }

  await check('hover on the ticket shows the rationale', async () => {
    // on the ticket's title: no diagnostic there, so the text comes from the server's hover
    facts.hover = await hoverUntil(opt.ticket.split(' ')[0], opt['hover-expect']);
    await shot('vscode.png');
    return facts.hover.slice(0, 200);
  });

  await check('hover on the Model cell shows the diagnostic and the recommendation', async () => {
    const model = (await lineText(opt.ticket)).split('|').map((c) => c.trim()).filter(Boolean).pop();
    facts.hoverModel = await hoverUntil(model, 'TL003');
    if (!facts.hoverModel.toLowerCase().includes(opt['hover-expect'].toLowerCase())) {
      throw new Error(`no "${opt['hover-expect']}" in: ${facts.hoverModel}`);
    }
    await shot('vscode-hover.png');
    return facts.hoverModel.slice(0, 200);
  });

  await check(`quick fix "${opt['fix-title']}" changes the cell`, async () => {
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    const before = await lineText(opt.ticket);
    facts.lineBefore = before;
    const model = before.split('|').map((c) => c.trim()).filter(Boolean).pop();
    // put the cursor in the Model cell of the ticket, then Ctrl+.
    const pos = await textPosition(opt.ticket, model);
    await page.mouse.click(pos.x, pos.y);
    await page.keyboard.press('Control+.');
    const rows = '.action-widget .monaco-list-row';
    await page.locator(rows, { hasText: opt['fix-title'] }).first().waitFor({ state: 'visible', timeout: 15000 });
    facts.quickFixes = (await page.$$eval(rows, (els) => els.map((e) => e.innerText))).map(clean);
    await shot('vscode-quickfix.png');
    // walk the menu with the keyboard to the fix, then apply it with Enter
    await until(
      async () => {
        const focused = clean(await page.locator(`${rows}.focused`).first().innerText({ timeout: 1000 }).catch(() => ''));
        if (focused.includes(opt['fix-title'])) return true;
        await page.keyboard.press('ArrowDown');
        return false;
      },
      { timeout: 10000, interval: 150, what: `the "${opt['fix-title']}" menu item to get the focus` },
    );
    await page.keyboard.press('Enter');
    const after = await until(
      async () => {
        const t = await lineText(opt.ticket);
        const cell = t.split('|').map((c) => c.trim()).filter(Boolean).pop();
        return cell === 'opus' && t;
      },
      { timeout: 10000, what: 'the Model cell to read opus' },
    );
    facts.lineAfter = after;
    return `${model} -> opus`;
  });

  await check('the fixed ticket has no TL003 any more', async () => {
    const count = (rows) => rows.filter((r) => r.text.includes('TL003')).length;
    const before = count(facts.problems || []);
    await until(async () => count(await problemRows()) === before - 1, {
      timeout: 15000,
      what: `${before - 1} TL003 rows in the Problems panel (were ${before})`,
    });
    facts.problemsAfterFix = await problemRows();
    await shot('vscode-fixed.png');
  });

  await check('code lens "Fix N tiers" fixes the remaining tiers', async () => {
    const fixLens = page.locator(`${EDITOR} .codelens-decoration a`, { hasText: /Fix \d+ tiers?/ }).first();
    await fixLens.waitFor({ timeout: 15000 });
    const title = clean(await fixLens.innerText());
    await fixLens.click();
    await until(async () => !(await problemRows()).some((r) => /TL00[134]/.test(r.text)), {
      timeout: 15000,
      what: 'TL001, TL003 and TL004 to leave the Problems panel',
    });
    facts.afterFixAll = await problemRows();
    return title;
  });

  await check('"tierlint: Show Sprint Report" opens a markdown preview', async () => {
    await page.keyboard.press('Control+1');
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill('>tierlint: Show Sprint Report');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Sprint Report' }).first().waitFor({ timeout: 10000 });
    await page.keyboard.press('Enter');
    const tab = page.locator('.tabs-container .tab', { hasText: /Preview/ }).first();
    await tab.waitFor({ timeout: 20000 });
    facts.reportTab = clean(await tab.innerText());
    await page.waitForTimeout(1000);
    await shot('vscode-report.png');
    return facts.reportTab;
  });
} catch (e) {
  if (!(e instanceof Stop)) {
    record('driver', false, String((e && e.stack) || e));
  }
} finally {
  await shot('vscode-final.png').catch(() => {});
  const notifications = await page
    .$$eval('.notification-toast .notification-list-item-message', (els) => els.map((e) => e.innerText))
    .catch(() => []);
  facts.notifications = notifications.map(clean);
  for (const n of facts.notifications) {
    console.log(`notification: ${n}`);
  }
  facts.consoleErrors = consoleLines.filter((l) => /^\[(error|pageerror)\]/.test(l) && !/vsda|service worker|iframe/i.test(l)).slice(-15);
  const failed = results.filter((r) => !r.ok).length;
  if (results.some((r) => !r.ok)) {
    console.log(`stopped after: ${results.find((r) => !r.ok).name}`);
  }
  writeFileSync(join(opt.out, 'result.json'), JSON.stringify({ results, facts }, null, 2));
  await context.close().catch(() => {});
  if (!opt.profile) rmSync(profile, { recursive: true, force: true });
  if (failed) {
    console.log(`details: ${join(opt.out, 'result.json')}`);
  }
  console.log(`${results.length - failed} passed, ${failed} failed`);
  exitCode = failed ? 1 : 0;
}
process.exit(exitCode);
