// Mobile numbers and secrets never reach logs in full.

const MOBILE = /(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)/g;

/** 13812345678 → 138****5678 (also inside longer text). */
export function maskMobiles(text: string): string {
  return text.replace(MOBILE, (_m, a: string, _b: string, c: string) => `${a}****${c}`);
}

const SECRET_KEY = /secret|token|password|passwd|aes_?key|encodingaeskey|authorization|cookie|response_?code|echostr/i;

/** Deep copy with secret-looking keys censored and mobile numbers masked in every string. */
export function scrubForLog(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[depth]";
  if (typeof value === "string") return maskMobiles(value);
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return { type: value.name, message: maskMobiles(value.message), stack: value.stack ? maskMobiles(value.stack) : undefined };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => scrubForLog(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) ? "[redacted]" : scrubForLog(v, depth + 1);
  }
  return out;
}
