// Reference checks a type system cannot do (ids, order of `when`, registry names, ranges),
// run by FlowSchema's superRefine so a broken flow fails at registration and in flows:check.
import type { FlowDefinition, Step } from "./flow-schema.ts";
import { conditionsOf, expandSteps } from "./flow-steps.ts";
import { normalizers, validators } from "./validators.ts";

/** max − min of a scale step: 0–10 is the widest (11 values). */
export const MAX_SCALE_SPAN = 10;

export interface RefProblem {
  path: (string | number)[];
  message: string;
}

/** Every reference problem of `flow`, with its path (empty when the flow is sound). */
export function findReferenceProblems(flow: FlowDefinition): RefProblem[] {
  const problems: RefProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });
  const sectionIds = new Set<string>();
  flow.sections.forEach((s, i) => {
    if (sectionIds.has(s.id)) add(["sections", i, "id"], `duplicate section id "${s.id}"`);
    sectionIds.add(s.id);
  });
  const seen = new Map<string, Step>(); // answerable steps defined so far, in order
  const allIds = new Set<string>();
  const usedSections = new Set<string>();
  const indexOf = new Map(flow.steps.map((s, i) => [s, i]));
  for (const step of expandSteps(flow)) {
    // Expanded "other" steps report on their multi-choice parent.
    const i = indexOf.get(step) ?? flow.steps.findIndex((s) => s.kind === "multi-choice" && s.other?.field === step.id);
    const at = (...rest: (string | number)[]) => ["steps", i, ...rest];
    if (allIds.has(step.id)) add(at("id"), `duplicate step id "${step.id}"`);
    allIds.add(step.id);
    if (!sectionIds.has(step.section)) add(at("section"), `unknown section "${step.section}"`);
    usedSections.add(step.section);
    conditionsOf(step.when).forEach((c, j) => {
      if (!seen.has(c.field)) add(at("when", ...(Array.isArray(step.when) ? [j] : []), "field"), `when.field "${c.field}" is not an earlier step`);
    });
    if (step.kind !== "notice") {
      if (step.normalizer && !(step.normalizer in normalizers)) add(at("normalizer"), `unknown normalizer "${step.normalizer}"`);
      if (step.validator && !(step.validator in validators)) add(at("validator"), `unknown validator "${step.validator}"`);
      seen.set(step.id, step);
    }
    if (step.kind === "choice" || step.kind === "multi-choice") {
      if (!step.options === !step.choiceSource) add(at("options"), `a ${step.kind} needs exactly one of options or choiceSource`);
      if ((step.choiceSource === "context") !== (step.contextKey !== undefined)) add(at("contextKey"), 'contextKey goes with choiceSource "context"');
    }
    if (step.kind === "choice") {
      if (step.suggestFrom && !seen.has(step.suggestFrom)) add(at("suggestFrom"), `suggestFrom "${step.suggestFrom}" is not an earlier step`);
    }
    if (step.kind === "choice" || step.kind === "multi-choice") {
      const values = (step.options ?? []).map((o) => o.value);
      if (new Set(values).size !== values.length) add(at("options"), "duplicate option values");
      if (step.kind === "multi-choice" && step.other && !values.includes(step.other.value))
        add(at("other", "value"), `other.value "${step.other.value}" is not an option`);
    }
    if (step.kind === "number" && step.min !== undefined && step.max !== undefined && step.min > step.max)
      add(at("min"), "min is greater than max");
    // 8.1 scales: 1–5, 0–10; more than 11 values is no longer a score one taps.
    if (step.kind === "scale") {
      if (step.min >= step.max) add(at("min"), `a scale needs min < max (got ${step.min}–${step.max})`);
      else if (step.max - step.min > MAX_SCALE_SPAN) add(at("max"), `a scale has at most ${MAX_SCALE_SPAN + 1} values (got ${step.min}–${step.max})`);
    }
  }
  if (!(flow.texts?.done ?? flow.final?.message)) add(["texts", "done"], "a flow needs a done text (texts.done or final.message)");
  const asks = (t: string | undefined) => t !== undefined && t.includes("{{");
  for (const [k, v] of Object.entries(flow.texts ?? {})) if (asks(v)) add(["texts", k], "texts cannot use {{answer}} placeholders");
  for (const step of expandSteps(flow)) {
    for (const m of step.prompt.matchAll(/\{\{(\w+)\}\}/g)) if (!seen.has(m[1]!)) add(["steps", flow.steps.indexOf(step), "prompt"], `{{${m[1]}}} is not a step`);
  }
  flow.sections.forEach((s, i) => {
    if (!usedSections.has(s.id)) add(["sections", i], `section "${s.id}" has no steps`);
  });
  (flow.derive ?? []).forEach((d, i) => {
    for (const c of conditionsOf(d.when)) if (!seen.has(c.field)) add(["derive", i, "when"], `when.field "${c.field}" is not a step`);
    if ("copyFrom" in d && !seen.has(d.copyFrom)) add(["derive", i, "copyFrom"], `copyFrom "${d.copyFrom}" is not a step`);
  });
  return problems;
}
