// Answers as people read them, grouped by section with field numbers: the chat summary,
// and later the approval card and the printed Table A.1.
import { activeAnswerSteps } from "./answers.ts";
import { parseMediaAnswer, type AnswerStep, type AnswerValue, type Answers, type FlowDefinition } from "./flow-schema.ts";
import type { Town } from "./engine-types.ts";

export const UNFILLED = "（未填）";

export interface DescribedField {
  /** The number used by "修改 12"; counts applicable questions in flow order. */
  n: number;
  stepId: string;
  label: string;
  value: AnswerValue | undefined;
  /** Human-readable value, e.g. "500 万元", "国家级、省级", "（未填）". */
  display: string;
}

export interface DescribedSection {
  id: string;
  title: string;
  fields: DescribedField[];
}

export function formatValue(step: AnswerStep, value: AnswerValue | undefined, towns: readonly Town[] = []): string {
  if (value === null || value === undefined) return UNFILLED;
  const unit = (u: string | undefined) => (u ? ` ${u}` : "");
  switch (step.kind) {
    case "number":
      return `${value}${unit(step.unit)}`;
    case "year":
      return `${value} 年`;
    case "yes-no":
      return value === true ? (step.yesLabel ?? "是") : (step.noLabel ?? "否");
    case "choice": {
      const opts = step.choiceSource === "towns" ? towns.map((t) => ({ value: t.id, label: t.name })) : (step.options ?? []);
      return opts.find((o) => o.value === value)?.label ?? String(value);
    }
    case "multi-choice": {
      if (!Array.isArray(value)) return String(value);
      if (value.length === 0) return step.none?.label ?? "无";
      return value.map((v) => (step.options ?? []).find((o) => o.value === v)?.label ?? v).join("、");
    }
    case "media": {
      const m = parseMediaAnswer(value);
      return m ? (m.mediaType === "image" ? "（已发送照片）" : "（已发送文件）") : String(value);
    }
    case "scale":
      return `${value} / ${step.max}`; // 8.1: "4 / 5", "8 / 10"
    default:
      return String(value);
  }
}

/**
 * Every applicable field, grouped by section, numbered as the summary shows them. Internal steps
 * (联系人同负责人, 负责人确认方式) keep their number, so "修改 N" is the same everywhere, but are
 * left out unless asked for.
 */
export function describeAnswers(flow: FlowDefinition, answers: Answers, opts: { towns?: readonly Town[]; includeInternal?: boolean } = {}): DescribedSection[] {
  const steps = activeAnswerSteps(flow, answers);
  const sections: DescribedSection[] = flow.sections.map((s) => ({ id: s.id, title: s.title, fields: [] }));
  steps.forEach((step, i) => {
    if (step.internal && !opts.includeInternal) return;
    sections
      .find((s) => s.id === step.section)
      ?.fields.push({
        n: i + 1,
        stepId: step.id,
        label: step.label,
        value: answers[step.id],
        display: step.id in answers ? formatValue(step, answers[step.id], opts.towns) : "（待填）",
      });
  });
  return sections.filter((s) => s.fields.length > 0);
}

/** WeCom text messages are limited to 2048 bytes: stay well below. */
const MAX_MESSAGE_BYTES = 1800;
const bytes = (s: string) => new TextEncoder().encode(s).length;

/** What changed since `before` (the last summary, or the answers as returned): step id → old display. */
export function changedFields(flow: FlowDefinition, before: Answers, after: Answers, towns: readonly Town[] = []): Map<string, string> {
  const out = new Map<string, string>();
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  for (const step of activeAnswerSteps(flow, after)) {
    if (step.internal || !(step.id in after) || same(before[step.id], after[step.id])) continue;
    out.set(step.id, step.id in before ? formatValue(step, before[step.id], towns) : UNFILLED);
  }
  return out;
}

/** "12. 负责人手机：139…（已修改，原：138…）" */
export function fieldLine(f: DescribedField, changed?: ReadonlyMap<string, string>): string {
  const old = changed?.get(f.stepId);
  return `${f.n}. ${f.label}：${f.display}${old !== undefined ? `（已修改，原：${old}）` : ""}`;
}

/**
 * The summary as text chunks small enough for any channel, split between sections. With
 * `changed`, only the sections holding a change, the changes marked 已修改.
 */
export function summaryTexts(flow: FlowDefinition, answers: Answers, towns: readonly Town[], header: string, changed?: ReadonlyMap<string, string>): string[] {
  const blocks = describeAnswers(flow, answers, { towns })
    .filter((s) => !changed || s.fields.some((f) => changed.has(f.stepId)))
    .map((s) => [`【${s.title}】`, ...s.fields.map((f) => fieldLine(f, changed))].join("\n"));
  const out: string[] = [];
  let current = header;
  for (const block of blocks) {
    const next = current ? `${current}\n\n${block}` : block;
    if (current && bytes(next) > MAX_MESSAGE_BYTES) {
      out.push(current);
      current = block;
    } else current = next;
  }
  if (current) out.push(current);
  return out;
}
