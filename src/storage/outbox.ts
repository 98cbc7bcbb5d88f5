import type { ChannelName, OutboundMessage } from "../domain/chat.ts";
import type { PrismaClient } from "./database.ts";

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

export function outboxRow(m: OutgoingMessage, now: Date) {
  return {
    channel: m.channel,
    externalUserId: m.userId,
    personId: m.personId ?? null,
    payloadJson: JSON.stringify(m.message),
    dedupeKey: m.dedupeKey ?? null,
    nextAttemptAt: now,
  };
}

export async function enqueue(tx: Tx, messages: OutgoingMessage[], now: Date): Promise<void> {
  for (const m of messages) {
    if (m.dedupeKey && (await tx.outboxMessage.findUnique({ where: { dedupeKey: m.dedupeKey }, select: { id: true } }))) continue;
    await tx.outboxMessage.create({ data: outboxRow(m, now) });
  }
}
