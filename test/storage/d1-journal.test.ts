// The D1 undo journal (src/storage/d1-journal.ts) through Prisma, as the app uses it: a unit that
// fails leaves every table as it was (compared as quote()d dumps, rowids included), the undo runs
// in chunks, updateMany counts are the statement's own, a failed commit or a dead host is undone
// before the next statement, triggers follow migrations, and nested transactions roll back to
// their savepoint. Runs on the D1 double over SQLite (test/support/sqlite-d1.ts).
import Sqlite from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqlitePath } from "../../src/storage/database.ts";
import { installUndoJournal } from "../../src/storage/d1-journal.ts";
import { sqliteD1 } from "../support/sqlite-d1.ts";
import { createTestDatabase, openD1, type TestDatabase } from "../support/test-db.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const at = (iso: string) => new Date(iso);

/** Every Application column set, all different between v1 and v2 (nulls both ways, BigInts at 2^53 - 1). */
function application(v: 1 | 2, towns: [string, string], enterpriseId: string) {
  const one = v === 1;
  const n = (k: number) => (one ? k : k + 10);
  return {
    enterpriseId: one ? null : enterpriseId, applicantId: `p-${v}`, status: one ? "IN_REVIEW" : "RETURNED", stage: one ? 2 : null, version: n(3),
    enterpriseName: one ? "O'Brien 100%s 石岐 ''" : '中山 %d "q"', uscc: one ? null : "91442000MA4UXXXX1X", registeredAddress: `addr ${v}`,
    townId: towns[v - 1]!, listingStatus: `listing ${v}`, registeredCapitalYuan: one ? 9_007_199_254_740_991n : 5n, headcount: n(10),
    revenueYuan: one ? null : -123n, isAboveScale: one, specialisedLevel: `level ${v}`, isLeadingReserve: !one, isIpKeyProtection: one,
    headName: `head ${v}`, headTitle: `title ${v}`, headMobile: `1380000000${v}`, contactName: `contact ${v}`, contactTitle: `ct ${v}`, contactMobile: `1390000000${v}`,
    hasIpDepartment: !one, ipDepartmentName: one ? null : "IP dept", ipStaffCount: n(0), ipRulesYear: one ? null : 2020, gbt29490Year: one ? 2019 : null,
    demoEnterprise: one ? "[]" : '["national"]', advantageEnterprise: one ? '["provincial"]' : "[]", highTechYear: one ? null : 2021, patentAward: one ? "[]" : '["provincial"]',
    validInvention: n(1), validUtility: n(2), validDesign: n(3), validPct: n(4), validTrademarkDomestic: n(5), validTrademarkOverseas: n(6), validCopyright: n(7), validOther: n(8),
    needs: one ? '["a"]' : '["b","g"]', needsOther: one ? null : "other", headConfirmation: one ? "SELF" : "HEAD_IN_CHAT",
    headConfirmedAt: one ? null : at("2026-03-04T05:06:07.089Z"), headConfirmedById: one ? null : "p-3", returnedFields: one ? '["uscc"]' : null,
    answersJson: one ? "{}" : '{"k":"v"}', submittedAt: one ? at("2026-01-02T03:04:05.678Z") : at("2026-02-03T04:05:06.789Z"),
    decidedAt: one ? null : at("2026-05-06T07:08:09.000Z"), studioNumber: one ? null : "ZSIPS-2026-001", lastUrgedOn: one ? "2026-01-05" : null,
    createdAt: one ? at("2025-12-31T23:59:59.999Z") : at("2026-06-01T00:00:00.000Z"), updatedAt: one ? at("2026-01-01T00:00:00.001Z") : at("2026-07-01T12:00:00.000Z"),
  };
}

describe("[issue 16] the D1 undo journal", () => {
  let t: TestDatabase;
  let raw: Sqlite.Database;
  let failing: ((sql: string) => boolean) | undefined;
  const failWhen = (sql: string) => failing?.(sql) ?? false;
  beforeEach(async () => {
    failing = undefined;
    t = await createTestDatabase("d1", { failWhen });
    raw = new Sqlite(sqlitePath(t.url)); // a second connection on the same file: sees each statement as D1 commits it
  });
  afterEach(async () => {
    raw.close();
    await t.drop();
  });

  const columns = (table: string) => (raw.prepare("SELECT name FROM pragma_table_info(?)").all(table) as { name: string }[]).map((c) => c.name);
  /** Every row of `table`, rowid first, each value as its SQL literal (type and bytes exactly). */
  const dump = (table: string): unknown[][] => raw.prepare(`SELECT rowid, ${columns(table).map((c) => `quote("${c}")`).join(", ")} FROM "${table}" ORDER BY rowid`).raw(true).all() as unknown[][];
  const appTables = () =>
    (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' AND substr(name, 1, 5) <> '_uow_' AND name <> '_prisma_migrations' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  const dumpAll = () => Object.fromEntries(appTables().map((name) => [name, dump(name)]));
  const journal = () => raw.prepare("SELECT (SELECT COUNT(*) FROM _uow_undo) AS entries, (SELECT active FROM _uow_state WHERE id = 1) AS active").get();
  const CLEAN = { entries: 0, active: 0 };
  const event = (key: string, status = "PENDING") => ({ channel: "wecom", dedupeKey: key, payloadJson: `{"k":"${key}"}`, userId: "u", status });

  it("[issue 16] a unit that writes to many tables, awaits a timer and throws leaves every table byte for byte as before", async () => {
    const { prisma } = t.db;
    await prisma.town.createMany({ data: [{ id: "t1", name: "石岐", kind: "街道" }, { id: "t2", name: "东区", kind: "街道" }] });
    const ent = await prisma.enterprise.create({ data: { name: "E1", townId: "t1", registeredCapitalYuan: 1n, revenueYuan: null, headcount: 7, createdAt: at("2026-01-01T00:00:00Z") } });
    // Prisma's D1 adapter binds only safe integers; a value past 2^53 written otherwise must come back exact.
    raw.prepare("UPDATE Enterprise SET registeredCapitalYuan = 9007199254740993 WHERE id = ?").run(ent.id);
    const p1 = await prisma.person.create({ data: { name: "Ann", mobile: null, identities: { create: [{ channel: "wecom", externalId: "ann" }, { channel: "telegram", externalId: "42" }] } } });
    const app = await prisma.application.create({ data: application(1, ["t1", "t2"], ent.id) });
    for (const stage of [1, 2, 3]) await prisma.approvalStep.create({ data: { applicationId: app.id, stage, round: 3, role: "TOWN_OFFICER", status: "PENDING", dueOn: "2026-01-09" } });
    const outbox = await prisma.outboxMessage.create({ data: { channel: "wecom", externalUserId: "ann", payloadJson: "{}", seq: 1_764_000_000_000_001n, sentAt: null } });
    await prisma.channelToken.create({ data: { key: "wecom:a", token: "old", expiresAt: at("2026-02-02T02:02:02.002Z") } });
    await prisma.auditHead.create({ data: { id: 1, lastId: 0, lastHash: "" } });
    const before = dumpAll();
    const appRow = () => dump("Application")[0]!;
    const appBefore = appRow();

    const failed = prisma.$transaction(async (tx) => {
      await tx.person.create({ data: { name: "Bob", identities: { create: { channel: "wecom", externalId: "bob" } } } });
      await tx.auditLog.create({ data: { action: "x", subjectType: "Application", subjectId: app.id } });
      await tx.application.update({ where: { id: app.id }, data: application(2, ["t1", "t2"], ent.id) });
      // Every column but the id now differs: the undo must restore all ~60 (two printf chunks).
      expect(appRow().filter((v, i) => v === appBefore[i])).toEqual([appBefore[0], appBefore[1]]);
      await tx.enterprise.update({ where: { id: ent.id }, data: { registeredCapitalYuan: null, revenueYuan: -9_007_199_254_740_991n, headcount: null, uscc: "U" } });
      expect((await tx.approvalStep.updateMany({ where: { status: "PENDING" }, data: { status: "APPROVED", decidedAt: new Date() } })).count).toBe(3);
      await tx.channelToken.upsert({ where: { key: "wecom:a" }, create: { key: "wecom:a", token: "x", expiresAt: new Date() }, update: { token: "new" } });
      await tx.channelToken.upsert({ where: { key: "wecom:b" }, create: { key: "wecom:b", token: "b", expiresAt: new Date() }, update: {} });
      await tx.auditHead.upsert({ where: { id: 1 }, create: { id: 1 }, update: { lastId: { increment: 1 }, lastHash: "h" } });
      await sleep(20); // a fetch or WebCrypto in a real handler
      await tx.outboxMessage.delete({ where: { id: outbox.id } });
      await tx.person.delete({ where: { id: p1.id } }); // cascades to both identities
      await tx.application.delete({ where: { id: app.id } }); // cascades to the steps, updated above
      expect(dumpAll()).not.toEqual(before);
      throw new Error("handler failed");
    });
    await expect(failed).rejects.toThrow("handler failed");
    expect(dumpAll()).toEqual(before);
    expect(journal()).toEqual(CLEAN);
  });

  it("[issue 16] undoes more changes than one undo chunk (200) holds", async () => {
    const { prisma } = t.db;
    await prisma.inboundEvent.createMany({ data: Array.from({ length: 250 }, (_, i) => event(`old-${i}`)) });
    const before = dump("InboundEvent");
    const failed = prisma.$transaction(async (tx) => {
      expect((await tx.inboundEvent.createMany({ data: Array.from({ length: 450 }, (_, i) => event(`new-${i}`)) })).count).toBe(450);
      expect((await tx.inboundEvent.updateMany({ data: { status: "DONE", attempts: 1 } })).count).toBe(700);
      expect(journal()).toEqual({ entries: 1150, active: 1 });
      throw new Error("rollback");
    });
    await expect(failed).rejects.toThrow("rollback");
    expect(dump("InboundEvent")).toEqual(before);
    expect(journal()).toEqual(CLEAN);
  });

  it("[issue 16] updateMany, createMany and deleteMany in a unit count the statement's own rows, not the journal's", async () => {
    const { prisma } = t.db;
    await prisma.inboundEvent.createMany({ data: [event("a"), event("b"), event("c"), event("d", "FAILED")] });
    const d = await prisma.inboundEvent.findFirstOrThrow({ where: { dedupeKey: "d" } });
    const counts = await prisma.$transaction(async (tx) => [
      (await tx.inboundEvent.updateMany({ where: { status: "PENDING" }, data: { status: "DONE" } })).count,
      (await tx.inboundEvent.updateMany({ where: { id: d.id, status: "FAILED" }, data: { status: "PENDING" } })).count, // a conditional claim
      (await tx.inboundEvent.updateMany({ where: { id: d.id, status: "FAILED" }, data: { status: "PENDING" } })).count, // the stale one
      (await tx.inboundEvent.createMany({ data: [event("e"), event("f")] })).count,
      (await tx.inboundEvent.deleteMany({ where: { dedupeKey: { in: ["a", "e"] } } })).count,
    ]);
    expect(counts).toEqual([3, 1, 0, 2, 2]);
    expect(journal()).toEqual(CLEAN); // committed: journal forgotten
    const rows = await prisma.inboundEvent.findMany({ orderBy: { dedupeKey: "asc" }, select: { dedupeKey: true, status: true } });
    expect(rows).toEqual([{ dedupeKey: "b", status: "DONE" }, { dedupeKey: "c", status: "DONE" }, { dedupeKey: "d", status: "PENDING" }, { dedupeKey: "f", status: "PENDING" }]);
  });

  it("[issue 16] a commit that fails is undone before the very next statement", async () => {
    const { prisma } = t.db;
    const kept = await prisma.inboundEvent.create({ data: event("kept") });
    const before = dump("InboundEvent");
    const failed = prisma.$transaction(async (tx) => {
      await tx.inboundEvent.create({ data: event("doomed") });
      await tx.inboundEvent.update({ where: { id: kept.id }, data: { status: "DONE", lastError: "x" } });
      failing = (sql) => sql === "DELETE FROM _uow_undo"; // exactly the commit's forgetting of the journal
    });
    await expect(failed).rejects.toThrow(/injected failure/);
    failing = undefined;
    expect(journal()).toMatchObject({ active: 1 }); // the unit's writes are still in the file …
    expect(await prisma.inboundEvent.findMany({ select: { dedupeKey: true, status: true } })).toEqual([{ dedupeKey: "kept", status: "PENDING" }]); // … not for the next reader
    expect(dump("InboundEvent")).toEqual(before);
    expect(journal()).toEqual(CLEAN);
  });

  it("[issue 16] a rollback that fails halfway is finished before the next statement", async () => {
    const { prisma } = t.db;
    let batches = 0;
    failing = (sql) => sql.startsWith("DELETE FROM _uow_undo WHERE seq") && ++batches === 2; // the second undo chunk
    const failed = prisma.$transaction(async (tx) => {
      await tx.inboundEvent.createMany({ data: Array.from({ length: 300 }, (_, i) => event(`e-${i}`)) });
      throw new Error("rollback");
    });
    await expect(failed).rejects.toThrow();
    failing = undefined;
    expect(raw.prepare("SELECT COUNT(*) AS n FROM InboundEvent").get()).toEqual({ n: 100 }); // the first chunk of 200 went
    expect(await prisma.inboundEvent.count()).toBe(0);
    expect(journal()).toEqual(CLEAN);
  });

  it("[issue 16] a new host undoes the unit a dead host left half done, before its first statement", async () => {
    const { prisma } = t.db;
    await prisma.inboundEvent.createMany({ data: [event("a"), event("b")] });
    const before = dump("InboundEvent");
    // The dead host: its unit had begun (active = 1) and written, through the triggers, when it died.
    raw.exec("UPDATE _uow_state SET active = 1 WHERE id = 1");
    raw.exec(`INSERT INTO InboundEvent (id, channel, dedupeKey, payloadJson) VALUES ('x', 'wecom', 'orphan', '{}')`);
    raw.exec("UPDATE InboundEvent SET status = 'DONE', attempts = 3 WHERE dedupeKey = 'a'");
    raw.exec("DELETE FROM InboundEvent WHERE dedupeKey = 'b'");
    expect(journal()).toEqual({ entries: 3, active: 1 });
    const fresh = await openD1(sqlitePath(t.url), {});
    try {
      expect((await fresh.prisma.inboundEvent.findMany({ orderBy: { dedupeKey: "asc" } })).map((r) => [r.dedupeKey, r.status])).toEqual([["a", "PENDING"], ["b", "PENDING"]]);
      expect(dump("InboundEvent")).toEqual(before);
      expect(journal()).toEqual(CLEAN);
    } finally {
      await fresh.close();
    }
  });

  it("[issue 16] installUndoJournal is idempotent and re-creates triggers after a table rebuild or a new column", async () => {
    const binding = sqliteD1(sqlitePath(t.url));
    try {
      expect(await installUndoJournal(binding)).toBe(0);
      const triggers = () => (raw.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ChannelToken' ORDER BY name").all() as { name: string; sql: string }[]);
      expect(triggers().map((r) => r.name)).toEqual(["_uow_ChannelToken_d", "_uow_ChannelToken_i", "_uow_ChannelToken_u"]);
      // As Prisma's SQLite migrations redefine a table: new table, copy, drop, rename (the drop takes the triggers).
      const ddl = (raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'ChannelToken'").get() as { sql: string }).sql;
      raw.exec(`${ddl.replace('"ChannelToken"', '"new_ChannelToken"')}; INSERT INTO "new_ChannelToken" SELECT * FROM "ChannelToken"; DROP TABLE "ChannelToken"; ALTER TABLE "new_ChannelToken" RENAME TO "ChannelToken"`);
      expect(triggers()).toEqual([]);
      expect(await installUndoJournal(binding)).toBe(3);
      expect(triggers()).toHaveLength(3);
      raw.exec(`ALTER TABLE "ChannelToken" ADD COLUMN "note" TEXT`);
      // The shadow table re-made with the new column, the update and delete triggers re-made (insert's names no column).
      expect(await installUndoJournal(binding)).toBe(6);
      expect((raw.prepare(`SELECT name FROM pragma_table_info('_uow_old_ChannelToken')`).all() as { name: string }[]).map((c) => c.name)).toContain("note");
      expect(triggers().map((r) => r.sql.includes('"note"'))).toEqual([true, false, true]);
      expect(await installUndoJournal(binding)).toBe(0);

      const { prisma } = t.db;
      await prisma.channelToken.createMany({ data: ["a", "b"].map((key) => ({ key, token: `t-${key}`, expiresAt: at("2026-01-01T00:00:00Z") })) });
      raw.exec(`UPDATE "ChannelToken" SET "note" = 'was ' || "key"`);
      const before = dump("ChannelToken");
      const failed = prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`UPDATE "ChannelToken" SET "note" = 'changed', "token" = 'x' WHERE "key" = 'a'`);
        await tx.$executeRawUnsafe(`DELETE FROM "ChannelToken" WHERE "key" = 'b'`);
        await tx.$executeRawUnsafe(`INSERT INTO "ChannelToken" ("key", "token", "expiresAt", "updatedAt", "note") VALUES ('c', 't', 0, 0, 'new')`);
        throw new Error("rollback");
      });
      await expect(failed).rejects.toThrow("rollback");
      expect(dump("ChannelToken")).toEqual(before);
      expect(journal()).toEqual(CLEAN);
    } finally {
      binding.close();
    }
  });

  // When a unit changes an INTEGER PRIMARY KEY (CalendarYear.year, StudioNumberSequence.year,
  // AuditHead.id, AuditLog.id) the row's rowid is the new key: the update's journal entry names
  // new.rowid. (No app code changes such a key today.)
  it("[issue 16] a unit that changes an integer primary key (the rowid itself) is undone", async () => {
    const { prisma } = t.db;
    await prisma.calendarYear.create({ data: { year: 2026, holidaysJson: "[]", makeupJson: "[]" } });
    const before = dump("CalendarYear");
    const failed = prisma.$transaction(async (tx) => {
      await tx.calendarYear.update({ where: { year: 2026 }, data: { year: 2027, note: "moved" } });
      throw new Error("rollback");
    });
    await expect(failed).rejects.toThrow("rollback");
    expect(dump("CalendarYear")).toEqual(before);
    expect(journal()).toEqual(CLEAN);
  });

  // D1 refuses statements over 100,000 bytes (workerd: SQLITE_LIMIT_SQL_LENGTH; rows may be 2 MB),
  // emulated here with failWhen. Old rows wait in shadow tables as values, so no undo statement
  // carries them: a unit that touches a row of more than 100 KB rolls back like any other.
  it("[issue 16] a row bigger than D1's 100 KB statement cap is restored too", async () => {
    failing = (sql) => Buffer.byteLength(sql) > 100_000;
    const { prisma } = t.db;
    const s = await prisma.conversationSession.create({ data: { channel: "wecom", externalUserId: "u", flowId: "f", flowVersion: 1, status: "ACTIVE", stateJson: JSON.stringify({ text: "长".repeat(40_000) }), lastActivityAt: at("2026-01-01T00:00:00Z") } });
    const before = dump("ConversationSession");
    const failed = prisma.$transaction(async (tx) => {
      await tx.conversationSession.update({ where: { id: s.id }, data: { nudges: 1 } });
      throw new Error("rollback");
    });
    await expect(failed).rejects.toThrow("rollback");
    expect(await prisma.conversationSession.count()).toBe(1);
    expect(dump("ConversationSession")).toEqual(before);
  });

  it("[issue 16] a nested transaction that throws rolls back to its savepoint and keeps the outer unit's writes", async () => {
    const { prisma } = t.db;
    await prisma.inboundEvent.create({ data: event("seed") });
    await prisma.$transaction(async (tx) => {
      await tx.inboundEvent.create({ data: event("outer-1") });
      await tx.inboundEvent.updateMany({ where: { dedupeKey: "seed" }, data: { status: "DONE" } });
      const inner = tx.$transaction(async (tx2) => {
        await tx2.inboundEvent.create({ data: event("inner") });
        await tx2.inboundEvent.updateMany({ where: { dedupeKey: "seed" }, data: { attempts: 9, lastError: "inner" } });
        await tx2.inboundEvent.deleteMany({ where: { dedupeKey: "outer-1" } });
        throw new Error("inner failed");
      });
      await expect(inner).rejects.toThrow("inner failed");
      expect(journal()).toMatchObject({ active: 1 }); // still journaling the outer unit
      await tx.inboundEvent.create({ data: event("outer-2") });
    });
    const rows = await prisma.inboundEvent.findMany({ orderBy: { dedupeKey: "asc" }, select: { dedupeKey: true, status: true, attempts: true, lastError: true } });
    expect(rows).toEqual([
      { dedupeKey: "outer-1", status: "PENDING", attempts: 0, lastError: null },
      { dedupeKey: "outer-2", status: "PENDING", attempts: 0, lastError: null },
      { dedupeKey: "seed", status: "DONE", attempts: 0, lastError: null },
    ]);
    expect(journal()).toEqual(CLEAN);
  });

  it("[issue 16] a nested transaction that commits is still undone with the outer unit", async () => {
    const { prisma } = t.db;
    await prisma.inboundEvent.create({ data: event("seed") });
    const before = dump("InboundEvent");
    const failed = prisma.$transaction(async (tx) => {
      await tx.$transaction(async (tx2) => {
        await tx2.inboundEvent.create({ data: event("inner") }); // the savepoint came before the unit's first write
        await tx2.inboundEvent.updateMany({ data: { status: "DONE" } });
      });
      await tx.inboundEvent.create({ data: event("outer") });
      throw new Error("outer failed");
    });
    await expect(failed).rejects.toThrow("outer failed");
    expect(dump("InboundEvent")).toEqual(before);
    expect(journal()).toEqual(CLEAN);
  });
});
