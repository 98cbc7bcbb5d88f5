// The simulator's running demo studio (src/storage/demo-studio.ts): added on the first visit,
// once; OPERATING with a designated manager and a roster one city IP officer short; back after a
// reset; never added to a directory that is not the demo's. The agency personas are offered.
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import type { Persona } from "../../src/app/routes/simulator.ts";
import { loadConfig } from "../../src/config/config.ts";
import { DEMO_APPLICATION_ID } from "../../src/storage/demo-studio.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { testClock } from "../support/wecom-harness.ts";

const open: TestDatabase[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.drop();
});

async function sim(opts: { seed?: boolean } = {}) {
  const t = await createTestDatabase();
  open.push(t);
  if (opts.seed !== false) await seedDatabase(t.db.prisma, { production: false });
  const runtime = createRuntime({ config: loadConfig({}), db: t.db, logger: memoryLogger("info").logger, clock: testClock(new Date("2026-11-25T02:00:00Z")) });
  const say = async (userId: string, text: string) => {
    await runtime.app.request("/webhooks/web", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId, clientMsgId: `c${Math.random().toString(36).slice(2, 12)}`, text }) });
    await runtime.services.settle();
    await runtime.services.dispatcher.drain();
  };
  const lastText = async (userId: string) => {
    const rows = await t.db.prisma.outboxMessage.findMany({ where: { channel: "web", externalUserId: userId }, orderBy: { seq: "asc" } });
    return rows.map((r) => JSON.parse(r.payloadJson) as { kind: string; text?: string }).filter((m) => m.kind === "text").at(-1)?.text ?? "";
  };
  return { prisma: t.db.prisma, app: runtime.app, say, lastText };
}

describe("the simulator's demo studio", () => {
  it("[6.3 b, 6.4 a, 6.4 b, 6.4 c] the first visit adds an OPERATING studio with its manager and roster, once; 工作室情况 names the one gap; the agency personas are offered", async () => {
    const s = await sim();
    expect(await s.prisma.studio.count()).toBe(0); // the seeded directory itself has none
    const [a, b] = await Promise.all([s.app.request("/simulator/api/personas"), s.app.request("/simulator/api/personas")]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const personas = ((await a.json()) as { personas: Persona[] }).personas;
    const agency = personas.filter((p) => p.roles.some((r) => r.role === "AGENCY_STAFF"));
    expect(agency.map((p) => [p.userId, p.roles[0]!.agency])).toEqual([
      ["demo-agency-staff", "中山市知桥知识产权代理有限公司"],
      ["demo-agency-staff-2", "中山市知桥知识产权代理有限公司"],
    ]);
    expect((await s.prisma.person.findUniqueOrThrow({ where: { id: "demo-agency-staff-2" } })).education).toBe("bachelor");

    await s.app.request("/simulator/api/personas");
    const studios = await s.prisma.studio.findMany({ include: { members: true, setupItems: true } });
    expect(studios).toHaveLength(1);
    const studio = studios[0]!;
    expect(studio).toMatchObject({ applicationId: DEMO_APPLICATION_ID, enterpriseId: "demo-ent-xiaolan", status: "OPERATING", setupConfirmedById: "demo-city-ip" });
    expect(studio.setupItems.map((i) => i.item).sort()).toEqual(["EQUIPMENT", "SIGN", "WORKPLACE"]);
    expect(studio.members.find((m) => m.isManager)).toMatchObject({ personId: "demo-manager-xiaolan", managerInManagement: true, managerTechMgmtExperience: true, managerIpKnowledge: true });
    // The number is drawn from the year's sequence, so the next approved studio does not collide.
    expect((await s.prisma.studioNumberSequence.findFirstOrThrow()).last).toBe(1);

    await s.say("demo-city-ip", "工作室情况");
    const status = await s.lastText("demo-city-ip");
    expect(status).toContain(`${studio.number}（中山市榄盛五金制品有限公司）：运行中`);
    expect(status).toContain("· 市局知识产权相关科室兼职人员还差 1 名（至少 2 名，现有 1 名）");
    expect(status).not.toContain("知识产权服务机构本科以上学历专职人员还差");
    expect(status).not.toContain("镇街市场监督管理分局兼职人员还差");
  });

  it("comes back after 重置演示数据, and is never added to a directory that is not the demo's", async () => {
    const s = await sim();
    await s.app.request("/simulator/api/personas");
    const before = await s.prisma.studio.findFirstOrThrow();
    const reset = await s.app.request("/simulator/api/reset", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(reset.status).toBe(200);
    const after = await s.prisma.studio.findFirstOrThrow({ include: { members: { where: { leftAt: null } } } });
    expect(after.id).not.toBe(before.id);
    expect(after).toMatchObject({ number: before.number, status: "OPERATING" });
    expect(after.members).toHaveLength(5);

    const empty = await sim({ seed: false });
    await empty.prisma.person.create({ data: { name: "真实用户" } });
    expect((await empty.app.request("/simulator/api/personas")).status).toBe(200);
    expect(await empty.prisma.studio.count()).toBe(0);
  });
});
