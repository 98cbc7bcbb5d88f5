import { createHash } from "node:crypto";
import type { PrismaClient } from "./database.ts";

/** A client or a transaction client: append inside the transaction of the change it records. */
export type AuditTx = Pick<PrismaClient, "auditLog" | "auditHead">;

export interface AuditEntry {
  at: Date;
  action: string;
  subjectType: string;
  subjectId: string;
  actorId?: string | null;
  actorRole?: string | null;
  channel?: string | null;
  detail?: unknown;
}

interface StoredEntry {
  at: Date;
  action: string;
  subjectType: string;
  subjectId: string;
  actorId: string | null;
  actorRole: string | null;
  channel: string | null;
  detailJson: string;
}

/** sha256 over the previous hash and every stored field, in a fixed order. */
export function auditHash(prevHash: string, e: StoredEntry): string {
  const fields = [prevHash, e.at.toISOString(), e.action, e.subjectType, e.subjectId, e.actorId ?? "", e.actorRole ?? "", e.channel ?? "", e.detailJson];
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}

/**
 * Appends one entry to the tamper-evident audit chain. The head row is locked first (an UPDATE
 * takes PostgreSQL's row lock until commit; SQLite has one writer), so concurrent transactions
 * chain one after another; a rolled-back transaction leaves neither its entry nor a moved head.
 */
export async function appendAudit(tx: AuditTx, entry: AuditEntry): Promise<void> {
  const head = await tx.auditHead.upsert({ where: { id: 1 }, create: { id: 1, lastId: 0, lastHash: "" }, update: { lastId: { increment: 0 } } });
  const stored: StoredEntry = {
    at: entry.at,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    actorId: entry.actorId ?? null,
    actorRole: entry.actorRole ?? null,
    channel: entry.channel ?? null,
    detailJson: JSON.stringify(entry.detail ?? {}),
  };
  const hash = auditHash(head.lastHash, stored);
  const row = await tx.auditLog.create({ data: { ...stored, prevHash: head.lastHash, hash }, select: { id: true } });
  await tx.auditHead.update({ where: { id: 1 }, data: { lastId: row.id, lastHash: hash } });
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** Entries written before the chain existed (no hash), all before the first chained entry. */
  legacy: number;
  /** The first entry that does not verify, and why. */
  firstBroken?: { id: number; reason: string };
}

/** Walks the chain in id order (in pages, bounded memory) and names the first broken entry. */
export async function verifyAuditChain(db: AuditTx, pageSize = 1000): Promise<AuditVerification> {
  let prev: string | null = null;
  let lastId = 0;
  let checked = 0;
  let legacy = 0;
  for (;;) {
    const rows = await db.auditLog.findMany({ where: { id: { gt: lastId } }, orderBy: { id: "asc" }, take: pageSize });
    if (rows.length === 0) break;
    for (const r of rows) {
      lastId = r.id;
      if (r.hash === null && prev === null) {
        legacy++;
        continue;
      }
      checked++;
      const expectedPrev = prev ?? "";
      if (r.prevHash !== expectedPrev) return { ok: false, checked, legacy, firstBroken: { id: r.id, reason: "previous hash does not match the entry before it (an entry was removed or inserted)" } };
      if (r.hash !== auditHash(expectedPrev, r)) return { ok: false, checked, legacy, firstBroken: { id: r.id, reason: "content does not match its hash (the entry was changed)" } };
      prev = r.hash;
    }
  }
  const head = await db.auditHead.findUnique({ where: { id: 1 } });
  if (head && head.lastId !== 0 && (head.lastId !== lastId || head.lastHash !== (prev ?? ""))) {
    return { ok: false, checked, legacy, firstBroken: { id: head.lastId, reason: "the chain ends before its recorded head (entries at the end were removed)" } };
  }
  return { ok: true, checked, legacy };
}
