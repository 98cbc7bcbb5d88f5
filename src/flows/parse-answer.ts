// One typed reply → one validated value: normalize, parse by kind, check with zod, then the
// step's named validator. Errors are Chinese: the specific problem, then what is expected + example.
import { z } from "zod";
import type { AnswerStep, AnswerValue } from "./flow-schema.ts";
import {
  collapseSpaces,
  isNegation,
  resolveChoice,
  normalizeMobile,
  normalizeText,
  normalizeUscc,
  parseMultiSelect,
  parseNumberText,
  parseYearText,
  parseYesNo,
  toHalfWidth,
  type LabeledOption,
} from "./normalize.ts";
import { parseScaleText, scaleLegend } from "./scale.ts";
import { chinaYear, MOBILE_EXAMPLE, MOBILE_RE, normalizers, USCC_EXAMPLE, usccProblem, validators } from "./validators.ts";

export interface ParseEnv {
  now: Date;
  /** The step's options (for towns: from ctx). */
  options: readonly LabeledOption[];
  aliases?: Record<string, string>;
}

export type ParseResult = { ok: true; value: AnswerValue } | { ok: false; error: string };

export const DEFAULT_MIN_YEAR = 1949;
const MAX_COUNT = 100_000_000;

/** Options named with the numbers their buttons carry; a long list (towns) by its range only. */
function optionList(options: readonly LabeledOption[]): string {
  if (options.length === 0 || options.length > 8) return ` 1–${options.length} 的序号或名称`;
  return `序号或名称（${options.map((o, i) => `${i + 1} ${o.label}`).join("、")}）`;
}

/** What the step expects, with an example (the step's own `error` wins). */
export function expectedHint(step: AnswerStep, optionCount: number, options: readonly LabeledOption[] = []): string {
  if (step.error) return step.error.replaceAll("{count}", String(optionCount));
  switch (step.kind) {
    case "text":
      return `请直接回复文字（${step.minLength ?? 1}–${step.maxLength ?? 200} 个字）`;
    case "number": {
      const unit = step.unit ? `（单位：${step.unit}）` : "";
      return step.decimals ? `请回复数字${unit}，如 500 或 1,200.5` : `请回复整数${unit}，如 120`;
    }
    case "year":
      return `请回复 4 位年份，如 2015${step.optional ? "；没有请回复“没有”" : ""}`;
    case "mobile":
      return `请回复 11 位手机号，如 ${MOBILE_EXAMPLE}`;
    case "uscc":
      return `请回复营业执照上的 18 位统一社会信用代码，如 ${USCC_EXAMPLE}`;
    case "choice":
      return `请回复${optionList(options)}，如 1${options[0] ? ` 或“${options[0].label}”` : ""}`;
    case "multi-choice":
      return `可多选，请回复${optionList(options)}，如 ${multiExample(optionCount)}${step.none ? `；都没有请回复“${step.none.label}”` : ""}`;
    case "yes-no":
      return step.yesLabel || step.noLabel ? `请回复“是”（${step.yesLabel ?? "是"}）或“否”（${step.noLabel ?? "否"}）` : "请回复“是”或“否”";
    case "media":
      return step.noteAllowed === false ? "请直接发送照片或文件" : "请直接发送照片；不便拍照时回复文字说明";
    case "scale": {
      const legend = scaleLegend(step);
      return `请回复 ${step.min}–${step.max} 之间的整数${legend ? `：${legend}` : ""}。`;
    }
  }
}

export const multiExample = (n: number) => (n >= 3 ? "1,3" : "1,2");

const chars = (s: string) => [...s].length;

function firstIssue(schema: z.ZodType, value: unknown): string | null {
  const r = schema.safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? "格式不对");
}

function numberSchema(min: number, max: number, decimals: number, unit: string): z.ZodType {
  const u = unit ? ` ${unit}` : "";
  let s = z.number().min(min, { error: min === 0 ? "不能是负数" : `不能小于 ${min}${u}` }).max(max, { error: `不能大于 ${max}${u}` });
  if (decimals === 0) s = s.int({ error: "请填整数" });
  return s.refine((v) => Number(v.toFixed(decimals)) === v, { error: `最多保留 ${decimals} 位小数` });
}

/** Parses without the named validator; returns the value or a specific reason. */
function parseByKind(step: AnswerStep, text: string, env: ParseEnv): { value: AnswerValue } | { reason: string | null } {
  switch (step.kind) {
    case "text": {
      const min = step.minLength ?? 1;
      const max = step.maxLength ?? 200;
      const schema = z
        .string()
        .refine((s) => chars(s) >= min, { error: `太短了，至少 ${min} 个字` })
        .refine((s) => chars(s) <= max, { error: `太长了，最多 ${max} 个字（现在 ${chars(text)} 个）` });
      const reason = firstIssue(schema, text);
      return reason ? { reason } : { value: text };
    }
    case "number": {
      // "没有", "还没有", "一件都没有": 0 on a count (a headcount's minimum then refuses it), empty where optional.
      if (step.optional && isNegation(text)) return { value: null };
      const n = isNegation(text) ? 0 : parseNumberText(text, step.unit);
      if (n === null) return { reason: "这不是一个数字" };
      const reason = firstIssue(numberSchema(step.min ?? 0, step.max ?? MAX_COUNT, step.decimals ?? 0, step.unit ?? ""), n);
      return reason ? { reason } : { value: n };
    }
    case "year": {
      const now = chinaYear(env.now);
      // "没有", "未认证", "还没有认证": nothing to fill in, where the step may stay empty.
      if (step.optional && isNegation(text)) return { value: null };
      const y = parseYearText(text, now);
      if (y === null) return { reason: /\d{4}.*\d{4}/.test(text) ? `“${text}”里有不止一个年份，请只回复一个` : `没看懂“${text}”里的年份` };
      const min = step.min ?? DEFAULT_MIN_YEAR;
      const schema = z.number().int().min(min, { error: `年份不能早于 ${min} 年` }).max(now, { error: `年份不能晚于今年（${now} 年）` });
      const reason = firstIssue(schema, y);
      return reason ? { reason } : { value: y };
    }
    case "mobile": {
      const m = normalizeMobile(text);
      const reason = firstIssue(
        z.string().regex(/^\d+$/, { error: "手机号只能是数字" }).length(11, { error: `手机号是 11 位，您输入了 ${m.length} 位` }).regex(MOBILE_RE, { error: "这不像大陆手机号（应以 13–19 开头）" }),
        m,
      );
      return reason ? { reason } : { value: m };
    }
    case "uscc": {
      const c = normalizeUscc(text);
      const reason = firstIssue(z.string().superRefine((v, ctx) => {
        const p = usccProblem(v);
        if (p) ctx.addIssue({ code: "custom", message: p });
      }), c);
      return reason ? { reason } : { value: c };
    }
    case "choice": {
      const m = resolveChoice(text, env.options, env.aliases);
      if (m.kind === "ambiguous") return { reason: `“${text}”可能是 ${m.candidates.map((o) => `${env.options.indexOf(o) + 1} ${o.label}`).join(" 或 ")}` };
      if (m.kind === "none") return { reason: /^\d+$/.test(text) ? `没有第 ${text} 项（共 ${env.options.length} 项）` : `没看懂“${text}”` };
      const v = m.value;
      const values = env.options.map((o) => o.value);
      const reason = firstIssue(z.string().refine((x) => values.includes(x)), v);
      return reason ? { reason } : { value: v };
    }
    case "multi-choice": {
      const r = parseMultiSelect(text, env.options, step.none !== undefined);
      if (r.kind === "error") return { reason: r.reason };
      const picked = r.kind === "none" ? [] : r.values;
      const min = r.kind === "none" ? 0 : (step.minSelected ?? 1);
      const reason = firstIssue(z.array(z.string()).min(min, { error: `请至少选择 ${min} 项` }), picked);
      return reason ? { reason } : { value: picked };
    }
    case "yes-no": {
      const b = parseYesNo(text, { yes: step.yesWords, no: step.noWords });
      return b === null ? { reason: `没看懂“${text}”` } : { value: b };
    }
    case "media": {
      // A typed note where no photo can be sent; a photo arrives as a media input instead.
      if (step.noteAllowed === false) return { reason: null };
      return chars(text) >= 2 ? { value: text } : { reason: "说明太短" };
    }
    case "scale": {
      // 8.1: "4", "４分", "四星"; the range is the flow's, never the channel's buttons.
      const n = parseScaleText(text);
      if (n === null) return { reason: null };
      if (!Number.isInteger(n)) return { reason: `${n} 不是整数` };
      if (n < step.min || n > step.max) return { reason: `${n} 不在 ${step.min}–${step.max} 之间` };
      return { value: n };
    }
  }
}

export function parseAnswer(step: AnswerStep, raw: string, env: ParseEnv): ParseResult {
  const hint = expectedHint(step, env.options.length, env.options);
  const fail = (reason: string | null): ParseResult => ({ ok: false, error: reason && reason !== hint ? `${reason}。${hint}` : hint });
  let text = step.kind === "text" ? normalizeText(raw) : collapseSpaces(toHalfWidth(raw));
  if (step.normalizer) text = normalizers[step.normalizer]?.(text) ?? text;
  if (text === "") return fail(null);
  const parsed = parseByKind(step, text, env);
  if ("reason" in parsed) return fail(parsed.reason);
  const problem = step.validator ? (validators[step.validator]?.(parsed.value, { now: env.now }) ?? null) : null;
  // "" from a validator: refused, and the step's own hint says it all.
  return problem !== null ? fail(problem || null) : { ok: true, value: parsed.value };
}
