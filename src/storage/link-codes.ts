// 绑定: one-time codes that link a second channel identity to a person. Only the code's SHA-256 is
// stored; a code lives 10 minutes and works once; issuing and failed redeeming are rate-limited.
import type { Sender } from "../domain/chat.ts";
import { appendAudit } from "./audit-log.ts";
import type { Tx } from "./database.ts";

export const LINK_CODE_TTL_MS = 10 * 60_000;
/** Codes a person may ask for in an hour. */
export const LINK_CODES_PER_HOUR = 5;
/** Wrong codes one identity may send in LINK_CODE_TTL_MS. */
export const LINK_FAILURES_ALLOWED = 5;

async function hash(code: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`link-code:${code}`));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Eight random digits: with five tries per ten minutes, guessing one is out of reach. */
function newCode(): string {
  const n = crypto.getRandomValues(new Uint32Array(1))[0]! % 100_000_000;
  return String(n).padStart(8, "0");
}

export async function issueLinkCode(tx: Tx, personId: string, from: Sender, now: Date): Promise<{ code: string } | { tooMany: true }> {
  const recent = await tx.linkCode.count({ where: { personId, createdAt: { gt: new Date(now.getTime() - 3_600_000) } } });
  if (recent >= LINK_CODES_PER_HOUR) return { tooMany: true };
  const code = newCode();
  await tx.linkCode.create({ data: { personId, codeHash: await hash(code), channel: from.channel, externalId: from.userId, expiresAt: new Date(now.getTime() + LINK_CODE_TTL_MS), createdAt: now } });
  await appendAudit(tx, { at: now, action: "identity.link-code", subjectType: "person", subjectId: personId, actorId: personId, channel: from.channel });
  return { code };
}

export type RedeemResult =
  | { kind: "linked"; personId: string; personName: string; from: Sender }
  | { kind: "same-person" }
  | { kind: "has-own-records" }
  | { kind: "invalid" }
  | { kind: "too-many" };

const FAILED = "identity.link-refused";

/**
 * Moves `sender`'s identity to the code's person, once. The identity's own person (made at its
 * first message) must hold nothing else — no role, no other identity, no application — so linking
 * never hides anyone's records.
 */
export async function redeemLinkCode(tx: Tx, code: string, sender: Sender, senderPersonId: string, now: Date): Promise<RedeemResult> {
  const subjectId = `${sender.channel}:${sender.userId}`;
  const failures = await tx.auditLog.count({ where: { subjectType: "channel-identity", subjectId, action: FAILED, at: { gt: new Date(now.getTime() - LINK_CODE_TTL_MS) } } });
  if (failures >= LINK_FAILURES_ALLOWED) return { kind: "too-many" };
  const row = await tx.linkCode.findUnique({ where: { codeHash: await hash(code) }, include: { person: true } });
  if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime()) {
    await appendAudit(tx, { at: now, action: FAILED, subjectType: "channel-identity", subjectId, channel: sender.channel });
    return { kind: "invalid" };
  }
  if (row.personId === senderPersonId) return { kind: "same-person" };
  const roles = await tx.roleGrant.count({ where: { personId: senderPersonId } });
  const identities = await tx.channelIdentity.count({ where: { personId: senderPersonId } });
  const applications = await tx.application.count({ where: { applicantId: senderPersonId } });
  if (roles > 0 || identities > 1 || applications > 0) return { kind: "has-own-records" };
  await tx.linkCode.update({ where: { id: row.id }, data: { usedAt: now } });
  await tx.channelIdentity.update({ where: { channel_externalId: { channel: sender.channel, externalId: sender.userId } }, data: { personId: row.personId } });
  await appendAudit(tx, { at: now, action: "identity.linked", subjectType: "person", subjectId: row.personId, actorId: row.personId, channel: sender.channel, detail: { channel: sender.channel, from: row.channel } });
  return { kind: "linked", personId: row.personId, personName: row.person.name, from: { channel: row.channel, userId: row.externalId } };
}
