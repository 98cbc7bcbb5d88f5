// One message answering several consecutive number questions it names: "发明12件，实用新型45件，
// 外观8件" on the 有效知识产权 counts (A.1), "注册资本500万，人数120" on the enterprise's figures.
// Each named count goes through parseAnswer like a single answer; anything not understood refuses
// the whole message with what was understood, so nothing is stored half-read.
import { NUMERAL_CHARS } from "./chinese-number.ts";
import type { AnswerStep, AnswerValue } from "./flow-schema.ts";
import { normalizeWord, toHalfWidthAlnum } from "./normalize.ts";
import { parseAnswer } from "./parse-answer.ts";

export type LabelledAnswers =
  | { kind: "fill"; filled: { step: AnswerStep; value: AnswerValue }[] }
  | { kind: "error"; error: string };

// "三千多万", "300左右": approximations stay with the number (parseNumberText reads them).
const VALUE = `(?:-?[${NUMERAL_CHARS}]+(?:[多余来][万亿]?)?(?:左右)?|没有|无)`;
const UNIT = "(?:万元|万|亿|元|件|个|项|人|名|位)";
const LABEL_FIRST = new RegExp(`([^${NUMERAL_CHARS}:：]+?)[:：=]?(?:有|是|为|共)?(${VALUE})(${UNIT}?)`, "g");
const NUMBER_FIRST = new RegExp(`^(${VALUE})(${UNIT}?)(?:的)?([^${NUMERAL_CHARS}]+)$`);

const key = (s: string) => normalizeWord(s).replace(/[\s“”"]/g, "");
const names = (st: AnswerStep) => [st.label, ...(st.aliases ?? [])].map(key);

/** The step a typed label names among `steps`: a name exactly, else the one name it is part of (or that is part of it). */
export function stepNamed(steps: readonly AnswerStep[], label: string): AnswerStep | AnswerStep[] | undefined {
  const whole = key(label).replace(/的/g, "");
  const l = whole.replace(/^(有效|的|和|及)/, "").replace(/(的|数量|有效量)$/, "");
  if (l === "") return undefined;
  const exact = steps.filter((st) => names(st).includes(whole) || names(st).includes(l));
  if (exact.length === 1) return exact[0];
  if ([...l].length < 2) return undefined; // "部" in "修改部" names nothing
  const score = (st: AnswerStep) => Math.max(0, ...names(st).map((n) => (n.includes(l) ? l.length : l.includes(n) ? n.length : 0)));
  const hits = steps.filter((st) => score(st) > 0).sort((a, b) => score(b) - score(a));
  if (hits.length === 0) return undefined;
  if (hits.length === 1 || score(hits[0]!) > score(hits[1]!)) return hits[0];
  return hits;
}

/** Label/value pairs in the text, and the parts that are not one. */
function pairs(text: string): { found: { label: string; value: string }[]; rest: string[] } {
  const out: { label: string; value: string }[] = [];
  const rest: string[] = [];
  for (const seg of text.split(/[，、;；。\n]+|(?<!\d),|,(?!\d{3}(?:\D|$))|\.(?!\d)/).filter((x) => x !== "")) {
    const ms = [...seg.matchAll(LABEL_FIRST)];
    if (ms.length > 0 && ms.map((m) => m[0]).join("") === seg) {
      for (const m of ms) out.push({ label: m[1]!, value: m[2]! + m[3]! });
      continue;
    }
    const n = NUMBER_FIRST.exec(seg);
    if (n) out.push({ label: n[3]!, value: n[1]! + n[2]! });
    else rest.push(seg);
  }
  return { found: out, rest };
}

/**
 * Reads labelled numbers for `block` (consecutive number steps; `fillable` the ones that may be
 * set now). Null when the text names none of them: then it is an ordinary answer (or refusal).
 */
export function parseLabelledAnswers(block: readonly AnswerStep[], fillable: ReadonlySet<string>, raw: string, now: Date): LabelledAnswers | null {
  // Full-width digits and letters only: "，" stays a separator, "," may group thousands.
  const text = toHalfWidthAlnum(raw).replace(/\s+/g, "");
  const { found, rest } = pairs(text);
  const named = found.map((p) => ({ ...p, step: stepNamed(block, p.label) }));
  if (!named.some((p) => p.step && !Array.isArray(p.step))) return null;
  const filled: { step: AnswerStep; value: AnswerValue }[] = [];
  const problems: string[] = rest.map((r) => `没看懂“${r}”`);
  for (const p of named) {
    if (p.step === undefined) problems.push(`没看懂“${p.label}”是哪一项`);
    else if (Array.isArray(p.step)) problems.push(`“${p.label}”可能是${p.step.map((st) => st.label).join("或")}`);
    else if (!fillable.has(p.step.id)) problems.push(`${p.step.label}这次不需要填写`);
    else if (filled.some((f) => f.step.id === (p.step as AnswerStep).id)) problems.push(`${p.step.label}写了两次`);
    else {
      const r = parseAnswer(p.step, p.value, { now, options: [] });
      if (r.ok) filled.push({ step: p.step, value: r.value });
      else problems.push(`${p.step.label}：${r.error}`);
    }
  }
  if (problems.length === 0) return { kind: "fill", filled };
  const understood = filled.length ? `看懂了：${echoList(filled)}；` : "";
  const example = block.slice(0, 3).map((st, i) => `${(st.aliases ?? [])[0] ?? st.label}${[12, 45, 8][i]}`).join("，");
  return { kind: "error", error: `${understood}${problems.join("；")}。可一次回复几项，如“${example}”，或只回复本题的数字` };
}

/** "发明专利 12 件、实用新型专利 45 件". */
export function echoList(filled: readonly { step: AnswerStep; value: AnswerValue }[]): string {
  return filled.map(({ step, value }) => `${step.label} ${value}${step.kind === "number" && step.unit ? ` ${step.unit}` : ""}`).join("、");
}
