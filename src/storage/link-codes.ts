// 绑定: one-time codes that link a second channel identity to a person. A code lives 10 minutes
// and works once; only its HMAC (keyed with the server's secret) is stored. Sending the code
// (typed, or a Telegram deep link) only claims it: the claiming identity then confirms, so a link
// someone else sent cannot move an account in one tap. Issuing and failed sending are limited per
// identity and overall (8 digits are easy to type, so guessing must stay out of reach).
import type { Sender } from "../domain/chat.ts";
import { appendAudit } from "./audit-log.ts";
import type { PrismaClient, Tx } from "./database.ts";

export const LINK_CODE_TTL_MS = 10 * 60_000;
/** Codes a person may ask for in an hour. */
export const LINK_CODES_PER_HOUR = 5;
/** Wrong codes one identity may send in LINK_CODE_TTL_MS. */
export const LINK_FAILURES_ALLOWED = 5;
/** Wrong codes from everyone together in LINK_CODE_TTL_MS: beyond it every redeem waits (many accounts guessing). */
export const LINK_FAILURES_ALLOWED_OVERALL = 100;

const FAILED = "identity.link-refused";
const minutesAgo = (now: Date, ms: number) => new Date(now.getTime() - ms);

async function codeHash(secret: string, code: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`link-code:${code}`));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Eight random digits, without modulo bias. */
function newCode(): string {
  const limit = Math.floor(2 ** 32 / 1e8) * 1e8;
  for (;;) {
    const n = crypto.getRandomValues(new Uint32Array(1))[0]!;
    if (n < limit) return String(n % 1e8).padStart(8, "0");
  }
}

export async function issueLinkCode(tx: Tx, secret: string, personId: string, from: Sender, now: Date): Promise<{ code: string } | { tooMany: true }> {
  const recent = await tx.linkCode.count({ where: { personId, createdAt: { gt: minutesAgo(now, 3_600_000) } } });
  if (recent >= LINK_CODES_PER_HOUR) return { tooMany: true };
  const code = newCode();
  await tx.linkCode.create({ data: { personId, codeHash: await codeHash(secret, code), channel: from.channel, externalId: from.userId, expiresAt: new Date(now.getTime() + LINK_CODE_TTL_MS), createdAt: now } });
  await appendAudit(tx, { at: now, action: "identity.link-code", subjectType: "person", subjectId: personId, actorId: personId, channel: from.channel });
  return { code };
}

export type ClaimResult =
  | { kind: "claimed"; personName: string; fromChannel: string }
  | { kind: "same-person" }
  | { kind: "has-own-records" }
  | { kind: "invalid" }
  | { kind: "too-many" };

/** What the identity's own person (made at its first message) holds besides it: linking must never hide records. */
async function hasOwnRecords(tx: Tx, personId: string, now: Date): Promise<boolean> {
  const counts = [
    await tx.roleGrant.count({ where: { personId } }),
    (await tx.channelIdentity.count({ where: { personId } })) - 1,
    await tx.application.count({ where: { applicantId: personId } }),
    await tx.studioMember.count({ where: { personId } }),
    await tx.serviceRequest.count({ where: { OR: [{ requestedById: personId }, { ownerId: personId }, { acceptedById: personId }] } }),
    await tx.surveyInvitation.count({ where: { personId } }),
    await tx.conversationSession.count({ where: { personId, status: "ACTIVE", lastActivityAt: { gt: minutesAgo(now, 24 * 3_600_000) } } }),
  ];
  return counts.some((n) => n > 0);
}

/** "绑定 <code>": checks the code and marks it claimed by `sender`, who must then confirm (confirmLink). */
export async function claimLinkCode(tx: Tx, secret: string, code: string, sender: Sender, senderPersonId: string, now: Date): Promise<ClaimResult> {
  const subjectId = `${sender.channel}:${sender.userId}`;
  const since = minutesAgo(now, LINK_CODE_TTL_MS);
  const mine = await tx.auditLog.count({ where: { subjectType: "channel-identity", subjectId, action: FAILED, at: { gt: since } } });
  const everyone = await tx.auditLog.count({ where: { action: FAILED, at: { gt: since } } });
  if (mine >= LINK_FAILURES_ALLOWED || everyone >= LINK_FAILURES_ALLOWED_OVERALL) return { kind: "too-many" };
  const row = await tx.linkCode.findUnique({ where: { codeHash: await codeHash(secret, code) }, include: { person: true } });
  if (!row || row.usedAt || row.expiresAt.getTime() <= now.getTime()) {
    await appendAudit(tx, { at: now, action: FAILED, subjectType: "channel-identity", subjectId, channel: sender.channel });
    return { kind: "invalid" };
  }
  if (row.personId === senderPersonId) return { kind: "same-person" };
  if (await hasOwnRecords(tx, senderPersonId, now)) return { kind: "has-own-records" };
  await tx.linkCode.update({ where: { id: row.id }, data: { claimChannel: sender.channel, claimExternalId: sender.userId, claimedAt: now } });
  return { kind: "claimed", personName: row.person.name, fromChannel: row.channel };
}

export type ConfirmResult = { kind: "linked"; personId: string; personName: string; from: Sender } | { kind: "nothing-to-confirm" } | { kind: "has-own-records" };

/** "确认绑定" from the identity that claimed a code: moves it to the code's person, exactly once. */
export async function confirmLink(tx: Tx, sender: Sender, senderPersonId: string, now: Date): Promise<ConfirmResult> {
  const row = await tx.linkCode.findFirst({
    where: { claimChannel: sender.channel, claimExternalId: sender.userId, usedAt: null, expiresAt: { gt: now } },
    orderBy: { claimedAt: "desc" },
    include: { person: true },
  });
  if (!row || row.personId === senderPersonId) return { kind: "nothing-to-confirm" };
  if (await hasOwnRecords(tx, senderPersonId, now)) return { kind: "has-own-records" };
  // Single use even when two confirmations race (PostgreSQL runs them side by side): only one update wins.
  const won = await tx.linkCode.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
  if (won.count !== 1) return { kind: "nothing-to-confirm" };
  await tx.channelIdentity.update({ where: { channel_externalId: { channel: sender.channel, externalId: sender.userId } }, data: { personId: row.personId } });
  await appendAudit(tx, { at: now, action: "identity.linked", subjectType: "person", subjectId: row.personId, actorId: row.personId, channel: sender.channel, detail: { channel: sender.channel, from: row.channel } });
  return { kind: "linked", personId: row.personId, personName: row.person.name, from: { channel: row.channel, userId: row.externalId } };
}

/** 取消绑定: the sender's pending claim is dropped (the code stays usable until it expires). */
export async function cancelLinkClaim(tx: Tx, sender: Sender): Promise<void> {
  await tx.linkCode.updateMany({ where: { claimChannel: sender.channel, claimExternalId: sender.userId, usedAt: null }, data: { claimChannel: null, claimExternalId: null, claimedAt: null } });
}

/** Housekeeping: codes that expired before `before`. */
export async function deleteExpiredLinkCodes(prisma: Pick<PrismaClient, "linkCode">, before: Date): Promise<number> {
  return (await prisma.linkCode.deleteMany({ where: { expiresAt: { lt: before } } })).count;
}
