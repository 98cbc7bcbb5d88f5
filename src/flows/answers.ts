// Which steps apply given the answers so far, what is still to ask, and the submitted payload.
import {
  conditionsOf,
  expandSteps,
  type AnswerStep,
  type AnswerValue,
  type Answers,
  type Condition,
  type FlowDefinition,
  type Step,
  type When,
} from "./flow-schema.ts";

function holds(c: Condition, answers: Answers): boolean {
  const v: AnswerValue | undefined = answers[c.field];
  if ("equals" in c) return v === c.equals;
  if ("notEquals" in c) return v !== undefined && v !== c.notEquals;
  if ("in" in c) return Array.isArray(v) ? v.some((x) => c.in.includes(x)) : v !== undefined && c.in.includes(v);
  if ("includes" in c) return Array.isArray(v) && v.includes(c.includes);
  const truthy = Array.isArray(v) ? v.length > 0 : Boolean(v);
  return truthy === c.truthy;
}

export function whenHolds(when: When | undefined, answers: Answers): boolean {
  return conditionsOf(when).every((c) => holds(c, answers));
}

/**
 * Steps that apply, in order. A step's condition only sees answers of steps that apply
 * themselves, so a stale answer behind a switched-off question never switches anything on.
 */
export function activeSteps(flow: FlowDefinition, answers: Answers): Step[] {
  const visible: Answers = {};
  const out: Step[] = [];
  for (const step of expandSteps(flow)) {
    if (!whenHolds(step.when, visible)) continue;
    out.push(step);
    const v = answers[step.id];
    if (step.kind !== "notice" && v !== undefined) visible[step.id] = v;
  }
  return out;
}

export function activeAnswerSteps(flow: FlowDefinition, answers: Answers): AnswerStep[] {
  return activeSteps(flow, answers).filter((s): s is AnswerStep => s.kind !== "notice");
}

export function findStep(flow: FlowDefinition, id: string): Step | undefined {
  return expandSteps(flow).find((s) => s.id === id);
}

/** Still to ask: applies, and is unanswered or queued for another go. */
export function pendingSteps(flow: FlowDefinition, answers: Answers, queue: readonly string[]): AnswerStep[] {
  return activeAnswerSteps(flow, answers).filter((s) => !(s.id in answers) || queue.includes(s.id));
}

/** The next step to ask after `fromId`: the first pending one after it, else the first at all. */
export function nextPending(flow: FlowDefinition, answers: Answers, queue: readonly string[], fromId: string | null): AnswerStep | undefined {
  const pending = pendingSteps(flow, answers, queue);
  const order = expandSteps(flow).map((s) => s.id);
  const from = fromId === null ? -1 : order.indexOf(fromId);
  return pending.find((s) => order.indexOf(s.id) > from) ?? pending[0];
}

/** The answers of applicable steps (others dropped) plus the flow's derived values. */
export function submittedAnswers(flow: FlowDefinition, answers: Answers): Answers {
  const out: Answers = {};
  for (const s of activeAnswerSteps(flow, answers)) out[s.id] = answers[s.id] ?? null;
  for (const d of flow.derive ?? []) {
    if (whenHolds(d.when, out)) out[d.field] = "copyFrom" in d ? (out[d.copyFrom] ?? null) : d.value;
    else if ("value" in d && d.otherwise !== undefined) out[d.field] = d.otherwise;
  }
  return out;
}

/** Answered and total applicable questions, for reminders. */
export function progress(flow: FlowDefinition, answers: Answers): { answered: number; total: number } {
  const steps = activeAnswerSteps(flow, answers);
  return { answered: steps.filter((s) => s.id in answers).length, total: steps.length };
}
