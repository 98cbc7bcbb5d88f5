// The conversation engine: a PURE function of (flow, state, input, ctx). No I/O, no clock but
// ctx.now, no randomness. The app saves the returned state as JSON after every answer, sends
// the replies through the channel and executes the commands.
import { ValidationError } from "../domain/errors.ts";
import { activeAnswerSteps, nextPending, progress } from "./answers.ts";
import { answerTyped, editTarget } from "./answer-typed.ts";
import { isSubmitWord, parseButtonKey, parseCommand, type ParsedCommand } from "./commands.ts";
import {
  advance,
  answerButton,
  answerMedia,
  ask,
  askCancel,
  back,
  confirmCancel,
  currentStep,
  edit,
  editableHint,
  editSection,
  resolveField,
  resume,
  skip,
  stale,
  submit,
  type Run,
} from "./engine-core.ts";
import {
  FlowStateSchema,
  FlowVersionMismatchError,
  type FlowContext,
  type FlowInput,
  type FlowState,
  type StartOptions,
  type StartResult,
  type StepResult,
} from "./engine-types.ts";
import { expandSteps, flowTexts, type Answers, type FlowDefinition } from "./flow-schema.ts";
import { parseYesNo } from "./normalize.ts";
import { helpText } from "./help-texts.ts";
import { cancelConfirmMessages, summaryActionMessages, text } from "./render.ts";

export { describeAnswers, formatValue, type DescribedField, type DescribedSection } from "./summary.ts";
export { submittedAnswers } from "./answers.ts";
export { KEY } from "./commands.ts";
export * from "./engine-types.ts";

export function startFlow(flow: FlowDefinition, ctx: FlowContext, opts: StartOptions = {}): StartResult {
  const steps = expandSteps(flow).filter((st) => st.kind !== "notice");
  const known = new Set(steps.map((st) => st.id));
  const unknown = (opts.onlyFields ?? []).filter((f) => !known.has(f));
  if (unknown.length) throw new ValidationError(`unknown fields for ${flow.id}: ${unknown.join(", ")}`, { unknown });
  const answers: Answers = {};
  for (const [k, v] of Object.entries(opts.prefill ?? {})) if (known.has(k) && v !== undefined) answers[k] = v;
  const only = opts.onlyFields ? steps.map((st) => st.id).filter((id) => opts.onlyFields!.includes(id)) : undefined;
  const state: FlowState = {
    flowId: flow.id,
    flowVersion: flow.version,
    answers,
    cursor: null,
    history: [],
    failures: {},
    mode: "asking",
    queue: only ?? [],
    // A revision's summary shows only what changed since the answers as returned.
    ...(only ? { onlyFields: only, summaryShown: { ...answers } } : {}),
    lastActivityAt: ctx.now.toISOString(),
    nudges: 0,
    cardSeq: 0,
  };
  const run: Run = { flow, s: state, ctx, replies: [], commands: [] };
  const prefix: string[] = [];
  if (only) {
    const labels = steps.filter((st) => only.includes(st.id)).map((st) => st.label);
    const opinion = opts.notice ? `审核意见：${opts.notice}\n` : "";
    prefix.push(`您的申请已退回修改。\n${opinion}需要修改：${labels.join("、")}（共 ${labels.length} 项）`);
  } else {
    if (opts.notice) prefix.push(opts.notice);
    const intro = flowTexts(flow).intro;
    if (intro) prefix.push(intro);
  }
  advance(run, null, prefix);
  return { state: run.s, replies: run.replies };
}

/** Throws FlowVersionMismatchError when the state belongs to another flow or version. */
export function assertStateMatches(flow: FlowDefinition, state: Pick<FlowState, "flowId" | "flowVersion">): void {
  if (state.flowId !== flow.id || state.flowVersion !== flow.version)
    throw new FlowVersionMismatchError(flow.id, flow.version, state.flowId, state.flowVersion);
}

export function step(flow: FlowDefinition, state: FlowState, input: FlowInput, ctx: FlowContext): StepResult {
  assertStateMatches(flow, state);
  const parsed = FlowStateSchema.safeParse(state); // also a deep copy: the caller's state is untouched
  if (!parsed.success) throw new ValidationError("corrupt flow state", { issues: parsed.error.issues });
  const s = parsed.data;
  s.lastActivityAt = ctx.now.toISOString();
  s.nudges = 0;
  const run: Run = { flow, s, ctx, replies: [], commands: [] };
  const key = input.kind === "button" ? parseButtonKey(input.key) : null;
  const cmd = input.kind === "text" ? parseCommand(input.text) : key?.target === "@cmd" && key.value === "resume" ? ({ type: "resume" } as const) : null;
  const textIn = input.kind === "text" ? input.text : null;

  if (cmd?.type === "menu") {
    run.commands.push({ type: "menu" });
    if (s.mode !== "done") run.replies.push(text("申请进度已保存，回复“继续”可接着填。"));
  } else if (s.mode === "done") {
    run.replies.push(text(`申请已提交，请耐心等待审核结果。如有疑问请联系：${ctx.helpContact}`));
  } else if (s.mode === "cancelled") {
    if (cmd?.type === "resume") resume(run, ["欢迎回来，我们接着填。"]);
    else if (cmd?.type === "help") run.replies.push(text(helpText(ctx)));
    else run.replies.push(text("申请已暂停，已填内容已保存。回复“继续”接着填写，或回复“菜单”回到主菜单。"));
  } else if (input.kind === "media") {
    const current = s.mode === "asking" || s.mode === "editing" ? currentStep(run) : undefined;
    if (current) answerMedia(run, current, input);
    else run.replies.push(text("现在不需要图片或文件，请回复文字。"));
  } else if (s.mode === "confirm-cancel") {
    onConfirmCancel(run, cmd, textIn, key?.target === "@cancel" ? key.value : null);
  } else if (s.mode === "summary") {
    onSummary(run, cmd, textIn, key);
  } else {
    onAsking(run, cmd, textIn, key);
  }
  return { state: run.s, replies: run.replies, commands: run.commands };
}

type Key = ReturnType<typeof parseButtonKey>;

function onAsking(run: Run, cmd: ParsedCommand | null, input: string | null, key: Key): void {
  const current = currentStep(run);
  if (!current) return resume(run); // defensive: a state without a question resumes sensibly
  if (cmd?.type === "edit") {
    // "修改部" could be an answer: only a bare 修改, a number or a field's name is the command.
    if (cmd.arg === "" || /^\d+$/.test(cmd.arg) || editTarget(run, cmd.arg) || resolveField(run, cmd.arg)) return editNamed(run, cmd.arg);
  } else if (cmd) {
    return onCommand(run, cmd);
  }
  if (input !== null) return answerTyped(run, current, input);
  // A known fact's 改… button (the app's known-facts card, summary-cards.ts keys): edit that field.
  if (key?.target === "@field") return edit(run, String(activeAnswerSteps(run.flow, run.s.answers).findIndex((st) => st.id === key.value) + 1 || "0"));
  if (!key || key.target !== current.id) return stale(run, key);
  answerButton(run, current, key.value);
}

function onCommand(run: Run, cmd: Exclude<ParsedCommand, { type: "edit" | "menu" }>): void {
  const current = currentStep(run);
  switch (cmd.type) {
    case "help":
      return current ? ask(run, current, [helpText(run.ctx)]) : void run.replies.push(text(helpText(run.ctx)));
    case "back":
      return back(run);
    case "skip":
      return current ? skip(run, current) : summaryHint(run, "现在没有可跳过的问题。");
    case "cancel":
      return askCancel(run);
    case "resume":
      return resume(run);
  }
}

function summaryHint(run: Run, msg: string): void {
  run.replies.push(text(msg));
  run.replies.push(...summaryActionMessages(run.flow, run.s, run.ctx, editableHint(run)));
}

function onSummary(run: Run, cmd: ParsedCommand | null, input: string | null, key: Key): void {
  if (key) {
    if (key.value === "submit" && key.target === "@summary") return submit(run);
    if (key.value === "edit" && key.target === "@summary") return edit(run, "");
    if (key.value === "cancel" && key.target === "@summary") return askCancel(run);
    if (key.target === "@section") return editSection(run, key.value);
    if (key.target === "@field") return edit(run, String(activeAnswerSteps(run.flow, run.s.answers).findIndex((st) => st.id === key.value) + 1 || "0"));
    if (!cmd) return stale(run, key);
  }
  if (cmd?.type === "edit") return editNamed(run, cmd.arg);
  if (cmd?.type === "help") return summaryHint(run, helpText(run.ctx));
  if (cmd && cmd.type !== "menu") return onCommand(run, cmd);
  if (input === null) return;
  if (isSubmitWord(input)) return submit(run);
  const w = input.trim();
  if (/^\d+$/.test(w.normalize("NFKC")) || resolveField(run, w)) return edit(run, w.normalize("NFKC"));
  if (editTarget(run, w)) return editNamed(run, w);
  summaryHint(run, "没看懂您的回复。");
}

/** 修改 by number or by name ("改负责人手机"); a name of several fields lists them by number. */
function editNamed(run: Run, arg: string): void {
  const t = arg === "" ? null : editTarget(run, arg);
  if (t && "candidates" in t) {
    const msg = `“${arg}”可能是：${t.candidates.map((c) => `${c.n} ${c.label}`).join("、")}。请回复序号，如“修改 ${t.candidates[0]!.n}”。`;
    const step = run.s.mode === "summary" ? undefined : currentStep(run);
    return step ? ask(run, step, [msg]) : void run.replies.push(text(msg));
  }
  edit(run, t ? t.n : arg);
}

function onConfirmCancel(run: Run, cmd: ParsedCommand | null, input: string | null, keyValue: string | null): void {
  if (keyValue === "yes" || cmd?.type === "cancel") return confirmCancel(run);
  if (keyValue === "no" || cmd?.type === "resume" || cmd?.type === "back") return resume(run);
  if (cmd?.type === "help") {
    run.replies.push(text(helpText(run.ctx)));
    return void run.replies.push(...cancelConfirmMessages(run.flow, run.s, run.ctx));
  }
  const yn = input === null ? null : parseYesNo(input);
  if (yn === true) return confirmCancel(run);
  if (yn === false) return resume(run);
  run.replies.push(...cancelConfirmMessages(run.flow, run.s, run.ctx));
}

/** The reminder for an abandoned session, or null when nothing is left to do. */
export function nudgeMessage(flow: FlowDefinition, state: FlowState): string | null {
  if (state.mode === "done" || state.mode === "cancelled") return null;
  const { answered, total } = progress(flow, state.answers);
  if (!nextPending(flow, state.answers, state.queue, null))
    return `您的「${flow.title}」已填完，还差最后一步：核对并提交。回复“继续”查看。`;
  return `您的「${flow.title}」还没填完（已填 ${answered}/${total} 项），已填内容都保存着。回复“继续”接着填，回复“取消”可放弃。`;
}
