// Cards we sent (SentCard): what a tapped button acts on, and to whom the card went.
import type { OutboundMessage } from "../domain/chat.ts";
import type { PrismaClient, Tx } from "./database.ts";
import { fixedChunks } from "./fixed-chunks.ts";
import type { OutgoingMessage } from "./outbox.ts";

export interface SentCardRecord {
  id: string;
  channel: string;
  externalUserId: string;
  personId: string | null;
  purpose: string;
  /** What the buttons act on (other than an approval step) and the round the card was sent for. */
  subjectType?: string | null;
  subjectId?: string | null;
  round?: number | null;
  approvalStepId?: string | null;
  createdAt?: Date;
}

const row = (c: SentCardRecord) => ({ ...c, subjectType: c.subjectType ?? null, subjectId: c.subjectId ?? null, round: c.round ?? null, approvalStepId: c.approvalStepId ?? null });

export async function recordSentCard(tx: Tx, c: SentCardRecord): Promise<void> {
  await tx.sentCard.create({ data: row(c) });
}

/** Many at once (the reminder pass's digests), in fixed-size chunks. */
export async function recordSentCards(tx: Tx, cards: SentCardRecord[]): Promise<void> {
  for (const part of fixedChunks(cards)) await tx.sentCard.createMany({ data: part.map(row) });
}

export function findSentCard(db: PrismaClient | Tx, id: string) {
  return db.sentCard.findUnique({ where: { id } });
}

type LiveCard = { id: string; personId: string | null; channel: string; externalUserId: string };

/**
 * The subject's cards not yet final show `text(card)`: updated in place where the channel still
 * allows it (WeCom: the click's single-use response_code, within 72 hours), else `instead(card,
 * text)` is sent (nothing when it returns null).
 */
export async function finishCards(tx: Tx, subject: { type: string; id: string }, now: Date, text: (c: LiveCard) => string, instead: (c: LiveCard, text: string) => OutboundMessage | null = () => null): Promise<OutgoingMessage[]> {
  const cards = await tx.sentCard.findMany({ where: { subjectType: subject.type, subjectId: subject.id, finalText: null } });
  const out: OutgoingMessage[] = [];
  for (const c of cards) {
    const t = text(c);
    const usable = c.channel !== "wecom" || (c.responseCode && !c.responseCodeUsedAt && c.responseCodeAt && now.getTime() - c.responseCodeAt.getTime() < 72 * 3600_000);
    await tx.sentCard.update({ where: { id: c.id }, data: { finalText: t, responseCodeUsedAt: usable ? now : c.responseCodeUsedAt } });
    const to = { channel: c.channel as OutgoingMessage["channel"], userId: c.externalUserId, personId: c.personId };
    const message: OutboundMessage | null = usable ? { kind: "card_update", cardId: c.id, replaceName: t, responseCode: c.responseCode ?? undefined } : instead(c, t);
    if (message) out.push({ ...to, message });
  }
  return out;
}
