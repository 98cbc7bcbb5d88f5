// What happens when a flow completes, registered by flow id: the only code a new flow adds
// besides its file in bot-flows/.
import type { ChannelName, OutboundMessage } from "../domain/chat.ts";
import type { Answers } from "./flow-schema.ts";
import type { SessionContext } from "./session-store.ts";

/** A message to someone (the outbox's OutgoingMessage, structurally). */
export interface Outgoing {
  channel: ChannelName;
  userId: string;
  personId?: string | null;
  message: OutboundMessage;
}

export interface Sender {
  channel: ChannelName;
  userId: string;
}

export interface CompletionArgs<Db, P> {
  /** The transaction the session is saved in (or, for afterCommit handlers, the client). */
  tx: Db;
  person: P;
  sender: Sender;
  answers: Answers;
  context: SessionContext;
  now: Date;
  /** Revision mode: the fields that were to be revised. */
  revisedFields?: string[];
}
export type CompletionHandler<Db = unknown, P = unknown> = (c: CompletionArgs<Db, P>) => Promise<Outgoing[]>;
export interface CompletionOptions {
  /**
   * Run after the session's own transaction, with the client as `tx`: for a service that opens
   * its own transaction (approvals.decide). Its messages are committed in a second transaction.
   */
  afterCommit?: boolean;
}
export interface Registered {
  handler: CompletionHandler<never, never>;
  opts: CompletionOptions;
}

export const globalCompletions = new Map<string, Registered>();

/**
 * What happens when `flowId` completes. Module-wide (a test registers its own flow here);
 * a runner's own registrations (runner.registerCompletion, per app instance) win over these.
 */
export function registerCompletion<Db, P>(flowId: string, handler: CompletionHandler<Db, P>, opts: CompletionOptions = {}): void {
  globalCompletions.set(flowId, { handler: handler as CompletionHandler<never, never>, opts });
}

