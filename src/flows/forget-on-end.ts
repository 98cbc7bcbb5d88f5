// 8.1 anonymous surveys: a conversation of a flow with conversation.forgetOnEnd keeps nothing of
// what was answered once it ends (done, cancelled, left, lapsed, replaced). Its session row keeps
// the person (ConversationSession.personId), so the row must not keep the answers too; the
// completion handler, which ran before, stores the response where the person is not.
import type { FlowState } from "./engine-types.ts";
import type { FlowDefinition } from "./flow-schema.ts";
import type { SessionSave } from "./session-store.ts";

/** The state without anything typed or chosen: still a valid state the engine can load. */
export function forgetAnswers(state: FlowState): FlowState {
  const { onlyFields: _only, resumeMode: _resume, ...rest } = state;
  return { ...rest, answers: {}, cursor: null, history: [], failures: {}, queue: [] };
}

/** What to add to the save that ends a conversation of `flow` whose last state was `state`. */
export function forgetPatch(flow: FlowDefinition, state: FlowState): Pick<SessionSave, "state" | "lastInput" | "lastInputAt"> {
  if (flow.conversation?.forgetOnEnd !== true) return {};
  return { state: forgetAnswers(state), lastInput: null, lastInputAt: null };
}
