import type { InboundEvent, OutboundMessage } from "../domain/chat.ts";
import type { Logger } from "../log/logger.ts";
import type { PrismaClient, Tx } from "../storage/database.ts";
import * as store from "../storage/inbound-events.ts";
import type { InboundRow as Row } from "../storage/inbound-events.ts";
import { enqueue } from "../storage/outbox.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import { Semaphore } from "./semaphore.ts";
import type { TaskTracker } from "./task-tracker.ts";

/**
 * What the handler gets besides the event: `complete(tx)` marks the event DONE inside the
 * handler's own transaction, so its effects and "handled" commit together or not at all (a crash
 * between them would otherwise replay the answer). It throws when this process no longer holds
 * the event's lease, which rolls the transaction back: whoever took the event over handles it.
 */
export interface HandleContext {
  complete(tx: Tx): Promise<void>;
}

export type EventHandler = (event: InboundEvent, ctx?: HandleContext) => Promise<void>;

/** A live owner renews its leases every third of this; a dead one's events are free after it. */
export const LEASE_MS = 30_000;
/** A failed event waits this long before a retry may claim it. */
const RETRY_AFTER_MS = 60_000;
const SWEEP_BATCH = 100;

export class LeaseLostError extends Error {
  constructor() {
    super("inbound event lease lost to another instance");
    this.name = "LeaseLostError";
  }
}

function revive(json: string): InboundEvent {
  const e = JSON.parse(json) as InboundEvent & { receivedAt: string };
  return { ...e, receivedAt: new Date(e.receivedAt) };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

function quote(event: InboundEvent): string {
  if (event.kind !== "text") return "您刚才的操作";
  const t = event.text.trim();
  return `您刚才发送的“${t.length > 20 ? `${t.slice(0, 20)}…` : t}”`;
}

/**
 * Inbound events are stored (deduplicated by channel + key) before the platform gets its 200,
 * then handled in the background, one user at a time and a few at once overall. The process that
 * stores or claims an event owns it (`leaseOwner`, a random id per process) until `leaseUntil`,
 * and renews that while it lives; a failed or orphaned event is taken over only by a conditional
 * update after the lease (so never by two at once), in arrival order per user, and only while the
 * person has not moved on — otherwise, and after the last attempt, the person is told.
 */
export function createInboundPipeline(opts: {
  prisma: PrismaClient;
  tasks: TaskTracker;
  handler: EventHandler;
  logger: Logger;
  now: () => Date;
  /** Called after each handled event, e.g. to drain the outbox at once. */
  afterHandle?: () => Promise<unknown>;
  maxAttempts?: number;
  /** Events handled at once across users (each holds a database connection in its transaction). */
  concurrency?: number;
  /** The human contact named when a message could not be handled. */
  helpContact?: string;
  /** This process's lease owner id (random by default). */
  instanceId?: string;
  leaseMs?: number;
}) {
  const { prisma, logger } = opts;
  const perUser = new KeyedMutex();
  const slots = new Semaphore(opts.concurrency ?? 4);
  const maxAttempts = opts.maxAttempts ?? 5;
  const me = opts.instanceId ?? crypto.randomUUID();
  const leaseMs = opts.leaseMs ?? LEASE_MS;
  const lease = () => new Date(opts.now().getTime() + leaseMs);
  /** Events this process has accepted or claimed and not yet finished: their leases are renewed. */
  const held = new Set<string>();
  /** Events a newer event of the same person handled first, in their place (see olderFirst). */
  const handledEarly = new Set<string>();

  const tellIn = (tx: Tx, event: InboundEvent, text: string) => {
    const message: OutboundMessage = { kind: "text", text };
    return enqueue(tx, [{ channel: event.sender.channel, userId: event.sender.userId, message }], opts.now());
  };

  const complete = (id: string) => async (tx: Tx) => {
    if (!(await store.completeInboundEvent(tx, id, me, opts.now()))) throw new LeaseLostError();
  };

  /** `takenOver`: the row as read when it was taken over, to skip it if the person has moved on. */
  async function handleStored(id: string, event: InboundEvent, attemptsBefore: number, takenOver?: Row): Promise<"handled" | "skipped"> {
    held.add(id);
    let outcome: "handled" | "skipped" = "handled";
    try {
      await perUser.run(`${event.sender.channel}:${event.sender.userId}`, async () => {
        if (handledEarly.delete(id)) return;
        await olderFirst(event, id);
        // Checked in the person's turn: a newer event queued here first may have moved them on.
        if (takenOver && (await skippedAsMovedOn(takenOver, event))) outcome = "skipped";
        else await slots.run(() => handleOnce(id, event, attemptsBefore));
      });
    } finally {
      held.delete(id);
    }
    await opts.afterHandle?.();
    return outcome;
  }

  /**
   * Per-user order, also across processes: the person's earlier events still pending go first.
   * One queued here behind this one (or being taken over) is handled now, in its place; one whose
   * owner is gone (lease run out) is taken over and handled; one a live owner holds is waited for
   * (bounded: a live owner finishes or stops renewing within a lease). An earlier one that failed
   * and waits for its retry is retried now, once, in its turn: the person's order outranks the
   * retry wait (otherwise the newer answer lands on the older one's question and the older one is
   * then skipped as "moved on").
   */
  async function olderFirst(event: InboundEvent, selfId: string): Promise<void> {
    const giveUpAt = Date.now() + 2 * leaseMs;
    const retried = new Set<string>();
    for (;;) {
      const older = await store.earlierUnhandled(prisma, { channel: event.sender.channel, userId: event.sender.userId, receivedAt: event.receivedAt, selfId, maxAttempts, take: SWEEP_BATCH });
      let waiting = false;
      for (const row of older) {
        if (row.status === "FAILED") {
          if (retried.has(row.id)) continue;
          retried.add(row.id);
          // Claimed by a conditional update even when it is ours: a sweep may be about to retry it.
          const failed = await claim(row, false);
          if (failed) await runInTurn(row, failed);
          continue;
        }
        if (row.leaseOwner === me) {
          handledEarly.add(row.id); // its own turn, later in this person's queue, then does nothing
          await runInTurn(row, revive(row.payloadJson));
          continue;
        }
        const claimed = row.leaseUntil && row.leaseUntil >= opts.now() ? null : await claim(row, false);
        if (!claimed) {
          waiting = true; // a live owner has it
          break;
        }
        await runInTurn(row, claimed);
      }
      if (!waiting && (older.length < SWEEP_BATCH || older.every((r) => retried.has(r.id)))) return;
      if (waiting && Date.now() > giveUpAt) {
        logger.warn({ channel: event.sender.channel }, "an earlier event of this person is still held elsewhere; handling the newer one");
        return;
      }
      if (waiting) await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Handles a taken-over event inside the person's turn (unless the person has moved on). */
  async function runInTurn(row: Row, event: InboundEvent): Promise<void> {
    held.add(row.id);
    try {
      if (!(await skippedAsMovedOn(row, event))) await slots.run(() => handleOnce(row.id, event, row.attempts));
    } finally {
      held.delete(row.id);
    }
  }

  async function handleOnce(id: string, event: InboundEvent, attemptsBefore: number): Promise<void> {
    try {
      await opts.handler(event, { complete: complete(id) });
      if (!(await store.finishInboundEvent(prisma, id, me, attemptsBefore + 1, opts.now()))) logger.warn({ channel: event.sender.channel, kind: event.kind }, "inbound event was taken over while being handled");
    } catch (err) {
      if (err instanceof LeaseLostError) {
        logger.warn({ channel: event.sender.channel, kind: event.kind }, "inbound event taken over by another instance; its changes were rolled back");
        return;
      }
      const attempts = attemptsBefore + 1;
      logger.error({ err, channel: event.sender.channel, kind: event.kind, attempts }, "inbound event handling failed");
      await prisma.$transaction(async (tx) => {
        // Once a commit marked it DONE its effects are in: a later failure must not replay them.
        const failed = await store.failInboundEvent(tx, id, me, { attempts, retryAt: new Date(opts.now().getTime() + RETRY_AFTER_MS), error: err instanceof Error ? err.message : String(err) });
        if (failed && attempts >= maxAttempts) {
          await tellIn(tx, event, `抱歉，${quote(event)}没能处理成功，请稍后再发一次。${opts.helpContact ? `如一直不行，请联系${opts.helpContact}。` : ""}`);
        }
      });
    }
  }

  /** Stores new events and schedules their handling; returns how many were new. */
  async function accept(events: InboundEvent[]): Promise<number> {
    let fresh = 0;
    for (const event of events) {
      let id: string;
      try {
        id = await store.insertInboundEvent(prisma, { channel: event.sender.channel, userId: event.sender.userId, dedupeKey: event.dedupeKey, payloadJson: JSON.stringify(event), receivedAt: event.receivedAt, leaseUntil: lease(), leaseOwner: me });
      } catch (err) {
        if (isUniqueViolation(err)) {
          logger.info({ channel: event.sender.channel, kind: event.kind }, "duplicate inbound event ignored");
          continue;
        }
        throw err;
      }
      fresh++;
      held.add(id);
      void opts.tasks.run("inbound", () => handleStored(id, event, 0));
    }
    return fresh;
  }

  /** Keeps this process's events from looking orphaned while it works on them. */
  async function renewLeases(): Promise<number> {
    const ids = [...held];
    if (ids.length === 0) return 0;
    return store.renewInboundLeases(prisma, ids, me, lease());
  }

  /** Takes an event over by a conditional update on what was read; null if someone else has it. */
  async function claim(row: Row, exclusive: boolean): Promise<InboundEvent | null> {
    return (await store.claimInboundEvent(prisma, row, exclusive, me, lease())) ? revive(row.payloadJson) : null;
  }

  /** Replaying an old answer onto a conversation that has moved on would corrupt it: skip, and say so. */
  async function skippedAsMovedOn(row: Row, event: InboundEvent): Promise<boolean> {
    if (!(await store.hasNewerHandled(prisma, row))) return false;
    await prisma.$transaction(async (tx) => {
      if (await store.skipInboundEvent(tx, row, me, opts.now())) await tellIn(tx, event, `抱歉，${quote(event)}当时没能处理，请按当前的提问重新回复。`);
    });
    return true;
  }

  /** Takes one event over, then skips it if the person moved on, else handles it; null if someone else has it. */
  async function takeOver(row: Row, exclusive: boolean): Promise<"handled" | "skipped" | null> {
    const event = await claim(row, exclusive);
    return event ? handleStored(row.id, event, row.attempts, row) : null;
  }

  /**
   * One pass over events nobody holds any more: failed ones whose wait is over and orphans whose
   * owner stopped renewing (or, with `exclusive`, every pending one: no other process can be
   * working on them). Users are taken in parallel, each user's events in arrival order.
   */
  async function sweep(exclusive: boolean): Promise<{ found: number; taken: number; handled: number }> {
    const rows = (await store.orphanedInboundEvents(prisma, { now: opts.now(), exclusive, maxAttempts, take: SWEEP_BATCH })).filter((r) => !held.has(r.id));
    const byUser = new Map<string, Row[]>();
    for (const r of rows) byUser.set(`${r.channel}:${r.userId}`, [...(byUser.get(`${r.channel}:${r.userId}`) ?? []), r]);
    let taken = 0;
    let handled = 0;
    await Promise.all(
      [...byUser.values()].map(async (list) => {
        for (const r of list) {
          const outcome = await takeOver(r, exclusive);
          if (outcome) taken++;
          if (outcome === "handled") handled++;
        }
      }),
    );
    if (rows.length > 0) await opts.afterHandle?.(); // e.g. the "moved on" notes
    return { found: rows.length, taken, handled };
  }

  /** Retries events that failed, or that a crashed instance left unhandled, once their lease has run out. */
  async function retryStuck(): Promise<number> {
    return (await sweep(false)).handled;
  }

  /**
   * At start-up, before serving: handles every orphaned event. `exclusive` (SQLite: one process
   * per database file) also takes pending events whose lease a crashed process had just renewed.
   */
  async function recover(o: { exclusive: boolean }): Promise<number> {
    let total = 0;
    for (;;) {
      const { found, taken } = await sweep(o.exclusive);
      total += taken;
      if (found < SWEEP_BATCH || taken === 0) break;
    }
    if (total > 0) logger.info({ events: total }, "recovered inbound events left unhandled");
    return total;
  }

  return { accept, retryStuck, recover, renewLeases, instanceId: me };
}

export type InboundPipeline = ReturnType<typeof createInboundPipeline>;
