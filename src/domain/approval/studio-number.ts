// A.1 市局意见 · 编号: the studio number assigned on final approval, e.g. ZSIPS-2026-007.
// The sequence restarts each year (StudioNumberSequence is keyed by year), so a format must
// contain both {year} and {seq} or numbers would repeat.

import { ValidationError } from "../errors.ts";

type Part = { kind: "text"; text: string } | { kind: "year" } | { kind: "seq"; width: number };

const TOKEN = /\{([^{}]*)\}/g;

function parse(format: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  let years = 0;
  let seqs = 0;
  for (const m of format.matchAll(TOKEN)) {
    const index = m.index ?? 0;
    if (index > last) parts.push({ kind: "text", text: format.slice(last, index) });
    last = index + m[0].length;
    const body = m[1] ?? "";
    if (body === "year") {
      years++;
      parts.push({ kind: "year" });
      continue;
    }
    const seq = /^seq(?::([1-9]))?$/.exec(body);
    if (!seq) throw new ValidationError(`工作室编号格式中有未知的占位符 {${body}}`, { format });
    seqs++;
    parts.push({ kind: "seq", width: seq[1] ? Number(seq[1]) : 1 });
  }
  if (last < format.length) parts.push({ kind: "text", text: format.slice(last) });
  for (const p of parts) {
    if (p.kind === "text" && /[{}]/.test(p.text)) throw new ValidationError("工作室编号格式中的花括号不成对", { format });
  }
  if (years !== 1 || seqs !== 1) {
    throw new ValidationError("工作室编号格式必须恰好包含一个 {year} 和一个 {seq} 或 {seq:N}", { format });
  }
  return parts;
}

/** Throws ValidationError for a format that could not produce unique numbers (check config at start-up). */
export function validateStudioNumberFormat(format: string): void {
  parse(format);
}

/**
 * "ZSIPS-{year}-{seq:3}" + { year: 2026, seq: 7 } → "ZSIPS-2026-007". {seq:N} zero-pads to N
 * digits; a larger seq is never truncated (1000 stays 1000), so numbers stay unique.
 */
export function formatStudioNumber(format: string, { year, seq }: { year: number; seq: number }): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new ValidationError("年份必须是四位数", { year });
  if (!Number.isInteger(seq) || seq < 1) throw new ValidationError("编号序号必须是正整数", { seq });
  return parse(format)
    .map((p) => (p.kind === "text" ? p.text : p.kind === "year" ? String(year) : String(seq).padStart(p.width, "0")))
    .join("");
}
