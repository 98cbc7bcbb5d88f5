// The inbound event store behind small functions: stored before the platform gets its 200,
// deduplicated by (channel, dedupeKey), owned through a lease (leaseOwner until leaseUntil) and
// taken over only by conditional updates on what was read.
import type { PrismaClient, Tx } from "./database.ts";

export type InboundRow = { id: string; channel: string; userId: string; status: string; attempts: number; leaseUntil: Date | null; leaseOwner: string | null; receivedAt: Date; payloadJson: string };

/** Stores a new event owned by `owner`; throws P2002 for a duplicate (channel, dedupeKey). */
export async function insertInboundEvent(prisma: PrismaClient, e: { channel: string; userId: string; dedupeKey: string; payloadJson: string; receivedAt: Date; leaseUntil: Date; leaseOwner: string }): Promise<string> {
  return (await prisma.inboundEvent.create({ data: e, select: { id: true } })).id;
}

/** Marks the event DONE inside a transaction, if `owner` still holds it; false when it does not. */
export async function completeInboundEvent(tx: Tx, id: string, owner: string, now: Date): Promise<boolean> {
  // DONE is allowed too: one handling may commit more than once (e.g. a refusal after a decision).
  return (await tx.inboundEvent.updateMany({ where: { id, leaseOwner: owner, status: { in: ["PENDING", "FAILED", "DONE"] } }, data: { status: "DONE", processedAt: now } })).count === 1;
}

/** After the handler returned: DONE with its attempt counted; false when it was taken over meanwhile. */
export async function finishInboundEvent(prisma: PrismaClient, id: string, owner: string, attempts: number, now: Date): Promise<boolean> {
  return (await prisma.inboundEvent.updateMany({ where: { id, leaseOwner: owner }, data: { status: "DONE", processedAt: now, attempts, leaseUntil: null } })).count === 1;
}

/** A failed handling waits for its retry; once a commit marked it DONE its effects are in, so it stays DONE. */
export async function failInboundEvent(tx: Tx, id: string, owner: string, f: { attempts: number; retryAt: Date; error: string }): Promise<boolean> {
  return (await tx.inboundEvent.updateMany({ where: { id, leaseOwner: owner, status: { not: "DONE" } }, data: { status: "FAILED", attempts: f.attempts, leaseUntil: f.retryAt, lastError: f.error.slice(0, 500) } })).count === 1;
}

/** Extends the leases `owner` holds on these events. */
export async function renewInboundLeases(prisma: PrismaClient, ids: string[], owner: string, until: Date): Promise<number> {
  return (await prisma.inboundEvent.updateMany({ where: { id: { in: ids }, leaseOwner: owner, status: { in: ["PENDING", "FAILED"] } }, data: { leaseUntil: until } })).count;
}

/** Takes an event over by a conditional update on the row as read; false if someone else has it. */
export async function claimInboundEvent(prisma: PrismaClient, row: InboundRow, exclusive: boolean, owner: string, until: Date): Promise<boolean> {
  const where = exclusive && row.status === "PENDING" ? { id: row.id, status: "PENDING", attempts: row.attempts } : { id: row.id, status: row.status, attempts: row.attempts, leaseUntil: row.leaseUntil, leaseOwner: row.leaseOwner };
  return (await prisma.inboundEvent.updateMany({ where, data: { leaseUntil: until, leaseOwner: owner } })).count === 1;
}

/** The person's earlier events still to handle: pending, or failed with attempts left. */
export function earlierUnhandled(prisma: PrismaClient, e: { channel: string; userId: string; receivedAt: Date; selfId: string; maxAttempts: number; take: number }): Promise<InboundRow[]> {
  return prisma.inboundEvent.findMany({
    where: { channel: e.channel, userId: e.userId, OR: [{ status: "PENDING" }, { status: "FAILED", attempts: { lt: e.maxAttempts } }], receivedAt: { lt: e.receivedAt }, id: { not: e.selfId } },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
    take: e.take,
  });
}

/** Whether the person has a later event already handled (they have moved on). */
export async function hasNewerHandled(prisma: PrismaClient, row: Pick<InboundRow, "channel" | "userId" | "receivedAt">): Promise<boolean> {
  return (await prisma.inboundEvent.count({ where: { channel: row.channel, userId: row.userId, receivedAt: { gt: row.receivedAt }, status: "DONE" } })) > 0;
}

/** SKIPPED (the person moved on), if `owner` still holds it as read. */
export async function skipInboundEvent(tx: Tx, row: Pick<InboundRow, "id" | "status">, owner: string, now: Date): Promise<boolean> {
  return (await tx.inboundEvent.updateMany({ where: { id: row.id, leaseOwner: owner, status: row.status }, data: { status: "SKIPPED", processedAt: now, leaseUntil: null } })).count === 1;
}

/** Events nobody holds: failed ones whose wait is over and orphans (with `exclusive`, every pending one). */
export function orphanedInboundEvents(prisma: PrismaClient, o: { now: Date; exclusive: boolean; maxAttempts: number; take: number }): Promise<InboundRow[]> {
  const orphan = o.exclusive ? [{ status: "PENDING" }, { leaseUntil: null }, { leaseUntil: { lt: o.now } }] : [{ leaseUntil: null }, { leaseUntil: { lt: o.now } }];
  return prisma.inboundEvent.findMany({ where: { status: { in: ["PENDING", "FAILED"] }, attempts: { lt: o.maxAttempts }, OR: orphan }, orderBy: [{ receivedAt: "asc" }, { id: "asc" }], take: o.take });
}
