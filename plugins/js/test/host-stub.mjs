// Stand-ins for the host imports, so hookwarden.js and the handlers run in
// Node.js for unit tests: `node --import ./plugins/js/test/register.mjs ...`
// maps 'hookwarden:inline-hook/log@0.2.0' and '.../settings@0.2.0' here.
/** Log lines written so far, as [level, message]. */
export const lines = [];
let current = new Map();

/** Sets the settings the handler sees (sorted by key, as the host does). */
export function setSettings(object) {
  current = new Map(Object.entries(object).sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  lines.length = 0;
}

export function log(level, message) {
  if (!['trace', 'debug', 'info', 'warn', 'error'].includes(level)) throw new TypeError(`bad level ${level}`);
  if (typeof message !== 'string') throw new TypeError('message must be a string');
  lines.push([level, message]);
}

export function get(key) {
  return current.get(key);
}

export function entries() {
  return [...current.entries()];
}
