// Accessibility check of the organiser console's browser test: axe-core (the
// pinned npm package) injected into a Playwright page; fails on any critical
// or serious violation and returns the others. (A shared helper, axe.mjs, may
// replace this one once it lands.)

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
let source = null;

function describe(violations) {
  return violations.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Runs axe on the page as it is now; label names the state in messages. */
export async function checkA11y(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    source ||= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    await page.addScriptTag({ content: await source });
  }
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { resultTypes: ['violations'], iframes: false });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  const bad = violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  assert.deepEqual(describe(bad), [], `axe: critical/serious violations on ${label}`);
  return violations.filter((v) => !bad.includes(v));
}
