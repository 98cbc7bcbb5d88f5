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
