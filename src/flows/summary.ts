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

/** Every applicable field, grouped by section, numbered as the summary shows them. */
export function describeAnswers(flow: FlowDefinition, answers: Answers, opts: { towns?: readonly Town[] } = {}): DescribedSection[] {
  const steps = activeAnswerSteps(flow, answers);
  const sections: DescribedSection[] = flow.sections.map((s) => ({ id: s.id, title: s.title, fields: [] }));
  steps.forEach((step, i) => {
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

/** The summary as text chunks small enough for any channel, split between sections. */
export function summaryTexts(flow: FlowDefinition, answers: Answers, towns: readonly Town[], header: string): string[] {
  const blocks = describeAnswers(flow, answers, { towns }).map((s) =>
    [`【${s.title}】`, ...s.fields.map((f) => `${f.n}. ${f.label}：${f.display}`)].join("\n"),
  );
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
