// What the flows say to help: the commands available, the way out after repeated failures, and
// the one question a run of count questions becomes.
import { activeAnswerSteps } from "./answers.ts";
import type { FlowContext, FlowState } from "./engine-types.ts";
import type { AnswerStep, FlowDefinition } from "./flow-schema.ts";

/**
 * The run of unanswered count questions (A.1 有效量: eight of them) that starts at `step`, asked as
 * ONE question (countsQuestion) and answered in one message — "12 45 8 0 6 0 3 0" in order, or
 * labelled "发明12，实用新型45" (multi-answer.ts): one answer instead of eight, and seven messages
 * fewer under WeCom's 30 a minute. Empty when `step` is not the start of such a run (then it is
 * asked alone: a single number answers just it, and the rest follow one by one).
 */
export function countRun(flow: FlowDefinition, state: FlowState, step: AnswerStep): AnswerStep[] {
  const steps = activeAnswerSteps(flow, state.answers);
  const i = steps.findIndex((st) => st.id === step.id);
  if (i < 0 || sameCount(steps[i - 1], step) || state.onlyFields) return [];
  const block = steps.slice(i, runEnd(steps, i) + 1);
  if (block.length < 3 || block.some((st) => st.id in state.answers)) return [];
  return block;
}

/** Counts of one thing (件) in one part, not the enterprise's 万元 and 人 that happen to follow each other. */
function sameCount(a: AnswerStep | undefined, b: AnswerStep): boolean {
  return a !== undefined && a.kind === "number" && b.kind === "number" && a.section === b.section && a.unit === b.unit;
}
function runEnd(steps: readonly AnswerStep[], i: number): number {
  let end = i;
  while (end + 1 < steps.length && sameCount(steps[end + 1], steps[i]!)) end++;
  return end;
}

/** Each step's question number as the person counts them: a run of three or more counts is one question. */
export function questionNumbers(steps: readonly AnswerStep[]): number[] {
  const out: number[] = [];
  for (let i = 0, n = 0; i < steps.length; ) {
    const end = runEnd(steps, i);
    const run = end - i + 1 >= 3 ? end - i + 1 : 1;
    n++;
    for (let k = 0; k < run; k++) out.push(n);
    i += run;
  }
  return out;
}

const EXAMPLE = [12, 45, 8, 0, 6, 0, 3, 0, 1, 2];

/** The one question for a run of counts: the items in order, how to answer, an example. */
export function countsQuestion(run: readonly AnswerStep[]): string[] {
  const unit = run[0]!.kind === "number" && run[0]!.unit ? `（${run[0]!.unit}）` : "";
  const example = run.map((_, i) => EXAMPLE[i % EXAMPLE.length]).join(" ");
  return [
    `请按顺序回复以下 ${run.length} 项的有效量${unit}，没有的写 0：`,
    run.map((st) => st.label).join("、"),
    `如“${example}”，或“${run[0]!.label}12，${run[1]!.label}45……”`,
  ];
}

/** "12 45 8 0 6 0 3 0": the run's counts in order, or a refusal saying what is needed; null when the text is not a list of numbers. */
export function readCountSequence(run: readonly AnswerStep[], input: string): { values: string[] } | { error: string } | null {
  const t = input.trim();
  // "1,200" is one number grouped in thousands, not two counts.
  if (/^\d{1,3}(,\d{3})+$/.test(t)) return null;
  const tokens = t.split(/[\s,，、;；/]+/).filter((x) => x !== "");
  if (tokens.length < 2 || !tokens.every((x) => /^\d+$/.test(x))) return null;
  if (tokens.length === run.length) return { values: tokens };
  return { error: `收到 ${tokens.length} 个数，这里需要 ${run.length} 个，依次是：${run.map((st) => st.label).join("、")}；没有的写 0` };
}

export function helpText(ctx: FlowContext): string {
  return [
    "可以随时回复：",
    "· 返回：回到上一题",
    "· 跳过：跳过选填的问题",
    "· 修改 序号：修改已填的内容，如“修改 3”",
    "· 取消：暂停申请（已填内容会保留）",
    "· 继续：重新显示当前问题",
    "· 菜单：回到主菜单",
    `遇到困难请联系：${ctx.helpContact}`,
  ].join("\n");
}

/** After 3 failed tries: offer a way out instead of repeating the same question. */
export function helpOffer(step: AnswerStep, error: string, ctx: FlowContext): string {
  return [
    "这一题好像不太好填，需要帮忙吗？",
    `本题要求：${error}`,
    `· 可联系${ctx.helpContact}`,
    step.optional ? "· 本题选填，可回复“跳过”" : "· 本题必填；可回复“返回”修改上一题",
    "· 回复“取消”可暂停申请，已填内容会保留",
  ].join("\n");
}

