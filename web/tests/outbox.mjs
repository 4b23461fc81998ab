// The local outbox as the browser tests read it: one JSON file per e-mail
// (to, subject, text, code, sentAt) in the folder HOITHI_OUTBOX names. The
// mailer writes a code a moment after POST /codes answered, so readCode waits.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** The outbox's e-mail files, oldest first (none before the first e-mail). */
export async function outboxFiles(dir) {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
}

/** The code of the newest e-mail to `email` that was not in `before` (file names). */
export async function readCode(dir, email, before) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const files = await outboxFiles(dir);
    for (let i = files.length - 1; i >= 0; i--) {
      const msg = JSON.parse(await readFile(path.join(dir, files[i]), 'utf8'));
      if (msg.to !== email) continue;
      if (before.has(files[i])) break; // the newest one to this address is old: wait
      assert.match(msg.code, /^\d{6}$/, `outbox message to ${email} has no code: ${JSON.stringify(msg)}`);
      return msg.code;
    }
    if (Date.now() > deadline) throw new Error(`no new e-mail to ${email} in ${dir}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
