// Mobile numbers, credit codes and secrets never reach logs in full.

const MOBILE = /(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)/g;

/** 13812345678 → 138****5678 (also inside longer text). */
export function maskMobiles(text: string): string {
  return text.replace(MOBILE, (_m, a: string, _b: string, c: string) => `${a}****${c}`);
}

// 统一社会信用代码 (GB 32100): 18 characters from the code's alphabet (no I, O, S, V, Z).
const USCC = /(?<![0-9A-Z])([0-9A-HJ-NP-RTUWXY]{2}\d{2})[0-9A-HJ-NP-RTUWXY]{12}([0-9A-HJ-NP-RTUWXY]{2})(?![0-9A-Z])/gi;

/** 91350100M000100Y43 → 9135************43 (also inside longer text). */
export function maskCreditCodes(text: string): string {
  return text.replace(USCC, (_m, a: string, b: string) => `${a}${"*".repeat(12)}${b}`);
}

/** Everything personal a log line must not carry in full. */
export function maskPersonal(text: string): string {
  return maskCreditCodes(maskMobiles(text));
}

const SECRET_KEY = /secret|token|password|passwd|aes_?key|encodingaeskey|authorization|cookie|response_?code|echostr/i;

/** Deep copy with secret-looking keys censored and mobile numbers masked in every string. */
export function scrubForLog(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[depth]";
  if (typeof value === "string") return maskPersonal(value);
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return { type: value.name, message: maskPersonal(value.message), stack: value.stack ? maskPersonal(value.stack) : undefined };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => scrubForLog(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) ? "[redacted]" : scrubForLog(v, depth + 1);
  }
  return out;
}
