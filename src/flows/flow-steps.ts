// Walking a flow's steps: the multi-choice "other" follow-ups expanded, and conditions as a list.
// Apart from flow-schema.ts so the reference checks (flow-references.ts) can use them without an
// import cycle; flow-schema.ts re-exports both.
import type { Condition, FlowDefinition, Step, When } from "./flow-schema.ts";

const expandCache = new WeakMap<FlowDefinition, Step[]>();

/** The flow's steps with each multi-choice "other" follow-up inserted as a text step. */
export function expandSteps(flow: FlowDefinition): Step[] {
  const cached = expandCache.get(flow);
  if (cached) return cached;
  const out: Step[] = [];
  for (const step of flow.steps) {
    out.push(step);
    if (step.kind === "multi-choice" && step.other) {
      const o = step.other;
      out.push({
        kind: "text",
        id: o.field,
        section: step.section,
        label: o.label,
        prompt: o.prompt,
        error: o.error,
        minLength: o.minLength,
        maxLength: o.maxLength,
        clause: step.clause,
        when: { field: step.id, includes: o.value },
      });
    }
  }
  expandCache.set(flow, out);
  return out;
}

export function conditionsOf(when: When | undefined): Condition[] {
  return when === undefined ? [] : Array.isArray(when) ? when : [when];
}

