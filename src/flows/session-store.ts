// What the conversation runner needs from storage, so src/flows never imports it: one
// implementation over Prisma lives in src/storage/prisma-session-store.ts.
import type { FlowState } from "./engine-types.ts";

/**
 * ACTIVE: the person's current conversation (at most one is answered per message).
 * PAUSED: interrupted by another one; ACTIVE again when that one ends.
 * CANCELLED: the engine's cancel (its answers kept; "继续" reopens it).
 * DONE / ABANDONED (cancel word, menu word, replaced) / EXPIRED (lapsed): over.
 */
export type SessionStatus = "ACTIVE" | "PAUSED" | "CANCELLED" | "DONE" | "ABANDONED" | "EXPIRED";

/** A conversation's own data, kept with it: the subject (applicationId, cardId…) and run-time choices. */
export interface SessionContext {
  [key: string]: unknown;
  /** The session this one paused; it resumes when this one ends. */
  pausedSessionId?: string;
  /** Options of choiceSource "context" steps, by contextKey. */
  choices?: Record<string, { value: string; label: string }[]>;
}

export interface StoredSession {
  id: string;
  personId: string;
  channel: string;
  userId: string;
  flowId: string;
  status: SessionStatus;
  state: FlowState;
  context: SessionContext;
  /** Optimistic lock: every save increments it. */
  revision: number;
  lastActivityAt: Date;
  lastInput: string | null;
  lastInputAt: Date | null;
}

export interface SessionSave {
  state?: FlowState;
  status?: SessionStatus;
  context?: SessionContext;
  /** Where the person answered last: replies and nudges go there. */
  channel?: string;
  userId?: string;
  lastActivityAt?: Date;
  lastInput?: string | null;
  lastInputAt?: Date | null;
}

export interface SessionStore {
  /** The person's ACTIVE conversation (the newest, should there be two). */
  active(personId: string): Promise<StoredSession | null>;
  /** The person's newest session of `flowId` in one of `statuses`. */
  latest(personId: string, flowId: string, statuses: SessionStatus[]): Promise<StoredSession | null>;
  byId(id: string): Promise<StoredSession | null>;
  /** The person's most recently paused session. */
  newestPaused(personId: string): Promise<StoredSession | null>;
  create(s: { personId: string; channel: string; userId: string; state: FlowState; context: SessionContext; now: Date }): Promise<StoredSession>;
  /** Saves only if the revision is still `revision` (nobody saved since it was read); false otherwise. */
  save(id: string, revision: number, patch: SessionSave): Promise<boolean>;
  /** ACTIVE sessions of `flowId` idle since before `before`, oldest first, at most `take` (the lapse sweep). */
  idleActive(flowId: string, before: Date, take: number): Promise<StoredSession[]>;
  /** Was anything sent to this recipient delivered between `since` and `until`? (the repeat guard) */
  deliveredSince(channel: string, userId: string, since: Date, until: Date): Promise<boolean>;
}
