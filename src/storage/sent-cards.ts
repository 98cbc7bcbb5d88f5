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

/** The handle columns of a SentCard row. */
interface HandleRow {
  responseCode: string | null;
  responseCodeUsedAt: Date | null;
  handleSingleUse: boolean;
  handleExpiresAt: Date | null;
}

/** The card's handle if it can still update the card at `now` (the channel's rules were written with it), else null. */
export function usableHandle(c: HandleRow, now: Date): string | null {
  if (!c.responseCode) return null;
  if (c.handleSingleUse && c.responseCodeUsedAt) return null;
  if (c.handleExpiresAt && now.getTime() >= c.handleExpiresAt.getTime()) return null;
  return c.responseCode;
}

type HandleRules = { singleUse: boolean; ttlMs?: number } | undefined;

/** Handle columns for a handle got at `at` under the channel's rules (ChannelCapabilities.cardHandle). */
function handleColumns(handle: string, at: Date, rules: HandleRules) {
  return { responseCode: handle, responseCodeAt: at, responseCodeUsedAt: null, handleSingleUse: rules?.singleUse ?? false, handleExpiresAt: rules?.ttlMs === undefined ? null : new Date(at.getTime() + rules.ttlMs) };
}

/**
 * Keeps a card's handle (from its send, or a click's fresh one) with the channel's rules. Only
 * the card's own recipient can refresh it: a forged card id touches nothing.
 */
export async function rememberCardHandle(db: PrismaClient | Tx, card: { id: string; channel?: string; userId?: string }, handle: string, at: Date, rules: HandleRules): Promise<void> {
  const where = card.channel === undefined ? { id: card.id } : { id: card.id, channel: card.channel, externalUserId: card.userId };
  await db.sentCard.updateMany({ where, data: handleColumns(handle, at, rules) });
}

/**
 * A tapped card's final label, unless a handler already finished it (or it is not the tapper's,
 * or its own service finishes it): updated with the click's handle, else the card's usable one.
 */
export async function finishTappedCard(tx: Tx, tap: { cardId: string; channel: string; userId: string; handle?: string }, label: string, now: Date, finishedElsewhere: (purpose: string) => boolean): Promise<OutgoingMessage[]> {
  const card = await tx.sentCard.findUnique({ where: { id: tap.cardId } });
  if (card && (card.channel !== tap.channel || card.externalUserId !== tap.userId || card.finalText || finishedElsewhere(card.purpose))) return [];
  const handle = tap.handle ?? (card ? usableHandle(card, now) : null);
  if (card) await tx.sentCard.update({ where: { id: card.id }, data: { finalText: label, responseCodeUsedAt: handle ? now : card.responseCodeUsedAt } });
  return handle ? [{ channel: tap.channel, userId: tap.userId, message: { kind: "card_update", cardId: tap.cardId, replaceName: label, handle } }] : [];
}

/**
 * The cards not yet final — a subject's, an approval step's or all of an application's — show `text(card)`: updated in
 * place while the card's handle allows it, else `instead(card, text)` is sent (nothing when it
 * returns null).
 */
export async function finishCards(tx: Tx, which: { type: string; id: string } | { approvalStepId: string } | { applicationId: string }, now: Date, text: (c: LiveCard) => string, instead: (c: LiveCard, text: string) => OutboundMessage | null = () => null): Promise<OutgoingMessage[]> {
  const where = "approvalStepId" in which ? { approvalStepId: which.approvalStepId } : "applicationId" in which ? { approvalStep: { applicationId: which.applicationId } } : { subjectType: which.type, subjectId: which.id };
  const cards = await tx.sentCard.findMany({ where: { ...where, finalText: null } });
  const out: OutgoingMessage[] = [];
  for (const c of cards) {
    const t = text(c);
    const handle = usableHandle(c, now);
    await tx.sentCard.update({ where: { id: c.id }, data: { finalText: t, responseCodeUsedAt: handle ? now : c.responseCodeUsedAt } });
    const to = { channel: c.channel, userId: c.externalUserId, personId: c.personId };
    const message: OutboundMessage | null = handle ? { kind: "card_update", cardId: c.id, replaceName: t, handle } : instead(c, t);
    if (message) out.push({ ...to, message });
  }
  return out;
}
