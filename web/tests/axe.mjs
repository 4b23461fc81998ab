// Accessibility checks of the browser tests: axe-core (the pinned npm
// package) injected into a Playwright page. checkA11y(page, label) fails on
// any critical or serious violation and prints the moderate and minor ones,
// so they are seen in the test output without failing the run.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
let source = null;

async function axeSource() {
  source ||= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

/** Summary lines of violations: rule id, impact, the first targets. */
function describe(violations) {
  return violations.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}${v.nodes.length > 4 ? ` …+${v.nodes.length - 4}` : ''}`);
}

/** Moderate (and minor) findings seen so far, printed once at the end of each file's run. */
const seen = new Map();
process.on('exit', () => {
  if (!seen.size) return;
  console.log(`axe: moderate/minor findings (${seen.size}), not failing:`);
  for (const [line, where] of seen) console.log(`  ${line} — on ${[...where].slice(0, 3).join(', ')}${where.size > 3 ? ' …' : ''}`);
});

/**
 * Runs axe on the page's current state (label names it in messages).
 * options.include: a CSS selector to limit the check to (default: the whole page).
 * Frames of another origin are left to their own check.
 */
export async function checkA11y(page, label, { include } = {}) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: await axeSource() });
  }
  const result = await page.evaluate(async (sel) => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(sel ? { include: [sel] } : document, {
      resultTypes: ['violations'],
      iframes: false,
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  }, include || null);
  const bad = result.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  for (const line of describe(result.filter((v) => !bad.includes(v)))) {
    if (!seen.has(line)) seen.set(line, new Set());
    seen.get(line).add(label);
  }
  assert.deepEqual(describe(bad), [], `axe: critical/serious violations on ${label}`);
  return result;
}
