import { ChannelApiError, ChannelHttpError, type ChannelAdapter } from "../channels/channel.ts";
import type { ChannelName, OutboundMessage } from "../domain/chat.ts";
import type { Logger } from "../log/logger.ts";
import type { PrismaClient } from "../storage/database.ts";

export interface RateLimit {
  perMinute: number;
  perHour: number;
}

export interface DispatcherOptions {
  prisma: PrismaClient;
  adapters: Partial<Record<ChannelName, ChannelAdapter>>;
  /** Per-recipient caps a platform enforces by silently dropping the excess (WeCom: 30/min, 1000/h). */
  rateLimits?: Partial<Record<ChannelName, RateLimit>>;
  now: () => Date;
  logger: Logger;
  /** Attempts before a message goes to the dead-letter state. 16 with the default backoff spans > 1 hour. */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  batchSize?: number;
  /** How long a claimed message stays locked before another drain may retry it. */
  lockMs?: number;
}

export interface DrainResult {
  sent: number;
  retried: number;
  dead: number;
  deferred: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Exponential backoff: base·2^(n−1), capped. Attempt n is the one that just failed. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

function isRetryable(err: unknown): boolean {
  if (err instanceof ChannelHttpError) return true;
  if (err instanceof ChannelApiError) return err.retryable;
  return false; // a bug or a refused payload will not get better by retrying
}

/**
 * Sends the outbox. Each message is claimed with a conditional update (status PENDING → SENDING),
 * so two drains or two instances never send one message twice; a crash mid-send leaves a lock
 * that expires and the message is retried (at-least-once).
 */
export function createOutboxDispatcher(opts: DispatcherOptions) {
  const maxAttempts = opts.maxAttempts ?? 16;
  const baseMs = opts.backoffBaseMs ?? 2_000;
  const maxMs = opts.backoffMaxMs ?? 30 * MINUTE;
  const batchSize = opts.batchSize ?? 50;
  const lockMs = opts.lockMs ?? 2 * MINUTE;
  const { prisma, logger } = opts;

  /** When the recipient may next receive a message, or null if now is fine. */
  async function rateLimitedUntil(channel: ChannelName, userId: string, now: Date): Promise<Date | null> {
    const limit = opts.rateLimits?.[channel];
    if (!limit) return null;
    // Two counts on the hot path; the window's oldest send is read only when a cap is reached.
    const windows = [
      { ms: MINUTE, cap: limit.perMinute },
      { ms: HOUR, cap: limit.perHour },
    ];
    for (const w of windows) {
      const where = { channel, externalUserId: userId, status: "SENT", sentAt: { gt: new Date(now.getTime() - w.ms) } };
      if ((await prisma.outboxMessage.count({ where })) < w.cap) continue;
      const pivot = await prisma.outboxMessage.findFirst({ where, orderBy: { sentAt: "desc" }, skip: w.cap - 1, select: { sentAt: true } });
      if (pivot?.sentAt) return new Date(pivot.sentAt.getTime() + w.ms + 1);
    }
    return null;
  }

  async function sendOne(row: { id: string; channel: string; externalUserId: string; payloadJson: string; attempts: number }, now: Date): Promise<keyof DrainResult> {
    const channel = row.channel as ChannelName;
    const until = await rateLimitedUntil(channel, row.externalUserId, now);
    if (until) {
      await prisma.outboxMessage.update({ where: { id: row.id }, data: { nextAttemptAt: until } });
      return "deferred";
    }
    const claimed = await prisma.outboxMessage.updateMany({
      where: {
        id: row.id,
        OR: [{ status: "PENDING" }, { status: "SENDING", lockedUntil: { lt: now } }],
      },
      data: { status: "SENDING", lockedUntil: new Date(now.getTime() + lockMs), attempts: { increment: 1 } },
    });
    if (claimed.count !== 1) return "deferred"; // someone else took it
    const attempt = row.attempts + 1;
    const adapter = opts.adapters[channel];
    const message = JSON.parse(row.payloadJson) as OutboundMessage;
    let result: Awaited<ReturnType<ChannelAdapter["send"]>>;
    try {
      if (!adapter) throw new ChannelApiError(channel, 0, `channel ${channel} is not configured`, false);
      result = await adapter.send(row.externalUserId, message);
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      const dead = !isRetryable(err) || attempt >= maxAttempts;
      await prisma.outboxMessage.update({
        where: { id: row.id },
        data: dead
          ? { status: "DEAD", lockedUntil: null, lastError: reason }
          : { status: "PENDING", lockedUntil: null, lastError: reason, nextAttemptAt: new Date(opts.now().getTime() + backoffMs(attempt, baseMs, maxMs)) },
      });
      (dead ? logger.error.bind(logger) : logger.warn.bind(logger))({ outboxId: row.id, channel, attempt, reason }, dead ? "outbox message dead-lettered" : "outbox send failed; will retry");
      return dead ? "dead" : "retried";
    }
    // Sent. Should recording that fail, the row stays SENDING until its lock expires and is sent
    // again: at-least-once, never marked dead after a delivery.
    const sentAt = opts.now();
    await prisma.outboxMessage.update({
      where: { id: row.id },
      data: { status: "SENT", sentAt, externalId: result.externalId ?? null, lockedUntil: null, lastError: null },
    });
    if (message.kind === "card" && result.responseCode) {
      // Keep the send-time code: it is the only way to update this recipient's card later.
      await prisma.sentCard.updateMany({ where: { id: message.card.id }, data: { responseCode: result.responseCode, responseCodeAt: sentAt } });
    }
    return "sent";
  }

  /** One pass over the due messages; per recipient in order, stopping that recipient at a failure. */
  async function drainOnce(): Promise<DrainResult> {
    const now = opts.now();
    const due = await prisma.outboxMessage.findMany({
      where: {
        OR: [
          { status: "PENDING", nextAttemptAt: { lte: now } },
          { status: "SENDING", lockedUntil: { lt: now } },
        ],
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: batchSize,
    });
    const byRecipient = new Map<string, typeof due>();
    for (const row of due) {
      const key = `${row.channel}\u0000${row.externalUserId}`;
      byRecipient.set(key, [...(byRecipient.get(key) ?? []), row]);
    }
    const result: DrainResult = { sent: 0, retried: 0, dead: 0, deferred: 0 };
    await Promise.all(
      [...byRecipient.values()].map(async (rows) => {
        // Keep each recipient's order across passes: an earlier message waiting for its retry
        // holds back the later ones (otherwise a flow's next question overtakes the last).
        const first = rows[0]!;
        const earlier = await prisma.outboxMessage.count({
          where: { channel: first.channel, externalUserId: first.externalUserId, status: { in: ["PENDING", "SENDING"] }, createdAt: { lt: first.createdAt }, id: { notIn: rows.map((r) => r.id) } },
        });
        if (earlier > 0) {
          result.deferred += rows.length;
          return;
        }
        for (const row of rows) {
          const outcome = await sendOne(row, now);
          result[outcome]++;
          if (outcome !== "sent") break; // keep this recipient's order
        }
      }),
    );
    return result;
  }

  /** Drains until nothing due is left (bounded), e.g. right after a webhook enqueued replies. */
  async function drain(maxPasses = 20): Promise<DrainResult> {
    const total: DrainResult = { sent: 0, retried: 0, dead: 0, deferred: 0 };
    for (let i = 0; i < maxPasses; i++) {
      const r = await drainOnce();
      for (const k of Object.keys(total) as (keyof DrainResult)[]) total[k] += r[k];
      if (r.sent === 0) break;
    }
    return total;
  }

  return { drainOnce, drain };
}

export type OutboxDispatcher = ReturnType<typeof createOutboxDispatcher>;
