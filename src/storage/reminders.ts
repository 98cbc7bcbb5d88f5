// The reminder tables behind small functions: deadlines (Reminder), what was sent to whom
// (ReminderDelivery, unique per deadline, milestone and recipient) and the numbered digests.
import type { PrismaClient, Tx } from "./database.ts";
import type { Recipient } from "./directory.ts";
import { fixedChunks } from "./fixed-chunks.ts";

type Db = PrismaClient | Tx;

export interface ReminderUpsert {
  enterpriseId: string;
  assetId: string;
  kind: string;
  dueDate: string;
  graceEndDate: string | null;
  detailJson: string;
  nextRemindOn: string | null;
  dedupeKey: string;
}

/**
 * Creates the deadline's row unless it exists; true when created. An existing pending one takes the
 * new figures and, when the calendar moved its due date (a holiday year loaded later), the new date
 * — its deliveries stay, so no milestone is sent twice.
 */
export async function upsertReminder(tx: Tx, r: ReminderUpsert): Promise<boolean> {
  const existing = await tx.reminder.findUnique({ where: { dedupeKey: r.dedupeKey }, select: { id: true, status: true, dueDate: true } });
  if (!existing) {
    await tx.reminder.create({ data: { ...r, status: "PENDING" } });
    return true;
  }
  const figures = { detailJson: r.detailJson, graceEndDate: r.graceEndDate, dueDate: r.dueDate };
  if (existing.status === "CANCELLED") await tx.reminder.update({ where: { id: existing.id }, data: { ...figures, status: "PENDING", nextRemindOn: r.nextRemindOn } });
  else if (existing.status === "PENDING") await tx.reminder.update({ where: { id: existing.id }, data: { ...figures, ...(existing.dueDate !== r.dueDate ? { nextRemindOn: r.nextRemindOn } : {}) } });
  return false;
}

/** Assets with pending deadlines whose due date or grace end lies in `year` (a calendar year reloaded). */
export async function assetsWithDeadlinesIn(db: Db, year: number): Promise<string[]> {
  const from = `${year - 1}-12-01`; // a nominal date late in December may have moved into the year
  const to = `${year}-12-31`;
  const rows = await db.reminder.findMany({ where: { status: "PENDING", assetId: { not: null }, OR: [{ dueDate: { gte: from, lte: to } }, { graceEndDate: { gte: from, lte: to } }] }, select: { assetId: true }, distinct: ["assetId"] });
  return rows.map((r) => r.assetId!);
}

/** The asset's pending deadlines not in `keep` become CANCELLED (the asset changed). */
export async function cancelOtherReminders(tx: Tx, assetId: string, keep: string[]): Promise<number> {
  return (await tx.reminder.updateMany({ where: { assetId, status: "PENDING", dedupeKey: { notIn: keep } }, data: { status: "CANCELLED", nextRemindOn: null } })).count;
}

export function assetById(db: Db, id: string) {
  return db.ipAsset.findUnique({ where: { id } });
}

/** Pending deadlines with something to send by `today`, in id order after `cursor` (bounded batches). */
export function dueReminders(db: Db, today: string, cursor: string | null, take: number) {
  return db.reminder.findMany({
    where: { status: "PENDING", nextRemindOn: { lte: today }, ...(cursor ? { id: { gt: cursor } } : {}) },
    include: { asset: { select: { title: true, number: true, kind: true } }, deliveries: { select: { milestone: true, personId: true } } },
    orderBy: { id: "asc" },
    take,
  });
}
export type DueReminder = Awaited<ReturnType<typeof dueReminders>>[number];

export async function setNextRemindOn(tx: Tx, id: string, nextRemindOn: string | null, status?: "LAPSED"): Promise<void> {
  await tx.reminder.update({ where: { id }, data: { nextRemindOn, ...(status ? { status } : {}) } });
}

/** enterpriseManagers of many enterprises in two queries (every id gets an entry, maybe empty). */
export async function enterpriseManagersOf(db: Db, enterpriseIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(enterpriseIds.map((id) => [id, []]));
  if (enterpriseIds.length === 0) return out;
  const designated = await db.studioMember.findMany({ where: { studio: { enterpriseId: { in: enterpriseIds } }, side: "ENTERPRISE", isManager: true, leftAt: null }, select: { personId: true, studio: { select: { enterpriseId: true } } } });
  for (const m of designated) out.get(m.studio.enterpriseId)?.push(m.personId);
  const rest = enterpriseIds.filter((id) => out.get(id)!.length === 0);
  if (rest.length > 0) {
    const grants = await db.roleGrant.findMany({ where: { role: "ENTERPRISE_MANAGER", enterpriseId: { in: rest }, revokedAt: null }, select: { personId: true, enterpriseId: true } });
    for (const g of grants) out.get(g.enterpriseId!)?.push(g.personId);
  }
  for (const [id, people] of out) out.set(id, [...new Set(people)]);
  return out;
}

/** enterpriseAgencyStaff of many enterprises in one query (every id gets an entry, maybe empty). */
export async function enterpriseAgencyStaffOf(db: Db, enterpriseIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(enterpriseIds.map((id) => [id, []]));
  if (enterpriseIds.length === 0) return out;
  const rows = await db.studioMember.findMany({ where: { studio: { enterpriseId: { in: enterpriseIds } }, side: "AGENCY", leftAt: null }, select: { personId: true, studio: { select: { enterpriseId: true } } } });
  for (const r of rows) out.get(r.studio.enterpriseId)?.push(r.personId);
  for (const [id, people] of out) out.set(id, [...new Set(people)]);
  return out;
}

/** The enterprise's OPERATING studio (需要帮助 opens a service request there). */
export function operatingStudioOf(db: Db, enterpriseId: string) {
  return db.studio.findFirst({ where: { enterpriseId, status: "OPERATING" }, select: { id: true, number: true } });
}

/** Claims today's digest of a person; false when one was sent already (another run, another instance). */
export async function claimDigest(tx: Tx, d: { id: string; personId: string; sentOn: string; items: string[] }): Promise<boolean> {
  const exists = await tx.reminderDigest.findUnique({ where: { personId_sentOn: { personId: d.personId, sentOn: d.sentOn } }, select: { id: true } });
  if (exists) return false;
  await tx.reminderDigest.create({ data: { id: d.id, personId: d.personId, sentOn: d.sentOn, itemsJson: JSON.stringify(d.items) } });
  return true;
}

/** The people among `personIds` whose digest of `sentOn` exists already (claimDigest for many). */
export async function digestsSent(tx: Tx, personIds: string[], sentOn: string): Promise<Set<string>> {
  const rows = await tx.reminderDigest.findMany({ where: { personId: { in: personIds }, sentOn }, select: { personId: true } });
  return new Set(rows.map((r) => r.personId));
}

/** Writes claimed digests and their deliveries; a digest or delivery written meanwhile by another instance fails it all (P2002). */
export async function recordDigests(tx: Tx, digests: { id: string; personId: string; sentOn: string; items: string[] }[], deliveries: { reminderId: string; personId: string; milestone: string; sentOn: string; digestId: string }[]): Promise<void> {
  for (const part of fixedChunks(digests)) await tx.reminderDigest.createMany({ data: part.map((d) => ({ id: d.id, personId: d.personId, sentOn: d.sentOn, itemsJson: JSON.stringify(d.items) })) });
  for (const part of fixedChunks(deliveries)) await tx.reminderDelivery.createMany({ data: part });
}

export async function recordDelivery(tx: Tx, d: { reminderId: string; personId: string; milestone: string; sentOn: string; digestId: string | null }): Promise<void> {
  await tx.reminderDelivery.create({ data: d });
}

/** The person's latest digest (typed 已处理 N refers to its items). */
export function latestDigest(db: Db, personId: string) {
  return db.reminderDigest.findFirst({ where: { personId }, orderBy: { sentOn: "desc" } });
}

export function reminderById(db: Db, id: string) {
  return db.reminder.findUnique({ where: { id }, include: { asset: true } });
}

/** 已处理: DONE once. */
export async function ackReminder(tx: Tx, id: string, byId: string, now: Date): Promise<boolean> {
  return (await tx.reminder.updateMany({ where: { id, status: "PENDING" }, data: { status: "DONE", ackedAt: now, ackedById: byId, nextRemindOn: null } })).count === 1;
}

export async function snoozeReminder(tx: Tx, id: string, until: string): Promise<boolean> {
  return (await tx.reminder.updateMany({ where: { id, status: "PENDING" }, data: { snoozedUntil: until, nextRemindOn: until } })).count === 1;
}

/** An item still unacknowledged near its deadline goes to the agency staff once. */
export async function claimEscalation(tx: Tx, id: string, now: Date): Promise<boolean> {
  return (await tx.reminder.updateMany({ where: { id, status: "PENDING", escalatedAt: null }, data: { escalatedAt: now } })).count === 1;
}

/** Records what 已处理 changed on the asset (the annuity year paid, the renewed expiry). */
export async function updateAsset(tx: Tx, id: string, data: { annuityPaidYear?: number; expiryDate?: string; status?: string }): Promise<void> {
  await tx.ipAsset.update({ where: { id }, data });
}

/** The deliveries of many deadlines in one query (the daily pass reads them per batch, not per deadline). */
export async function deliveriesOfMany(db: Db, reminderIds: string[]): Promise<Map<string, { milestone: string; personId: string }[]>> {
  const out = new Map<string, { milestone: string; personId: string }[]>(reminderIds.map((id) => [id, []]));
  const rows = await db.reminderDelivery.findMany({ where: { reminderId: { in: reminderIds } }, select: { reminderId: true, milestone: true, personId: true } });
  for (const { reminderId, ...d } of rows) out.get(reminderId)?.push(d);
  return out;
}

/** Moves many deadlines to the same next date in one statement. */
export async function setNextRemindOnMany(db: Db, ids: string[], nextRemindOn: string | null): Promise<void> {
  await db.reminder.updateMany({ where: { id: { in: ids } }, data: { nextRemindOn } });
}

/** Names of many enterprises (missing ones: ""). */
export async function enterpriseNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const rows = await db.enterprise.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const found = new Map(rows.map((r) => [r.id, r.name]));
  return new Map(ids.map((id) => [id, found.get(id) ?? ""]));
}

/** Where to reach each of many people (directory.recipientsOf, in one query): every channel identity. */
export async function recipientsOfMany(db: Db, personIds: string[]): Promise<Map<string, Recipient[]>> {
  const out = new Map<string, Recipient[]>(personIds.map((id) => [id, []]));
  const rows = await db.channelIdentity.findMany({ where: { personId: { in: personIds } }, orderBy: { id: "asc" }, select: { personId: true, channel: true, externalId: true } });
  for (const i of rows) out.get(i.personId)?.push({ personId: i.personId, channel: i.channel as Recipient["channel"], userId: i.externalId });
  return out;
}

export async function enterpriseName(db: Db, id: string): Promise<string> {
  return (await db.enterprise.findUnique({ where: { id }, select: { name: true } }))?.name ?? "";
}

/** Whether the person speaks for the enterprise: its manager, or on its studio's enterprise side. */
export async function speaksForEnterprise(db: Db, personId: string, enterpriseId: string): Promise<boolean> {
  if (await db.roleGrant.count({ where: { personId, role: "ENTERPRISE_MANAGER", enterpriseId, revokedAt: null } })) return true;
  return (await db.studioMember.count({ where: { personId, side: "ENTERPRISE", leftAt: null, studio: { enterpriseId } } })) > 0;
}
