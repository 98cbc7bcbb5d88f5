import { ChannelApiError, type ChannelAdapter, type SendResult } from "../channels/channel.ts";
import { imageAsText, type ChannelName, type OutboundMessage } from "../domain/chat.ts";
import type { Logger } from "../log/logger.ts";
import type { PrismaClient } from "../storage/database.ts";
import { createDirectory } from "../storage/directory.ts";
import { enqueue } from "../storage/outbox.ts";
import { rememberCardHandle } from "../storage/sent-cards.ts";
import { deadLetterNotices } from "./dead-letter-notice.ts";
import { backoffMs, chooseVariant, countsAgainstCap, createSendWindows, isRetryable, type RateLimit } from "./outbox-pacing.ts";

export { backoffMs, type RateLimit } from "./outbox-pacing.ts";

export interface DispatcherOptions {
  prisma: PrismaClient;
  adapters: Partial<Record<ChannelName, ChannelAdapter>>;
  /** Per-recipient caps a platform enforces by silently dropping the excess (WeCom: 30/min, 1000/h; card updates not counted, see outbox-pacing.ts). */
  rateLimits?: Partial<Record<ChannelName, RateLimit>>;
  now: () => Date;
  logger: Logger;
  /**
   * Attempts before a message goes to the dead-letter state. 16 with the default backoff spans
   * ≈ 3 h, inside WeCom's 4 h duplicate check; retries never go past a channel's window anyway.
   */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Recipients started per pass, and messages taken per recipient. */
  batchSize?: number;
  /** How long a claimed message stays locked before another drain may retry it. */
  lockMs?: number;
  /** Recipients served at once; each recipient's own messages go one at a time, in order. */
  concurrency?: number;
}

export interface DrainResult {
  sent: number;
  retried: number;
  dead: number;
  deferred: number;
}

type Row = Awaited<ReturnType<PrismaClient["outboxMessage"]["findMany"]>>[number];

interface Lane {
  channel: string;
  externalUserId: string;
}

const ORDER: { seq?: "asc"; createdAt?: "asc"; id?: "asc" }[] = [{ seq: "asc" }, { createdAt: "asc" }, { id: "asc" }];
const noResult = (): DrainResult => ({ sent: 0, retried: 0, dead: 0, deferred: 0 });
const addInto = (total: DrainResult, r: DrainResult) => {
  for (const k of Object.keys(total) as (keyof DrainResult)[]) total[k] += r[k];
};
const laneKey = (r: { channel: string; externalUserId: string }) => `${r.channel}\u0000${r.externalUserId}`;
/** Messages that may be sent now: pending and due, or sending under a lock that ran out. */
const dueWhere = (now: Date) => ({ OR: [{ status: "PENDING", nextAttemptAt: { lte: now } }, { status: "SENDING", lockedUntil: { lt: now } }] });
/** Open messages that are not: waiting for a retry or a rate limit, or being sent. */
const heldWhere = (now: Date) => ({ OR: [{ status: "PENDING", nextAttemptAt: { gt: now } }, { status: "SENDING", OR: [{ lockedUntil: null }, { lockedUntil: { gte: now } }] }] });

const MINUTE = 60_000;
/** Retries stop this long before a duplicate window could have run out (clock skew, slow sends). */
const WINDOW_MARGIN_MS = 5 * MINUTE;

/**
 * Sends the outbox. Each message is claimed with a conditional update (status PENDING → SENDING),
 * so two drains or two instances never send one message twice; a crash mid-send leaves a lock
 * that expires and the message is retried. A retry is safe: the channel suppresses a resend of
 * the same request within its duplicate window, retries stay inside that window, and a message
 * identical to a recent one to the same recipient gets its own variant (chosen at first claim).
 *
 * Recipients are independent lanes: a pass starts every due recipient not already in flight and
 * never waits for another's slow send; within a lane messages go strictly in `seq` order.
 */
export function createOutboxDispatcher(opts: DispatcherOptions) {
  const maxAttempts = opts.maxAttempts ?? 16;
  const baseMs = opts.backoffBaseMs ?? 2_000;
  const maxMs = opts.backoffMaxMs ?? 30 * MINUTE;
  const batchSize = opts.batchSize ?? 50;
  const lockMs = opts.lockMs ?? 2 * MINUTE;
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const { prisma, logger } = opts;
  const directory = createDirectory(prisma);

  const inFlight = new Map<string, Lane>();
  const windows = createSendWindows(prisma);
  let active = 0;
  const waiting: Array<() => void> = [];
  async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (active < concurrency) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  }

  /** Marks a claimed message DEAD and, in the same transaction, tells ADMIN (not about notices). */
  async function deadLetter(row: Row, reason: string, now: Date): Promise<void> {
    const notices = await deadLetterNotices(directory, row, reason, now);
    await prisma.$transaction(async (tx) => {
      const r = await tx.outboxMessage.updateMany({ where: { id: row.id, status: "SENDING" }, data: { status: "DEAD", lockedUntil: null, lastError: reason } });
      if (r.count === 1 && notices.length > 0) await enqueue(tx, notices, now);
    });
  }

  async function sendOne(row: Row, now: Date): Promise<keyof DrainResult> {
    const channel = row.channel as ChannelName;
    const adapter = opts.adapters[channel];
    const windowMs = adapter?.duplicateWindowMs;
    const capped = countsAgainstCap(row.payloadJson);
    const until = capped ? await windows.limitedUntil(opts.rateLimits?.[channel], channel, row.externalUserId, now) : null;
    if (until) {
      await prisma.outboxMessage.update({ where: { id: row.id }, data: { nextAttemptAt: until } });
      return "deferred";
    }
    const first = row.attempts === 0;
    const variant = first && windowMs ? await chooseVariant(prisma, row, now, windowMs) : row.variant;
    const claimed = await prisma.outboxMessage.updateMany({
      where: {
        id: row.id,
        attempts: row.attempts,
        OR: [{ status: "PENDING" }, { status: "SENDING", lockedUntil: { lt: now } }],
      },
      // Until it is SENT, sentAt holds when this series of attempts began (an admin's retry starts
      // a new one): the duplicate window is counted from there, not from a long wait in the queue.
      data: { status: "SENDING", lockedUntil: new Date(now.getTime() + lockMs), attempts: { increment: 1 }, ...(first ? { variant, sentAt: now } : {}) },
    });
    if (claimed.count !== 1) return "deferred"; // someone else took it
    const attempt = row.attempts + 1;
    const seriesStart = first ? now : (row.sentAt ?? row.createdAt);
    const age = (t: Date) => t.getTime() - seriesStart.getTime();
    if (!first && windowMs && age(now) > windowMs - WINDOW_MARGIN_MS) {
      // An earlier attempt may have got through unanswered; past the window WeCom would show it again.
      await deadLetter(row, `retry window over: not resent after ${row.attempts} attempts, last: ${row.lastError ?? "?"}`, now);
      logger.error({ outboxId: row.id, channel, attempt: row.attempts }, "outbox message dead-lettered (duplicate window over)");
      return "dead";
    }
    const message = JSON.parse(row.payloadJson) as OutboundMessage;
    let result: SendResult;
    try {
      if (!adapter) throw new ChannelApiError(channel, 0, `channel ${channel} is not configured`, false);
      // A channel without pictures gets an image's alt text (8.2 chart).
      const out = message.kind === "image" && !adapter.capabilities.images ? imageAsText(message) : message;
      result = await adapter.send(row.externalUserId, out, { idempotencyKey: row.id, variant });
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      // A platform that says when to come back (Telegram's 429) is not asked again sooner.
      const told = err instanceof ChannelApiError ? (err.retryAfterMs ?? 0) : 0;
      const nextAt = new Date(opts.now().getTime() + Math.max(told, backoffMs(attempt, baseMs, maxMs)));
      const dead = !isRetryable(err) || attempt >= maxAttempts || (windowMs !== undefined && age(nextAt) > windowMs - WINDOW_MARGIN_MS);
      if (dead) await deadLetter(row, reason, opts.now());
      else await prisma.outboxMessage.update({ where: { id: row.id }, data: { status: "PENDING", lockedUntil: null, lastError: reason, nextAttemptAt: nextAt } });
      (dead ? logger.error.bind(logger) : logger.warn.bind(logger))({ outboxId: row.id, channel, attempt, reason }, dead ? "outbox message dead-lettered" : "outbox send failed; will retry");
      return dead ? "dead" : "retried";
    }
    // Sent. Should recording that fail, the row stays SENDING until its lock expires and is sent
    // again (the duplicate check absorbs it): at-least-once, never marked dead after a delivery.
    const sentAt = opts.now();
    if (capped) windows.noteSent(channel, row.externalUserId, sentAt);
    await prisma.outboxMessage.update({
      where: { id: row.id },
      data: { status: "SENT", sentAt, externalId: result.externalId ?? null, lockedUntil: null, lastError: null },
    });
    if (result.duplicate) logger.info({ outboxId: row.id, channel, attempt }, "outbox message was already delivered by an earlier attempt");
    if (message.kind === "card" && result.handle) {
      // Keep the send-time code: it is the only way to update this recipient's card later.
      await rememberCardHandle(prisma, { id: message.card.id }, result.handle, sentAt, adapter.capabilities.cardHandle);
    }
    return "sent";
  }

  /** One recipient's due rows, in order; stops at the first that is not done. */
  async function runLane(lane: Lane): Promise<DrainResult> {
    const r: DrainResult = noResult();
    const { channel, externalUserId } = lane;
    const rows = await prisma.outboxMessage.findMany({ where: { channel, externalUserId, ...dueWhere(opts.now()) }, orderBy: ORDER, take: batchSize });
    if (rows.length === 0) return r;
    const first = rows[0]!;
    // An earlier message still waiting (for its retry, or in another instance's hands) holds back
    // the later ones, also a row of the same transaction (same createdAt, lower seq).
    const earlier = await prisma.outboxMessage.count({
      where: {
        channel,
        externalUserId,
        status: { in: ["PENDING", "SENDING"] },
        id: { notIn: rows.map((x) => x.id) },
        OR: [
          { seq: { lt: first.seq } },
          { seq: first.seq, createdAt: { lt: first.createdAt } },
          { seq: first.seq, createdAt: first.createdAt, id: { lt: first.id } },
        ],
      },
    });
    if (earlier > 0) {
      r.deferred += rows.length;
      return r;
    }
    for (const row of rows) {
      const outcome = await sendOne(row, opts.now());
      r[outcome]++;
      if (outcome === "retried" || outcome === "deferred") break; // keep this recipient's order
    }
    return r;
  }

  /**
   * One pass: starts a lane for every recipient whose next message is due and that has none
   * running, and resolves when those lanes are done. Recipients are chosen by their first open
   * message, not from a window of due rows: the due rows queued behind a recipient's held message
   * (its backoff, its rate limit, a send lock) must not crowd out the recipients that can go.
   * Recipients already in flight (a slow send) are skipped, so passes never wait for each other.
   */
  async function drainOnce(): Promise<DrainResult> {
    const { lanes, deferred } = await startReady();
    const result = await settled(lanes);
    result.deferred += deferred;
    return result;
  }

  /** The recipients whose next message is due and not held behind an earlier one, oldest first. */
  async function readyLanes(now: Date): Promise<{ ready: Lane[]; deferred: number }> {
    const by = ["channel", "externalUserId"] as const;
    const due = await prisma.outboxMessage.groupBy({ by: [...by], where: dueWhere(now), _min: { seq: true } });
    const held = await prisma.outboxMessage.groupBy({ by: [...by], where: heldWhere(now), _min: { seq: true } });
    const heldFrom = new Map(held.map((h) => [laneKey(h), h._min.seq]));
    let deferred = 0;
    const ready: (Lane & { seq: bigint })[] = [];
    for (const d of due) {
      if (inFlight.has(laneKey(d))) continue; // its lane's drain makes another pass after it
      const seq = d._min.seq ?? 0n;
      const blockedFrom = heldFrom.get(laneKey(d));
      // Held behind an earlier message: nothing to do until it is due (the lane re-checks ties).
      if (blockedFrom !== undefined && blockedFrom !== null && blockedFrom < seq) {
        deferred++;
        continue;
      }
      ready.push({ seq, channel: d.channel, externalUserId: d.externalUserId });
    }
    ready.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    return { ready: ready.slice(0, batchSize), deferred };
  }

  /** Recipients asked for while their lane was running: the lane runs once more before it ends. */
  const askedAgain = new Set<string>();

  /**
   * Starts a lane for each recipient not already in flight; the lanes run on their own. A lane
   * runs again while someone asked for its recipient meanwhile or it filled a whole batch, so a
   * message queued during a slow send is not left for the periodic job.
   */
  function startLanes(recipients: Lane[]): Promise<DrainResult>[] {
    const lanes: Promise<DrainResult>[] = [];
    for (const lane of recipients) {
      const key = laneKey(lane);
      if (inFlight.has(key)) {
        askedAgain.add(key);
        continue;
      }
      inFlight.set(key, lane);
      const run = async () => {
        const total: DrainResult = noResult();
        try {
          let r: DrainResult;
          do {
            askedAgain.delete(key);
            r = await runLane(lane);
            addInto(total, r);
          } while (askedAgain.has(key) || r.sent + r.dead >= batchSize);
          return total;
        } finally {
          inFlight.delete(key); // in the same turn as the last check: no request falls between
        }
      };
      lanes.push(withSlot(run));
    }
    return lanes;
  }

  async function startReady(): Promise<{ lanes: Promise<DrainResult>[]; deferred: number }> {
    const { ready, deferred } = await readyLanes(opts.now());
    return { lanes: startLanes(ready), deferred };
  }

  async function settled(lanes: Promise<DrainResult>[]): Promise<DrainResult> {
    const result: DrainResult = noResult();
    for (const r of await Promise.all(lanes)) addInto(result, r);
    return result;
  }

  /**
   * One pass that does not wait for its sends: resolves once the ready lanes are started, with
   * their completion in `done`. Passes after each handled event are this, coalesced by the caller:
   * under a burst the outbox is not scanned twice per message, and a slow send delays nobody.
   */
  async function scan(): Promise<{ done: Promise<DrainResult> }> {
    const { lanes } = await startReady();
    return { done: settled(lanes) };
  }

  /**
   * At start-up, with the database to itself (SQLite: one process per file), before any drain:
   * a message a killed process left SENDING is due now rather than when its lock runs out (which
   * also held back everything after it for that recipient). Resending it is safe: it keeps its
   * variant and the channel's duplicate check absorbs a copy that did get through. Without
   * `exclusive` (PostgreSQL) another instance may really be sending: the locks run out instead.
   */
  async function releaseLocks(o: { exclusive: boolean }): Promise<number> {
    if (!o.exclusive) return 0;
    const released = await prisma.outboxMessage.updateMany({ where: { status: "SENDING" }, data: { lockedUntil: new Date(opts.now().getTime() - 1) } });
    if (released.count > 0) logger.info({ messages: released.count }, "released the send locks of a previous run");
    return released.count;
  }

  /** Drains until nothing due is left (bounded), e.g. right after a webhook enqueued replies. */
  async function drain(maxPasses = 20): Promise<DrainResult> {
    const total: DrainResult = noResult();
    for (let i = 0; i < maxPasses; i++) {
      const r = await drainOnce();
      addInto(total, r);
      if (r.sent === 0 && r.dead === 0) break;
    }
    return total;
  }

  /**
   * Sends the due messages of these recipients now, without the pass's scan of the whole outbox:
   * what a handled event has just queued (its lanes are known). A recipient already in flight is
   * left to its lane, which picks the new rows up in its next pass.
   */
  /**
   * Sends the due messages of these recipients now, without scanning the outbox: what a handled
   * event has just queued (its recipients are known). A recipient already in flight is left to its
   * lane, which runs once more for it.
   */
  function sendTo(recipients: { channel: string; userId: string }[]): Promise<DrainResult> {
    return settled(startLanes(recipients.map((r) => ({ channel: r.channel, externalUserId: r.userId }))));
  }

  return { drainOnce, drain, releaseLocks, sendTo, scan };
}

export type OutboxDispatcher = ReturnType<typeof createOutboxDispatcher>;
