/**
 * Secret scrubbing for every string that may reach a log line, stdout or an error message.
 * Two layers: values registered at runtime (the exact token/key in use) and shapes that look like
 * secrets (JWTs, `vb_` access keys, bearer/cookie/query credentials), so a secret we never
 * registered — one echoed back in a server error, say — is still hidden.
 */
const REDACTED = '[redacted]';

const SHAPES: readonly RegExp[] = [
  // JWT: three base64url segments, the first two starting with '{"' encoded (eyJ).
  /eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  // VoIPBIN access keys.
  /\bvb_[A-Za-z0-9_-]{6,}/g,
  // Credentials inside headers, cookies and query strings.
  /((?:authorization|bearer)\s*[:=]?\s*(?:bearer\s+)?)[^\s,;"']{8,}/gi,
  /((?:[?&;\s]|^)(?:token|accesskey|access_key|password|webhook_secret|secret)=)[^&\s;"']+/gi,
  /("(?:token|accesskey|access_key|password|webhook_secret|secret)"\s*:\s*")[^"]*/gi,
];

/**
 * Every shape above needs one of these words to match: one pass of this tells that none can, so
 * the usual line (an event, a state) skips the five replace passes.
 */
const ANY_SHAPE = /eyJ|vb_|authorization|bearer|token|access_?key|password|secret/i;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value that must never be printed (ignored when too short to be a secret). */
  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 8) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      if (out.includes(s)) out = out.split(s).join(REDACTED);
    }
    if (!ANY_SHAPE.test(out)) return out;
    for (const re of SHAPES) {
      out = out.replace(re, (match: string, prefix?: string) => (typeof prefix === 'string' && prefix.length < match.length ? prefix + REDACTED : REDACTED));
    }
    return out;
  }

  /** Deep copy with every string redacted (after `clean`, when given): for structured log fields. */
  redactValue(value: unknown, clean: (s: string) => string = (s) => s, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(clean(value));
    if (depth > 6 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v, clean, depth + 1));
    if (value instanceof Error) return this.redact(clean(value.message));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.redactValue(v, clean, depth + 1);
    return out;
  }
}

/** One process-wide redactor: the CLI and the Electron main process register their secrets here. */
export const redactor = new Redactor();
