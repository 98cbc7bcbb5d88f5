// Audit chain (issue 9): the log is tamper-evident and readable from outside.
// - `npm run audit:verify` (scripts/audit-verify.ts, run as a child process) exits 0 on an intact
//   chain and 1 naming the first broken entry after an edit, a removed middle entry, a removed last one.
// - GET /admin/audit lists entries by application, person, action and time, newest first, paged,
//   with the hashes that chain them; bad queries get a 400; without the token a 401 that is itself audited.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { appendAudit, verifyAuditChain } from "../../src/storage/audit-log.ts";
import { createTestDatabase, testProviders, type TestDatabase } from "../support/test-db.ts";

/** The AuditLog table for raw SQL (a PostgreSQL test database lives in its own schema). */
const auditTable = (t: TestDatabase) => (t.provider === "postgresql" ? `"${new URL(t.url).searchParams.get("schema")}"."AuditLog"` : `"AuditLog"`);
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";
import { seedApplication, stageCard } from "./seed-application.ts";

const root = join(import.meta.dirname, "../..");
const run = promisify(execFile);

/** `npm run audit:verify` without npm's own start-up: the same script, same environment. */
async function auditVerify(url: string): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, ["--import", "tsx", "scripts/audit-verify.ts"], { cwd: root, env: { ...process.env, DATABASE_URL: url } });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe.each(testProviders())("npm run audit:verify on %s", (provider) => {
  let t: TestDatabase;
  let ids: number[];
  beforeAll(async () => {
    t = await createTestDatabase(provider);
    // One entry from before the chain existed, then five chained ones.
    await t.db.prisma.auditLog.create({ data: { at: new Date("2026-01-01T00:00:00Z"), action: "legacy", subjectType: "Application", subjectId: "old" } });
    for (let n = 1; n <= 5; n++) {
      await t.db.prisma.$transaction((tx) => appendAudit(tx, { at: new Date(Date.UTC(2026, 10, 24, 2, n)), action: "approval.approve", subjectType: "Application", subjectId: `app-${n}`, actorId: "p1", channel: "wecom", detail: { opinion: "同意", n } }));
    }
    ids = (await t.db.prisma.auditLog.findMany({ where: { hash: { not: null } }, orderBy: { id: "asc" }, select: { id: true } })).map((r) => r.id);
  });
  afterAll(async () => {
    await t.drop();
  });

  it("exits 0 on an intact chain and counts the entries", async () => {
    expect(await auditVerify(t.url)).toEqual({ code: 0, out: "audit chain OK: 5 entries (1 before the chain)\n" });
  });

  it("exits 1 naming an entry whose detail was edited through raw SQL", async () => {
    const id = ids[2]!;
    const before = await t.db.prisma.auditLog.findUniqueOrThrow({ where: { id } });
    await t.db.prisma.$executeRawUnsafe(`UPDATE ${auditTable(t)} SET "detailJson" = '{"opinion":"不同意","n":3}' WHERE id = ${id}`);
    const r = await auditVerify(t.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^audit chain BROKEN at entry #${id}: .*changed`));
    await t.db.prisma.$executeRawUnsafe(`UPDATE ${auditTable(t)} SET "detailJson" = '${before.detailJson}' WHERE id = ${id}`);
    expect((await auditVerify(t.url)).code).toBe(0);
  });

  it("exits 1 naming the entry after a deleted middle one", async () => {
    const row = await t.db.prisma.auditLog.findUniqueOrThrow({ where: { id: ids[1]! } });
    await t.db.prisma.$executeRawUnsafe(`DELETE FROM ${auditTable(t)} WHERE id = ${row.id}`);
    const r = await auditVerify(t.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^audit chain BROKEN at entry #${ids[2]}: .*removed`));
    await t.db.prisma.auditLog.create({ data: row }); // put it back exactly
    expect((await auditVerify(t.url)).code).toBe(0);
  });

  it("exits 1 when the last entry was deleted (the head remembers it)", async () => {
    const last = ids[ids.length - 1]!;
    await t.db.prisma.$executeRawUnsafe(`DELETE FROM ${auditTable(t)} WHERE id = ${last}`);
    const r = await auditVerify(t.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^audit chain BROKEN at entry #${last}: `));
  });

  it.runIf(provider === "sqlite")("exits 1, creating nothing, when the database file does not exist", async () => {
    const r = await auditVerify(`file:${join(root, "data/no-such-dir-audit/none.db")}`);
    expect(r).toMatchObject({ code: 1 });
    expect(r.out).toContain("no database at");
  });
});

describe("GET /admin/audit", () => {
  const TOKEN = "audit-admin-token-0123456789";
  const auth = { authorization: `Bearer ${TOKEN}` };
  let h: WecomHarness;
  let appId: string;
  let otherAppId: string;
  let approvedAt: Date;
  const get = async (query: string, headers: Record<string, string> = auth) => h.runtime.app.request(`/admin/audit${query}`, { headers });
  type Entry = { id: number; at: string; actor: { id: string | null; name: string | null; role: string | null }; channel: string | null; action: string; subject: { type: string; id: string }; detail: Record<string, unknown>; prevHash: string | null; hash: string | null };
  const entries = async (query: string) => {
    const res = await get(query);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as { entries: Entry[]; nextBefore: number | null };
  };

  beforeAll(async () => {
    h = await createWecomHarness({ env: { ADMIN_TOKEN: TOKEN } });
    for (const [personId, wecomId] of [["demo-town-xiaolan", "zhoumin"], ["demo-city-ip", "zhanglei"]]) {
      await h.t.db.prisma.channelIdentity.create({ data: { personId: personId!, channel: "wecom", externalId: wecomId! } });
    }
    appId = (await seedApplication(h, { applicantId: "demo-manager-xiaolan", stage: 1 })).id;
    otherAppId = (await seedApplication(h, { applicantId: "demo-manager-xiaolan", stage: 1, enterpriseName: "中山市另一家科技有限公司" })).id;
    await h.t.db.prisma.$transaction((tx) => appendAudit(tx, { at: h.clock.now(), action: "application.head_confirm_refused", subjectType: "Application", subjectId: otherAppId, actorId: "demo-city-ip", channel: "wecom", detail: { reason: "card_not_addressed_to_actor" } }));
    const card = await stageCard(h, appId, 1, "demo-town-xiaolan");
    await h.click("zhanglei", "ap:approve", card); // not his card: refused, audited
    h.clock.advance(60_000);
    approvedAt = new Date(h.clock.now().getTime() + 3_000); // the harness lets 3 s pass per message
    await h.click("zhoumin", "ap:approve", card); // the town officer decides stage 1
    // An entry that quotes mobile numbers (as an opinion might).
    await h.t.db.prisma.$transaction((tx) => appendAudit(tx, { at: h.clock.now(), action: "application.note", subjectType: "Application", subjectId: appId, actorId: "demo-city-ip", channel: "wecom", detail: { mobile: "13800138000", text: "请联系 139 1234 5678", n: 13912345678 } }));
  });
  afterAll(async () => {
    await h.close();
  });

  it("lists one application's entries newest first, with actor, channel, detail and the chain's hashes", async () => {
    const { entries: list } = await entries(`?application=${appId}`);
    expect(list.map((e) => e.action)).toEqual(["application.note", "approval.approve", "approval.refused", "application.submitted"]);
    expect(list.every((e) => e.subject.type === "Application" && e.subject.id === appId)).toBe(true);
    const approve = list[1]!;
    expect(approve).toMatchObject({ actor: { id: "demo-town-xiaolan", name: "周敏", role: "TOWN_OFFICER" }, channel: "wecom", detail: { stage: 1, opinion: "同意推荐" } });
    expect(approve.at).toBe(approvedAt.toISOString());
    expect(list[2]).toMatchObject({ actor: { id: "demo-city-ip", name: "张磊" }, channel: "wecom", detail: { reason: expect.stringMatching(/^card_/) } });
    // The page's hashes are the chain's: each entry names the hash of the entry before it.
    const all = (await entries("?limit=1000")).entries;
    for (let i = 0; i + 1 < all.length; i++) expect(all[i]!.prevHash).toBe(all[i + 1]!.hash);
    expect(await verifyAuditChain(h.t.db.prisma)).toMatchObject({ ok: true });
  });

  it("masks mobile numbers in the detail", async () => {
    const [note] = (await entries(`?application=${appId}&action=application.note`)).entries;
    expect(note!.detail).toEqual({ mobile: "138****8000", text: "请联系 139****5678", n: "139****5678" });
    // A mobile stands alone; hashes and ids are hex/alphanumeric and may contain such digit runs.
    expect(JSON.stringify(await (await get("?limit=1000")).json())).not.toMatch(/(?<![0-9a-zA-Z])1[3-9]\d{9}(?![0-9a-zA-Z])/);
  });

  it("filters by person (as actor), action (exact or wildcard) and time", async () => {
    expect((await entries("?person=demo-town-xiaolan")).entries.map((e) => e.action)).toEqual(["approval.approve"]);
    expect((await entries("?action=approval.approve")).entries.map((e) => e.subject.id)).toEqual([appId]);
    expect((await entries("?action=*.refused")).entries.map((e) => e.action)).toEqual(["approval.refused", "application.head_confirm_refused"]);
    expect((await entries("?action=approval.*")).entries.map((e) => e.action)).toEqual(["approval.approve", "approval.refused"]);
    const since = (await entries(`?from=${approvedAt.toISOString()}`)).entries.map((e) => e.action);
    expect(since).toEqual(["application.note", "approval.approve"]);
    const until = (await entries(`?to=${new Date(approvedAt.getTime() - 1).toISOString()}`)).entries.map((e) => e.subject.id);
    expect(until).toContain(otherAppId);
    expect(until.filter((id) => id === appId)).toHaveLength(2); // submitted and refused, not the approval
  });

  it("pages with limit and before, newest first, without gaps or repeats", async () => {
    const all = (await entries("?limit=1000")).entries.map((e) => e.id);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect([...all].sort((a, b) => b - a)).toEqual(all);
    const seen: number[] = [];
    let cursor = "";
    for (let pages = 0; pages < 20; pages++) {
      const page = await entries(`?limit=2${cursor}`);
      seen.push(...page.entries.map((e) => e.id));
      if (page.nextBefore === null) break;
      cursor = `&before=${page.nextBefore}`;
    }
    expect(seen).toEqual(all);
    expect((await entries("")).entries.length).toBe(Math.min(all.length, 100));
  });

  it.each([
    ["?limit=0", "limit"],
    ["?limit=1001", "limit"],
    ["?limit=ten", "limit"],
    ["?before=-3", "before"],
    ["?from=yesterday", "from"],
    ["?to=2026-13-45T99:00:00Z", "to"],
    ["?from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z", "from must not be after to"],
    ["?action=DROP%20TABLE", "action"],
    ["?application=a%20b", "application"],
    ["?person=%27%3B--", "person"],
    ["?app=x", 'unknown parameter "app"'],
    ["?application=a&application=b", "more than once"],
  ])("%s → 400 naming the problem", async (query, words) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(words);
  });

  it("without the token: 401, and the refusal is itself in the log (reason, path; never the token given)", async () => {
    const before = await h.t.db.prisma.auditLog.count({ where: { action: "admin.refused" } });
    expect((await get("?limit=5", {})).status).toBe(401);
    expect((await get("", { authorization: "Bearer not-the-token-at-all" })).status).toBe(401);
    const refused = await h.t.db.prisma.auditLog.findMany({ where: { action: "admin.refused" }, orderBy: { id: "asc" }, skip: before });
    expect(refused.map((r) => [r.channel, r.subjectId, JSON.parse(r.detailJson).reason])).toEqual([
      ["admin-api", "/admin/audit", "no_credentials"],
      ["admin-api", "/admin/audit", "wrong_token"],
    ]);
    expect(refused.map((r) => r.detailJson).join()).not.toContain("not-the-token");
    // A path is kept as given, except for mobile numbers.
    expect((await h.runtime.app.request("/admin/people/13800138000")).status).toBe(401);
    expect(await h.t.db.prisma.auditLog.findFirstOrThrow({ orderBy: { id: "desc" } })).toMatchObject({ action: "admin.refused", subjectId: "/admin/people/138****8000" });
  });

  it("does not exist without ADMIN_TOKEN", async () => {
    const bare = createRuntime({ config: { ...h.config, adminToken: null }, db: h.t.db, logger: h.logs.logger, clock: h.clock, fetch: h.fake.fetch });
    expect((await bare.app.request("/admin/audit", { headers: auth })).status).toBe(404);
    expect((await bare.app.request("/admin/audit")).status).toBe(404);
  });
});
