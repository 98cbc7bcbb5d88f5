// What the flows say to help: the commands available, the way out after repeated failures, and
// the hint that a run of count questions can be answered in one message.
import { activeAnswerSteps } from "./answers.ts";
import type { FlowContext, FlowState } from "./engine-types.ts";
import type { AnswerStep, FlowDefinition } from "./flow-schema.ts";

/**
 * The first of a run of unanswered count questions of one part (A.1 有效量: eight of them) says
 * they can all be answered in one message (parse-answer reads "发明专利12，实用新型专利45"): one
 * answer instead of eight, and eight messages fewer under WeCom's 30 a minute.
 */
export function countsAtOnceHint(flow: FlowDefinition, state: FlowState, step: AnswerStep): string[] {
  const steps = activeAnswerSteps(flow, state.answers);
  const i = steps.findIndex((st) => st.id === step.id);
  // Counts of one thing (件), not the enterprise's 万元 and 人 that happen to follow each other.
  const unit = step.kind === "number" ? step.unit : undefined;
  const same = (st: AnswerStep | undefined) => st !== undefined && st.kind === "number" && st.section === step.section && st.unit === unit;
  if (i < 0 || same(steps[i - 1]) || state.onlyFields) return [];
  let end = i;
  while (same(steps[end + 1])) end++;
  const block = steps.slice(i, end + 1);
  if (block.length < 3 || block.some((st) => st.id in state.answers)) return [];
  return [`也可一次回复全部，如：${block[0]!.label}12，${block[1]!.label}45，${block[2]!.label}8……`];
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

