// The IP register's queries: assets by their natural key (idempotent entry from chat and
// imports), who manages which enterprise, and the register with each asset's next deadline.
import type { PrismaClient, Tx } from "./database.ts";

type Db = PrismaClient | Tx;

export interface AssetRow {
  kind: string;
  title: string;
  number: string | null;
  naturalKey: string;
  jurisdiction: string;
  filingDate: string | null;
  priorityDate: string | null;
  grantDate: string | null;
  expiryDate: string | null;
  startDate: string | null;
  endDate: string | null;
  annuityPaidYear: number | null;
  feeReductionPct: number | null;
  isHighValue: boolean;
  tmClass: string | null;
  countries: string | null;
  insurer: string | null;
}

/**
 * The enterprise a person manages: an ENTERPRISE_MANAGER grant, else a seat on the enterprise
 * side of a studio (6.4 a). The oldest grant wins when there are several.
 */
export async function managedEnterprise(db: Db, personId: string): Promise<{ id: string; name: string } | null> {
  const grant = await db.roleGrant.findFirst({ where: { personId, role: "ENTERPRISE_MANAGER", revokedAt: null, enterpriseId: { not: null } }, orderBy: { grantedAt: "asc" }, select: { enterprise: { select: { id: true, name: true } } } });
  if (grant?.enterprise) return grant.enterprise;
  const seat = await db.studioMember.findFirst({ where: { personId, side: "ENTERPRISE", leftAt: null }, orderBy: { joinedAt: "asc" }, select: { studio: { select: { enterprise: { select: { id: true, name: true } } } } } });
  return seat?.studio.enterprise ?? null;
}

export function findEnterprise(db: Db, id: string) {
  return db.enterprise.findUnique({ where: { id }, select: { id: true, name: true } });
}

export function assetByKey(db: Db, enterpriseId: string, naturalKey: string) {
  return db.ipAsset.findUnique({ where: { enterpriseId_naturalKey: { enterpriseId, naturalKey } } });
}

export function createAsset(tx: Tx, data: AssetRow & { enterpriseId: string; source: string; createdById: string | null; now: Date }) {
  const { now, ...rest } = data;
  return tx.ipAsset.create({ data: { ...rest, createdAt: now, updatedAt: now }, select: { id: true } });
}

export function updateAsset(tx: Tx, id: string, data: AssetRow & { now: Date }) {
  const { now, ...rest } = data;
  return tx.ipAsset.update({ where: { id }, data: { ...rest, updatedAt: now }, select: { id: true } });
}

/** Each asset's pending reminders, soonest first (for the reply after an entry). */
export function pendingReminders(db: Db, assetId: string, take = 3) {
  return db.reminder.findMany({ where: { assetId, status: "PENDING" }, orderBy: { dueDate: "asc" }, take, select: { kind: true, dueDate: true, detailJson: true } });
}

/**
 * The register as 我的知识产权 shows it: up to `take` assets, those with the soonest pending
 * deadline first (one per asset), then the others by kind; and how many assets there are.
 */
export async function registerWithNextDeadlines(db: Db, enterpriseId: string, take: number) {
  const total = await db.ipAsset.count({ where: { enterpriseId } });
  const soonest = await db.reminder.findMany({ where: { enterpriseId, status: "PENDING", assetId: { not: null } }, orderBy: [{ dueDate: "asc" }, { id: "asc" }], take: take * 10, select: { assetId: true, kind: true, dueDate: true, detailJson: true } });
  const next = new Map<string, { kind: string; dueDate: string; detailJson: string }>();
  for (const r of soonest) if (!next.has(r.assetId!) && next.size < take) next.set(r.assetId!, { kind: r.kind, dueDate: r.dueDate, detailJson: r.detailJson });
  const select = { id: true, kind: true, title: true, number: true, startDate: true } as const;
  const withDeadline = await db.ipAsset.findMany({ where: { id: { in: [...next.keys()] } }, select });
  const rest = withDeadline.length < take ? await db.ipAsset.findMany({ where: { enterpriseId, id: { notIn: [...next.keys()] } }, orderBy: [{ kind: "asc" }, { createdAt: "asc" }], take: take - withDeadline.length, select }) : [];
  const ordered = [...next.keys()].map((id) => withDeadline.find((a) => a.id === id)!).filter(Boolean);
  return { total, items: [...ordered, ...rest].map((a) => ({ ...a, next: next.get(a.id) ?? null })) };
}
