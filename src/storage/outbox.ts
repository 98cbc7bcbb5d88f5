import { createHash } from "node:crypto";
import type { ChannelName, OutboundMessage } from "../domain/chat.ts";
import type { PrismaClient } from "./database.ts";
import { fixedChunks } from "./fixed-chunks.ts";

/** A client or a transaction client: enqueue inside the transaction of the change that causes it. */
export type Tx = Pick<PrismaClient, "outboxMessage">;

export interface OutgoingMessage {
  channel: ChannelName;
  userId: string;
  personId?: string | null;
  message: OutboundMessage;
  /** Optional idempotency key: a second enqueue with the same key is ignored. */
  dedupeKey?: string;
}

/** The same message to several recipients (each channel identity of each person). */
export function messagesTo(to: { channel: ChannelName; userId: string; personId?: string | null }[], message: OutboundMessage): OutgoingMessage[] {
  return to.map((r) => ({ channel: r.channel, userId: r.userId, personId: r.personId ?? null, message }));
}

let lastSeq = 0n;

/**
 * The order of outbox rows: ms·1000 + a counter, strictly increasing in this process even for
 * rows of one transaction (same createdAt) and when the clock steps back.
 */
export function nextOutboxSeq(now: Date): bigint {
  const fromClock = BigInt(now.getTime()) * 1000n;
  lastSeq = fromClock > lastSeq ? fromClock : lastSeq + 1n;
  return lastSeq;
}

/** Identical payloads to one recipient share it (see OutboxMessage.variant). */
export function contentHash(payloadJson: string): string {
  return createHash("sha256").update(payloadJson).digest("hex").slice(0, 32);
}

export function outboxRow(m: OutgoingMessage, now: Date) {
  const payloadJson = JSON.stringify(m.message);
  return {
    channel: m.channel,
    externalUserId: m.userId,
    personId: m.personId ?? null,
    payloadJson,
    contentHash: contentHash(payloadJson),
    seq: nextOutboxSeq(now),
    dedupeKey: m.dedupeKey ?? null,
    // The app's clock, not the database's: retries are bounded by the age of a message.
    createdAt: now,
    nextAttemptAt: now,
  };
}

/** enqueue in one statement, for messages without a dedupeKey (batch jobs writing thousands). */
export async function enqueueMany(tx: Tx, messages: OutgoingMessage[], now: Date): Promise<void> {
  if (messages.some((m) => m.dedupeKey)) throw new Error("enqueueMany: messages with a dedupeKey go through enqueue");
  for (const part of fixedChunks(messages)) await tx.outboxMessage.createMany({ data: part.map((m) => outboxRow(m, now)) });
}

export async function enqueue(tx: Tx, messages: OutgoingMessage[], now: Date): Promise<void> {
  for (const m of messages) {
    if (m.dedupeKey && (await tx.outboxMessage.findUnique({ where: { dedupeKey: m.dedupeKey }, select: { id: true } }))) continue;
    await tx.outboxMessage.create({ data: outboxRow(m, now) });
  }
}

/** Sent messages to a recipient since `since`, leaving out payloads containing `except` (card updates). */
type SentWindow = { channel: string; userId: string; since: Date; except: string };
const sentWhere = (w: SentWindow) => ({ channel: w.channel, externalUserId: w.userId, status: "SENT", sentAt: { gt: w.since }, NOT: { payloadJson: { contains: w.except } } });

export function countSentSince(prisma: Pick<PrismaClient, "outboxMessage">, w: SentWindow): Promise<number> {
  return prisma.outboxMessage.count({ where: sentWhere(w) });
}

/** When those were sent, the `take` most recent (a recipient's recent sends, for the pacing's memory). */
export async function sentTimesSince(prisma: Pick<PrismaClient, "outboxMessage">, w: SentWindow, take: number): Promise<Date[]> {
  const rows = await prisma.outboxMessage.findMany({ where: sentWhere(w), orderBy: { sentAt: "desc" }, take, select: { sentAt: true } });
  return rows.flatMap((r) => (r.sentAt ? [r.sentAt] : []));
}

/** When the n-th most recent of those was sent (the window's pivot once a cap of n is reached). */
export async function nthLatestSentAt(prisma: Pick<PrismaClient, "outboxMessage">, w: SentWindow, n: number): Promise<Date | null> {
  return (await prisma.outboxMessage.findFirst({ where: sentWhere(w), orderBy: { sentAt: "desc" }, skip: n - 1, select: { sentAt: true } }))?.sentAt ?? null;
}

/**
 * The duplicate-check variants other messages with this content to this recipient use that may
 * have reached the platform since `since` (tried or sent).
 */
export async function variantsInUse(prisma: Pick<PrismaClient, "outboxMessage">, row: { id: string; channel: string; externalUserId: string }, hash: string, since: Date): Promise<Set<number>> {
  const others = await prisma.outboxMessage.findMany({
    where: {
      channel: row.channel,
      externalUserId: row.externalUserId,
      contentHash: hash,
      id: { not: row.id },
      AND: [
        { OR: [{ attempts: { gt: 0 } }, { status: { in: ["SENDING", "SENT", "DEAD"] } }] },
        // A twin reaches WeCom within a window of its first attempt (sentAt until SENT, see
        // sendOne) and suppresses copies for a window more.
        { OR: [{ sentAt: { gte: since } }, { sentAt: null, createdAt: { gte: since } }] },
      ],
    },
    select: { variant: true },
  });
  return new Set(others.map((o) => o.variant));
}
