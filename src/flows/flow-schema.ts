// Flows are data (Typebot style): validated by zod at registration so a broken flow fails fast,
// and checked for references (when/derive/section/validator names) by the same schema.
import { z } from "zod";
import { normalizers, validators } from "./validators.ts";

/** Step, section and flow ids end up in card ids ([0-9A-Za-z_\-@]) and button keys. */
const ID_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;
const Id = z.string().regex(ID_RE, { error: "id must match /^[A-Za-z][A-Za-z0-9_-]*$/" });
/** Option values travel inside button keys `flow:<step>:<value>`. */
const OptionValue = z.string().regex(/^[A-Za-z0-9_-]+$/, { error: "option value must be [A-Za-z0-9_-]+" });

export const ScalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof ScalarSchema>;

/** One stored answer. Skipped optional fields are stored as null explicitly. */
export type AnswerValue = string | number | boolean | string[] | null;
/** A media answer (photo or file) is stored as the string `media:<type>:<id>`; see mediaAnswer(). */
export type Answers = Record<string, AnswerValue>;
export const AnswerValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

const ConditionSchema = z.union([
  z.strictObject({ field: z.string(), equals: ScalarSchema }),
  z.strictObject({ field: z.string(), notEquals: ScalarSchema }),
  z.strictObject({ field: z.string(), in: z.array(ScalarSchema).min(1) }),
  /** For multi-choice answers: the selection contains this value. */
  z.strictObject({ field: z.string(), includes: z.string() }),
  z.strictObject({ field: z.string(), truthy: z.boolean() }),
]);
export type Condition = z.infer<typeof ConditionSchema>;
/** A single condition, or a list that must all hold. */
export const WhenSchema = z.union([ConditionSchema, z.array(ConditionSchema).min(1)]);
export type When = z.infer<typeof WhenSchema>;

export const OptionSchema = z.strictObject({ value: OptionValue, label: z.string().min(1) });
export type ChoiceOption = z.infer<typeof OptionSchema>;

const base = {
  id: Id,
  section: z.string(),
  /** Chinese question (or message, for a notice). */
  prompt: z.string().min(1),
  when: WhenSchema.optional(),
  /** The standard's clause this step serves, e.g. "A.1", "6.1". */
  clause: z.string().optional(),
};
const answerable = {
  ...base,
  /** Short field name for the summary, e.g. "企业名称". */
  label: z.string().min(1),
  /** Chinese "what is expected + an example"; the engine has a default per kind. */
  error: z.string().optional(),
  optional: z.boolean().optional(),
  /** Names in the registries of validators.ts, so flows stay plain data. */
  normalizer: z.string().optional(),
  validator: z.string().optional(),
};

const TextStepSchema = z.strictObject({
  ...answerable,
  kind: z.literal("text"),
  minLength: z.number().int().min(0).optional(),
  maxLength: z.number().int().positive().optional(),
});
const NumberStepSchema = z.strictObject({
  ...answerable,
  kind: z.literal("number"),
  /** Display unit and accepted suffix: "万元", "人", "件". 万元 fields are in 10k CNY. */
  unit: z.string().optional(),
  /** Allowed decimal places; 0 (default) means integer. */
  decimals: z.number().int().min(0).max(6).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});
const YearStepSchema = z.strictObject({
  ...answerable,
  kind: z.literal("year"),
  /** Earliest accepted year (default 1949). Never later than ctx.now's year. */
  min: z.number().int().optional(),
});
const MobileStepSchema = z.strictObject({ ...answerable, kind: z.literal("mobile") });
const UsccStepSchema = z.strictObject({ ...answerable, kind: z.literal("uscc") });
const ChoiceStepSchema = z.strictObject({
  ...answerable,
  kind: z.literal("choice"),
  options: z.array(OptionSchema).min(1).optional(),
  /**
   * Options come from ctx at run time: "towns" (the seeded, admin-editable town list) or
   * "context" (the conversation's own context, `choices[contextKey]`, supplied when it starts).
   */
  choiceSource: z.enum(["towns", "context"]).optional(),
  contextKey: Id.optional(),
  /** Suggest the town that this earlier text answer (an address) names. */
  suggestFrom: z.string().optional(),
});
const MultiChoiceStepSchema = z.strictObject({
  ...answerable,
  kind: z.literal("multi-choice"),
  options: z.array(OptionSchema).min(1).optional(),
  /** Options from the conversation's context at run time, `choices[contextKey]` (e.g. an application's fields). */
  choiceSource: z.literal("context").optional(),
  contextKey: Id.optional(),
  /** A "none of these" answer, stored as []. */
  none: z.strictObject({ label: z.string().min(1) }).optional(),
  /** Choosing option `value` asks a free-text follow-up stored in `field`. */
  other: z
    .strictObject({
      value: OptionValue,
      field: Id,
      label: z.string().min(1),
      prompt: z.string().min(1),
      error: z.string().optional(),
      minLength: z.number().int().min(0).optional(),
      maxLength: z.number().int().positive().optional(),
    })
    .optional(),
  minSelected: z.number().int().min(0).optional(),
});
const YesNoStepSchema = z.strictObject({
  ...answerable,
  kind: z.literal("yes-no"),
  yesLabel: z.string().optional(),
  noLabel: z.string().optional(),
  /** Extra words meaning yes/no for this question, e.g. "同负责人". */
  yesWords: z.array(z.string()).optional(),
  noWords: z.array(z.string()).optional(),
});
/** A photo or file (the channel's media id), or a text note where no photo can be sent. */
const MediaStepSchema = z.strictObject({
  ...answerable,
  kind: z.literal("media"),
  /** Accept a typed note instead of a photo (default true). */
  noteAllowed: z.boolean().optional(),
});
const NoticeStepSchema = z.strictObject({ ...base, kind: z.literal("notice") });

export const StepSchema = z.discriminatedUnion("kind", [
  TextStepSchema,
  NumberStepSchema,
  YearStepSchema,
  MobileStepSchema,
  UsccStepSchema,
  ChoiceStepSchema,
  MultiChoiceStepSchema,
  YesNoStepSchema,
  MediaStepSchema,
  NoticeStepSchema,
]);
export type Step = z.infer<typeof StepSchema>;
export type AnswerStep = Exclude<Step, { kind: "notice" }>;
export type StepKind = Step["kind"];
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

/** A value computed from answers at submit time (not asked), e.g. isListed from listingStatus. */
const DeriveSchema = z.union([
  z.strictObject({ field: Id, when: WhenSchema, value: ScalarSchema, otherwise: ScalarSchema.optional() }),
  z.strictObject({ field: Id, when: WhenSchema, copyFrom: z.string() }),
]);
export type Derive = z.infer<typeof DeriveSchema>;

/** Turns a state saved under an older flow version into one for this version. */
export type MigrateStateFn = (state: unknown, fromVersion: number) => unknown;

const FlowObjectSchema = z.strictObject({
  id: Id,
  version: z.number().int().positive(),
  title: z.string().min(1),
  /** Greeting sent by startFlow before the first question. */
  intro: z.string().optional(),
  sections: z.array(z.strictObject({ id: Id, title: z.string().min(1) })).min(1),
  steps: z.array(StepSchema).min(1),
  derive: z.array(DeriveSchema).optional(),
  /** The summary before submitting; a flow without one completes on its last answer. */
  summary: z.strictObject({ title: z.string().min(1), intro: z.string().optional() }).optional(),
  final: z.strictObject({ type: z.literal("submit"), message: z.string().min(1) }).optional(),
  /** What the conversation runner says around the flow (texts.intro / texts.done win over intro / final.message). */
  texts: z
    .strictObject({
      intro: z.string().min(1).optional(),
      done: z.string().min(1).optional(),
      /** Sent when another conversation interrupts this one. */
      paused: z.string().min(1).optional(),
      /** Sent when the interrupting conversation ends and this one is active again. */
      resumed: z.string().min(1).optional(),
      /** Sent when one of conversation.cancelWords ends it at once. */
      cancelled: z.string().min(1).optional(),
      /** Sent when a menu word leaves it (conversation.leaveOnMenuWords). */
      left: z.string().min(1).optional(),
    })
    .optional(),
  /** How the runner treats the conversation. */
  conversation: z
    .strictObject({
      /** Lapses after this many idle minutes: a later message is not an answer. */
      lifetimeMinutes: z.number().int().positive().optional(),
      /** Words that end it at once (no "are you sure?", no resume). */
      cancelWords: z.array(z.string().min(1)).optional(),
      /** A menu word (菜单, 帮助, 待我审批…) ends it and is then handled as that command. */
      leaveOnMenuWords: z.boolean().optional(),
      /** Words that start it when no conversation is active (e.g. "申请服务"). */
      startWords: z.array(z.string().min(1)).optional(),
      /** Idle reminders (flow-nudges); default true. */
      nudges: z.boolean().optional(),
      /** Starting it again while it runs: "replace" drops the running one, "pause" (default) keeps it to resume. */
      restart: z.enum(["replace", "pause"]).optional(),
    })
    .optional(),
  migrateState: z.custom<MigrateStateFn>((v) => typeof v === "function").optional(),
});

export const FlowSchema = FlowObjectSchema.superRefine((flow, ctx) => {
  for (const p of findReferenceProblems(flow)) ctx.addIssue({ code: "custom", message: p.message, path: p.path });
});
export type FlowDefinition = z.infer<typeof FlowObjectSchema>;

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

/** The flow's intro and done texts (texts.* over the older intro / final.message). */
export function flowTexts(flow: FlowDefinition): NonNullable<FlowDefinition["texts"]> & { done: string } {
  return { ...flow.texts, intro: flow.texts?.intro ?? flow.intro, done: flow.texts?.done ?? flow.final?.message ?? "已完成。" };
}

export function mediaAnswer(mediaType: string, mediaId: string): string {
  return `media:${mediaType}:${mediaId}`;
}

/** A stored media answer's parts, or null for a typed note. */
export function parseMediaAnswer(value: AnswerValue): { mediaType: string; mediaId: string } | null {
  const m = typeof value === "string" ? /^media:([a-z]+):(.+)$/.exec(value) : null;
  return m ? { mediaType: m[1]!, mediaId: m[2]! } : null;
}

export function conditionsOf(when: When | undefined): Condition[] {
  return when === undefined ? [] : Array.isArray(when) ? when : [when];
}

interface RefProblem {
  path: (string | number)[];
  message: string;
}

/** Reference checks a type system cannot do: ids, order of `when`, registry names. */
function findReferenceProblems(flow: FlowDefinition): RefProblem[] {
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
