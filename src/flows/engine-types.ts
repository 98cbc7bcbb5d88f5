// The engine's contract with the app: JSON-serializable state, inputs, context and commands.
import { z } from "zod";
import type { OutboundMessage } from "../domain/chat.ts";
import { DomainError } from "../domain/errors.ts";
import { AnswerValueSchema, type Answers } from "./flow-schema.ts";

export const FLOW_MODES = ["asking", "summary", "confirm-cancel", "editing", "done", "cancelled"] as const;
export type FlowMode = (typeof FLOW_MODES)[number];

export const FlowStateSchema = z.object({
  flowId: z.string(),
  flowVersion: z.number().int(),
  answers: z.record(z.string(), AnswerValueSchema),
  /** The step being asked; null on the summary and after the end. */
  cursor: z.string().nullable(),
  /** Steps answered (or skipped) in order: the stack "返回" pops. */
  history: z.array(z.string()),
  /** Failed tries per step since its last good answer. */
  failures: z.record(z.string(), z.number().int()),
  mode: z.enum(FLOW_MODES),
  /** Where "继续" goes back to after confirm-cancel / cancelled. */
  resumeMode: z.enum(["asking", "editing", "summary"]).optional(),
  /** Answered steps still to be asked again (officer's onlyFields, an edit in progress). */
  queue: z.array(z.string()),
  /** Revision mode: only these fields may be changed. */
  onlyFields: z.array(z.string()).optional(),
  lastActivityAt: z.string(),
  /** Reminders sent since the last input; the app increments it, any input resets it. */
  nudges: z.number().int(),
  /** Counter that makes card ids unique per send. */
  cardSeq: z.number().int(),
  /** The answers as the last summary showed them (or as returned): the next one shows only what changed. */
  summaryShown: z.record(z.string(), AnswerValueSchema).optional(),
});
export type FlowState = z.infer<typeof FlowStateSchema>;

export interface Town {
  id: string;
  name: string;
}

export interface FlowContext {
  now: Date;
  capabilities: { buttons: boolean; maxButtons: number };
  /** The seeded, admin-editable list of 镇街 (choiceSource "towns"). */
  towns: readonly Town[];
  /** Who to call when stuck, e.g. "市局知识产权科 0760-xxxxxxx". */
  helpContact: string;
  /** Run-time options of choiceSource "context" steps, by contextKey (from the conversation's context). */
  choices?: Readonly<Record<string, readonly { value: string; label: string }[]>>;
}

export type FlowInput =
  | { kind: "text"; text: string }
  | { kind: "button"; key: string }
  /** A photo or file the person sent (the channel's media id), for "media" steps. */
  | { kind: "media"; mediaId: string; mediaType: "image" | "file" };

export type FlowCommand =
  /** The flow's final action: the app stores the application and starts approval. */
  | {
      type: "submit";
      flowId: string;
      flowVersion: number;
      answers: Answers;
      /** Set in onlyFields (revision) mode: the fields the officer returned. */
      revisedFields?: string[];
    }
  /** Confirmed cancel: the draft answers stay in the state; "继续" resumes. */
  | { type: "cancelled"; flowId: string }
  /** Show the app's main menu; the flow state is kept as it is. */
  | { type: "menu" };

export interface StartResult {
  state: FlowState;
  replies: OutboundMessage[];
}

export interface StepResult extends StartResult {
  commands: FlowCommand[];
}

export interface StartOptions {
  /** Answers known already (a returned application, a previous draft). */
  prefill?: Answers;
  /** Revision mode: ask only these fields, then the summary, then submit. */
  onlyFields?: string[];
  /** Shown first, e.g. the officer's opinion when returning an application. */
  notice?: string;
}

/**
 * The saved state was made with another flow (version): look that version up in the registry,
 * or migrate it with flow.migrateState, before calling step().
 */
export class FlowVersionMismatchError extends DomainError {
  constructor(
    readonly flowId: string,
    readonly expectedVersion: number,
    readonly stateFlowId: string,
    readonly stateVersion: number,
  ) {
    super(
      "flow_version_mismatch",
      `state is for ${stateFlowId}@${stateVersion}, flow given is ${flowId}@${expectedVersion}`,
      { flowId, expectedVersion, stateFlowId, stateVersion },
    );
  }
}
