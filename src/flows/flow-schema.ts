// Flows are data (Typebot style): validated by zod at registration so a broken flow fails fast,
// and checked for references (when/derive/section/validator names) by the same schema.
import { z } from "zod";
import { findReferenceProblems } from "./flow-references.ts";

export { conditionsOf, expandSteps } from "./flow-steps.ts";

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

export const OptionSchema = z.strictObject({
  value: OptionValue,
  label: z.string().min(1),
  /** Other words people type for this option ("没有" for 未上市, "广东" for 省级); see normalize.ts resolveChoice. */
  aliases: z.array(z.string().min(1)).optional(),
});
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
  /** Other names of the field, for "改负责人电话" and labelled counts ("发明12件，实用新型45件"). */
  aliases: z.array(z.string().min(1)).optional(),
  /** A step that steers the form (联系人同负责人, 负责人确认方式): asked, stored, but not shown in the summary. */
  internal: z.boolean().optional(),
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
/**
 * 8.1 a score on an integer range (1–5, 0–10), stored as a number: buttons where the channel has
 * them (split over cards when they do not fit one), a number typed otherwise. min < max and at
 * most 11 values are checked in flow-references.ts.
 */
const ScaleStepSchema = z.strictObject({
  ...answerable,
  kind: z.literal("scale"),
  min: z.number().int(),
  max: z.number().int(),
  /** What the ends mean, e.g. "很不满意" / "非常满意": shown as "1 = 很不满意，5 = 非常满意". */
  minLabel: z.string().min(1).optional(),
  maxLabel: z.string().min(1).optional(),
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
  ScaleStepSchema,
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
  /** The time it takes to answer, as every text says it ("约 N 分钟"), measured by a test's pace model. */
  estimatedMinutes: z.number().int().positive().optional(),
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
      /**
       * 8.1 anonymous surveys: however it ends (done, cancelled, left, lapsed, replaced) its stored
       * session keeps no answers and no last input, so no row links the person to what they said.
       * The completion handler still receives the answers (and must store them itself).
       */
      forgetOnEnd: z.boolean().optional(),
    })
    .optional(),
  migrateState: z.custom<MigrateStateFn>((v) => typeof v === "function").optional(),
});

export const FlowSchema = FlowObjectSchema.superRefine((flow, ctx) => {
  for (const p of findReferenceProblems(flow)) ctx.addIssue({ code: "custom", message: p.message, path: p.path });
});
export type FlowDefinition = z.infer<typeof FlowObjectSchema>;

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

