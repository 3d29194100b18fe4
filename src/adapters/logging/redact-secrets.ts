/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/** Key names (lower case, without `_`, `-`, `.`) that hold secrets wherever they appear. */
const SECRET_KEY_PARTS = ['token', 'password', 'passwd', 'secret', 'privatekey', 'authorization', 'cookie', 'apikey', 'credential'];
const SECRET_KEYS = new Set(['auth', 'pass', 'pwd']);

/** Values that are credentials whatever key holds them: Slack and GitHub tokens, PEM private keys. */
const SECRET_VALUES = /\b(?:xox[abposr]-[A-Za-z0-9-]{6,}|xapp-[A-Za-z0-9-]{6,}|gh[pousr]_[A-Za-z0-9]{6,}|github_pat_[A-Za-z0-9_]{6,})|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

const MAX_DEPTH = 10;

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEYS.has(k) || SECRET_KEY_PARTS.some((part) => k.includes(part));
}

/**
 * A copy of a log object with every secret replaced, at any depth: values under a secret-looking key
 * (`token`, `a.b.token`, `headers.authorization`, `privateKey`, `password`, `client_secret`,
 * `GITHUB_APP_PRIVATE_KEY`, …) and token-shaped strings anywhere. Errors become plain
 * `{ type, message, stack, …own fields }` (redacted the same way). The input is never modified.
 */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return value.replace(SECRET_VALUES, REDACTED);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1, seen));
    if (value instanceof Error) {
      const fields: Record<string, unknown> = Object.assign({ type: value.name, message: value.message, stack: value.stack }, Object.fromEntries(Object.entries(value)));
      return redactSecrets(fields, depth, seen);
    }
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value; // Date, Buffer, URL: serialized as they are
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redactSecrets(v, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}
