// The audit log as a hash chain (src/storage/audit-log.ts): every append chains to the one before,
// concurrent appends never fork it, a rolled-back append leaves nothing, and verifyAuditChain names
// the first entry that was changed, removed or inserted. On SQLite and, with TEST_DATABASE_URL, PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendAudit, auditHash, verifyAuditChain } from "../../src/storage/audit-log.ts";
import { createTestDatabase, testProviders, type TestDatabase } from "../support/test-db.ts";

/** The AuditLog table for raw SQL (a PostgreSQL test database lives in its own schema). */
const auditTable = (t: TestDatabase) => (t.provider === "postgresql" ? `"${new URL(t.url).searchParams.get("schema")}"."AuditLog"` : `"AuditLog"`);

const AT = new Date("2026-11-24T02:32:00Z");
const entry = (n: number) => ({ at: new Date(AT.getTime() + n * 1000), action: "test.entry", subjectType: "Application", subjectId: `app-${n}`, actorId: `p-${n % 3}`, channel: "wecom", detail: { n } });

describe.each(testProviders())("audit chain on %s", (provider) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(provider);
  });
  afterEach(async () => {
    await t.drop();
  });
  const append = (n: number) => t.db.prisma.$transaction((tx) => appendAudit(tx, entry(n)));
  const sql = (q: string) => t.db.prisma.$executeRawUnsafe(q);

  it("chains every entry to the one before and records the head", async () => {
    for (let n = 1; n <= 4; n++) await append(n);
    const rows = await t.db.prisma.auditLog.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.prevHash)).toEqual(["", rows[0]!.hash, rows[1]!.hash, rows[2]!.hash]);
    for (const r of rows) expect(r.hash).toBe(auditHash(r.prevHash!, r));
    expect(await t.db.prisma.auditHead.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ lastId: rows[3]!.id, lastHash: rows[3]!.hash });
    expect(await verifyAuditChain(t.db.prisma)).toEqual({ ok: true, checked: 4, legacy: 0 });
  });

  it("concurrent appends chain one after another, never fork", async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => append(i)));
    const rows = await t.db.prisma.auditLog.findMany({ orderBy: { id: "asc" } });
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.prevHash)).size).toBe(20);
    expect(await verifyAuditChain(t.db.prisma)).toMatchObject({ ok: true, checked: 20 });
  });

  it("a rolled-back transaction leaves neither its entry nor a moved head", async () => {
    await append(1);
    await expect(
      t.db.prisma.$transaction(async (tx) => {
        await appendAudit(tx, entry(2));
        throw new Error("the change it records failed");
      }),
    ).rejects.toThrow("the change it records failed");
    await append(3);
    expect((await t.db.prisma.auditLog.findMany({ orderBy: { id: "asc" } })).map((r) => r.subjectId)).toEqual(["app-1", "app-3"]);
    expect(await verifyAuditChain(t.db.prisma)).toMatchObject({ ok: true, checked: 2 });
  });

  it("counts entries from before the chain and checks the rest", async () => {
    // Rows written before hashing existed (no prevHash/hash), then the chain.
    for (const n of [1, 2]) await t.db.prisma.auditLog.create({ data: { at: AT, action: "legacy", subjectType: "Application", subjectId: `old-${n}` } });
    for (let n = 1; n <= 3; n++) await append(n);
    expect(await verifyAuditChain(t.db.prisma)).toEqual({ ok: true, checked: 3, legacy: 2 });
  });

  it("names the changed entry, the one after a removed entry, and a removed last entry; pages do not hide them", async () => {
    for (let n = 1; n <= 7; n++) await append(n);
    const ids = (await t.db.prisma.auditLog.findMany({ orderBy: { id: "asc" }, select: { id: true } })).map((r) => r.id);
    expect(await verifyAuditChain(t.db.prisma, 2)).toMatchObject({ ok: true, checked: 7 });

    await sql(`UPDATE ${auditTable(t)} SET "actorId" = 'someone-else' WHERE id = ${ids[4]}`);
    expect(await verifyAuditChain(t.db.prisma, 2)).toMatchObject({ ok: false, firstBroken: { id: ids[4], reason: expect.stringContaining("changed") } });
    await sql(`UPDATE ${auditTable(t)} SET "actorId" = 'p-2' WHERE id = ${ids[4]}`); // n = 5 → p-2: restored
    expect(await verifyAuditChain(t.db.prisma, 2)).toMatchObject({ ok: true });

    await sql(`DELETE FROM ${auditTable(t)} WHERE id = ${ids[2]}`);
    expect(await verifyAuditChain(t.db.prisma, 2)).toMatchObject({ ok: false, firstBroken: { id: ids[3], reason: expect.stringContaining("removed") } });
  });

  it("a removed last entry is caught by the head", async () => {
    for (let n = 1; n <= 3; n++) await append(n);
    const last = await t.db.prisma.auditLog.findFirstOrThrow({ orderBy: { id: "desc" } });
    await sql(`DELETE FROM ${auditTable(t)} WHERE id = ${last.id}`);
    expect(await verifyAuditChain(t.db.prisma)).toMatchObject({ ok: false, firstBroken: { id: last.id, reason: expect.stringContaining("end") } });
  });

  it("a forged entry appended without moving the head is caught", async () => {
    for (let n = 1; n <= 2; n++) await append(n);
    const last = await t.db.prisma.auditLog.findFirstOrThrow({ orderBy: { id: "desc" } });
    const forged = { at: AT, action: "approval.approve", subjectType: "Application", subjectId: "app-x", actorId: "p-1", actorRole: "CITY_LEADER", channel: "wecom", detailJson: "{}" };
    const row = await t.db.prisma.auditLog.create({ data: { ...forged, prevHash: last.hash, hash: auditHash(last.hash!, forged) } });
    expect(await verifyAuditChain(t.db.prisma)).toMatchObject({ ok: false, firstBroken: { id: last.id } });
    expect(row.id).toBeGreaterThan(last.id);
  });
});
