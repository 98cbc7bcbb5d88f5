// The engine's moves on a working copy of the state: ask, answer, back, skip, edit, summary,
// submit, cancel. engine.ts dispatches inputs to these by mode.
import type { OutboundMessage } from "../domain/chat.ts";
import { activeAnswerSteps, activeSteps, findStep, nextPending, pendingSteps, submittedAnswers } from "./answers.ts";
import type { FlowCommand, FlowContext, FlowState } from "./engine-types.ts";
import { conditionsOf, expandSteps, flowTexts, mediaAnswer, type AnswerStep, type AnswerValue, type FlowDefinition } from "./flow-schema.ts";
import { isNoneWord, normalizeWord, parseYesNo } from "./normalize.ts";
import { parseAnswer } from "./parse-answer.ts";
import { helpOffer } from "./help-texts.ts";
import {
  aliasesFor,
  cancelConfirmMessages,
  optionsFor,
  echoLine,
  OTHER_VALUE,
  questionMessages,
  suggestOption,
  type AskOptions,
  withPrefix,
  summaryActionMessages,
  text,
} from "./render.ts";
import { describeAnswers, formatValue } from "./summary.ts";
import { sectionChooser, summarySectionMessages } from "./summary-cards.ts";

export interface Run {
  flow: FlowDefinition;
  s: FlowState;
  ctx: FlowContext;
  replies: OutboundMessage[];
  commands: FlowCommand[];
}

export const FAILURES_BEFORE_HELP = 3;

export function currentStep(run: Run): AnswerStep | undefined {
  const step = run.s.cursor ? findStep(run.flow, run.s.cursor) : undefined;
  return step && step.kind !== "notice" ? step : undefined;
}

/** Asks `step` in one message; its progress line ("第 12/31 题 · 部分") names the part. */
export function ask(run: Run, step: AnswerStep, prefix: string[] = [], opts: AskOptions = {}): void {
  const { s } = run;
  s.cursor = step.id;
  s.mode = step.id in s.answers ? "editing" : "asking";
  run.replies.push(...questionMessages(run.flow, s, step, run.ctx, prefix, { noSuggest: opts.noSuggest }));
}

/** Notices between two steps. An edit only shows notices that depend on the edited field. */
function noticesBetween(run: Run, fromId: string | null, toId: string | null, answered: string, wasEdit: boolean): string[] {
  const order = expandSteps(run.flow).map((s) => s.id);
  const from = fromId === null ? -1 : order.indexOf(fromId);
  const to = toId === null ? order.length : order.indexOf(toId);
  return activeSteps(run.flow, run.s.answers)
    .filter((st) => st.kind === "notice")
    .filter((st) => order.indexOf(st.id) > from && order.indexOf(st.id) < to)
    .filter((st) => !wasEdit || conditionsOf(st.when).some((c) => c.field === answered))
    .map((st) => st.prompt);
}

/** Moves on after `fromId`: the next pending question, or the summary. */
export function advance(run: Run, fromId: string | null, prefix: string[] = [], wasEdit = false): void {
  const { flow, s } = run;
  const next = nextPending(flow, s.answers, s.queue, fromId);
  const notices = noticesBetween(run, fromId, next?.id ?? null, fromId ?? "", wasEdit);
  // A flow without a summary (a short dialog) completes on its last answer.
  if (!next) return flow.summary ? showSummary(run, [...prefix, ...notices]) : submit(run);
  ask(run, next, [...prefix, ...notices]);
}

export function commit(run: Run, step: AnswerStep, value: AnswerValue, prefix: string[] = []): void {
  const { s } = run;
  const wasEdit = step.id in s.answers;
  s.answers[step.id] = value;
  delete s.failures[step.id];
  s.queue = s.queue.filter((q) => q !== step.id);
  if (!s.history.includes(step.id)) s.history.push(step.id);
  advance(run, step.id, prefix, wasEdit);
}

export function answerText(run: Run, step: AnswerStep, input: string): void {
  const { s, ctx } = run;
  const hasNoneOption = step.kind === "multi-choice" && step.none !== undefined;
  if (step.optional && step.kind !== "yes-no" && !hasNoneOption && isNoneWord(input)) return commit(run, step, null, ["已跳过。"]);
  const suggested = suggestOption(step, s, ctx);
  if (suggested) {
    // "属于小榄镇，对吗？": 是 takes it (and says so); 不是 / 选择其他 shows the whole list.
    const yn = parseYesNo(input);
    if (yn === true) return commit(run, step, suggested.value, [echoLine(step, suggested.value, input, ctx)]);
    if (yn === false || OTHER_WORDS.includes(normalizeWord(input))) return ask(run, step, [], { noSuggest: true });
  }
  const r = parseAnswer(step, input, { now: ctx.now, options: optionsFor(step, ctx), aliases: aliasesFor(step) });
  if (r.ok) return commit(run, step, r.value, [echoLine(step, r.value, input, ctx)]);
  refuse(run, step, r.error);
}

/** A refused answer: the reason and the question again; after 3 tries a way out instead. */
export function refuse(run: Run, step: AnswerStep, error: string): void {
  const { s, ctx } = run;
  const tries = (s.failures[step.id] ?? 0) + 1;
  s.failures[step.id] = tries;
  if (tries >= FAILURES_BEFORE_HELP) run.replies.push(text(helpOffer(step, error, ctx)));
  // A run-time list (an application's fields) is long and was just shown: the reason is enough.
  else if (step.kind === "multi-choice" && step.choiceSource === "context") run.replies.push(text(error));
  // Refused on a suggested town: they want another one, so the list comes with the reason.
  else run.replies.push(...questionMessages(run.flow, s, step, ctx, [error], { noSuggest: suggestOption(step, s, ctx) !== null }));
}

const OTHER_WORDS = ["选择其他", "其他", "选其他", "别的", "换一个"];

/** A button for the current step: its value, skip, or "none". Anything else is stale. */
export function answerButton(run: Run, step: AnswerStep, value: string): void {
  if (value === "@skip") return skip(run, step);
  if (value === "@none" && step.kind === "multi-choice" && step.none) return commit(run, step, []);
  if (value === OTHER_VALUE && step.kind === "choice") return ask(run, step, [], { noSuggest: true });
  if (step.kind === "yes-no" && (value === "yes" || value === "no")) return commit(run, step, value === "yes");
  if (step.kind === "choice" && optionsFor(step, run.ctx).some((o) => o.value === value)) return commit(run, step, value);
  if (step.kind === "scale") {
    // 8.1: a key names its score, and keys can be forged: checked like a typed score.
    const r = parseAnswer(step, value, { now: run.ctx.now, options: [] });
    return r.ok ? commit(run, step, r.value) : refuse(run, step, r.error);
  }
  stale(run, { target: step.id, value });
}

/** A photo or file: the answer to a media step; anything else asks for what the question wants. */
export function answerMedia(run: Run, step: AnswerStep, input: { mediaId: string; mediaType: string }): void {
  if (step.kind === "media") return commit(run, step, mediaAnswer(input.mediaType, input.mediaId));
  ask(run, step, ["这一题请回复文字。"]);
}

/**
 * A button from an earlier card: say kindly what it was about (an answered question names its
 * answer and how to change it) and re-ask what is current, in one message.
 */
export function stale(run: Run, key?: { target: string; value: string } | null): void {
  const { flow, s, ctx } = run;
  const steps = activeAnswerSteps(flow, s.answers);
  const n = key ? steps.findIndex((st) => st.id === key.target) : -1;
  const answered = n >= 0 && key!.target !== s.cursor && key!.target in s.answers ? steps[n]! : undefined;
  const note = answered
    ? `“${answered.label}”已经答过了（${formatValue(answered, s.answers[answered.id], ctx.towns)}），不用再点。如需修改请回复“修改 ${n + 1}”。`
    : "这张卡片已经处理过了，不用再点。";
  const step = currentStep(run);
  if (s.mode === "summary" || !step) return void run.replies.push(...withPrefix([note], summaryActionMessages(flow, s, ctx, editableHint(run))));
  ask(run, step, [`${note}请回答当前问题：`]);
}

export function skip(run: Run, step: AnswerStep): void {
  if (!step.optional) return ask(run, step, ["这一题必须填写，不能跳过。"]);
  commit(run, step, null, ["已跳过。"]);
}

/** "返回": the answered step before the current one (or the last one, from the summary). */
export function back(run: Run): void {
  const { s, flow } = run;
  const active = new Set(activeAnswerSteps(flow, s.answers).map((st) => st.id));
  const at = s.cursor ? s.history.indexOf(s.cursor) : -1;
  const before = (at >= 0 ? s.history.slice(0, at) : s.history).filter((id) => active.has(id) && id !== s.cursor);
  const target = before.length ? findStep(flow, before[before.length - 1]!) : undefined;
  const step = currentStep(run);
  if (!target || target.kind === "notice") {
    if (step) return ask(run, step, ["已经是第一题了。"]);
    return showSummary(run, ["没有上一题了。"]);
  }
  ask(run, target);
}

/** Steps that may be edited: all, or in revision mode the returned ones and what depends on them. */
export function editableIds(run: Run): Set<string> | null {
  const only = run.s.onlyFields;
  if (!only) return null;
  const ids = new Set(only);
  for (const st of expandSteps(run.flow)) if (conditionsOf(st.when).some((c) => ids.has(c.field))) ids.add(st.id);
  return ids;
}

export function editableHint(run: Run): string {
  const ids = editableIds(run);
  if (!ids) return "";
  const nums = describeAnswers(run.flow, run.s.answers, { towns: run.ctx.towns })
    .flatMap((sec) => sec.fields)
    .filter((f) => ids.has(f.stepId))
    .map((f) => f.n);
  return `（本次可修改第 ${nums.join("、")} 项）`;
}

/** Finds the field a "修改 N" / "修改 企业名称" means, or undefined. */
export function resolveField(run: Run, arg: string): AnswerStep | undefined {
  const steps = activeAnswerSteps(run.flow, run.s.answers);
  if (/^\d+$/.test(arg)) return steps[Number(arg) - 1];
  const w = normalizeWord(arg);
  if (w === "") return undefined;
  const exact = steps.find((st) => normalizeWord(st.label) === w);
  if (exact) return exact;
  const hits = steps.filter((st) => normalizeWord(st.label).includes(w));
  return hits.length === 1 ? hits[0] : undefined;
}

export function edit(run: Run, arg: string): void {
  const { s } = run;
  const again = (msg: string) => {
    const step = currentStep(run);
    if (s.mode !== "summary" && step) return ask(run, step, [msg]);
    run.replies.push(text(msg));
  };
  if (arg === "") {
    if (s.mode === "summary") return again("请回复要修改的序号，如“修改 3”或直接回复“3”。");
    return showSummary(run, ["请回复要修改的序号，如“修改 3”。"]);
  }
  const total = activeAnswerSteps(run.flow, s.answers).length;
  const target = resolveField(run, arg);
  if (!target) return again(/^\d+$/.test(arg) ? `没有第 ${arg} 项，请回复 1–${total} 的序号。` : `没找到“${arg}”，请回复序号，如“修改 3”。`);
  const allowed = editableIds(run);
  if (allowed && !allowed.has(target.id)) return again(`这一项本次不需要修改${editableHint(run)}。`);
  ask(run, target);
}

/** 修改 on a summary section's card: its one field, or a chooser of its fields. */
export function editSection(run: Run, sectionId: string): void {
  const r = sectionChooser(run.flow, run.s, run.ctx, sectionId, editableIds(run));
  if ("ask" in r) return edit(run, String(activeAnswerSteps(run.flow, run.s.answers).findIndex((st) => st.id === r.ask) + 1));
  run.replies.push(...r.messages);
}

export function showSummary(run: Run, prefix: string[] = []): void {
  const { flow, s, ctx } = run;
  s.mode = "summary";
  s.cursor = null;
  run.replies.push(...summarySectionMessages(flow, s, ctx, prefix));
  const pending = pendingSteps(flow, s.answers, s.queue);
  if (pending.length) run.replies.push(text(`还有 ${pending.length} 项没填，回复“继续”接着填。`));
  else run.replies.push(...summaryActionMessages(flow, s, ctx, editableHint(run)));
}

export function submit(run: Run): void {
  const { flow, s } = run;
  const first = pendingSteps(flow, s.answers, s.queue)[0];
  if (first) return ask(run, first, ["还有问题没填完："]);
  s.mode = "done";
  s.cursor = null;
  run.commands.push({
    type: "submit",
    flowId: flow.id,
    flowVersion: flow.version,
    answers: submittedAnswers(flow, s.answers),
    ...(s.onlyFields ? { revisedFields: [...s.onlyFields] } : {}),
  });
  run.replies.push(text(flowTexts(flow).done));
}

export function askCancel(run: Run): void {
  const { s } = run;
  if (s.mode === "asking" || s.mode === "editing" || s.mode === "summary") s.resumeMode = s.mode;
  s.mode = "confirm-cancel";
  run.replies.push(...cancelConfirmMessages(run.flow, s, run.ctx));
}

export function confirmCancel(run: Run): void {
  run.s.mode = "cancelled";
  run.commands.push({ type: "cancelled", flowId: run.flow.id });
  // forgetOnEnd (8.1): the runner drops the answers of an ended conversation, so none are kept.
  run.replies.push(text(run.flow.conversation?.forgetOnEnd ? "已取消，已填写的内容不会保存。" : "已取消申请。已填写的内容已保存，随时回复“继续”可接着填写。"));
}

/** "继续": back to where the person was (the question, with its heading, or the summary). */
export function resume(run: Run, prefix: string[] = []): void {
  const { s } = run;
  const wasSummary = (s.mode === "summary" || s.resumeMode === "summary") && s.mode !== "asking" && s.mode !== "editing";
  s.resumeMode = undefined;
  const step = currentStep(run);
  const active = step && activeAnswerSteps(run.flow, s.answers).some((st) => st.id === step.id);
  if (!wasSummary && step && active) return ask(run, step, prefix);
  const next = pendingSteps(run.flow, s.answers, s.queue)[0];
  if (next) return ask(run, next, prefix);
  showSummary(run, prefix);
}
