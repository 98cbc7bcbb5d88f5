// The simulator's running demo studio (src/storage/demo-studio.ts): added on the first visit,
// once; OPERATING with a designated manager and a roster one city IP officer short; back after a
// reset; never added to a directory that is not the demo's. The agency personas are offered.
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { resvgScoreChartRenderer } from "../../src/app/reports/score-chart.node.ts";
import type { Persona } from "../../src/app/routes/simulator.ts";
import { loadConfig } from "../../src/config/config.ts";
import { DEMO_APPLICATION_ID } from "../../src/storage/demo-studio.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { typedAnswers } from "../support/journey.ts";
import { testClock } from "../support/wecom-harness.ts";

const open: TestDatabase[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.drop();
});

async function sim(opts: { seed?: boolean } = {}) {
  const t = await createTestDatabase();
  open.push(t);
  if (opts.seed !== false) await seedDatabase(t.db.prisma, { production: false });
  const runtime = createRuntime({ config: loadConfig({}), db: t.db, logger: memoryLogger("info").logger, clock: testClock(new Date("2026-11-25T02:00:00Z")), chartRenderer: resvgScoreChartRenderer });
  const say = async (userId: string, text: string) => {
    await runtime.app.request("/webhooks/web", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId, clientMsgId: `c${Math.random().toString(36).slice(2, 12)}`, text }) });
    await runtime.services.settle();
    await runtime.services.dispatcher.drain();
  };
  const tap = async (userId: string, key: string, cardId: string) => {
    await runtime.app.request("/webhooks/web", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId, clientMsgId: `c${Math.random().toString(36).slice(2, 12)}`, key, cardId }) });
    await runtime.services.settle();
    await runtime.services.dispatcher.drain();
  };
  /** The newest card sent to `userId` on the web channel whose id starts with `prefix`. */
  const card = async (userId: string, prefix: string) => {
    const rows = await t.db.prisma.outboxMessage.findMany({ where: { channel: "web", externalUserId: userId }, orderBy: { seq: "asc" } });
    const cards = rows.map((r) => JSON.parse(r.payloadJson) as { kind: string; card?: { id: string; buttons: { key: string; label: string }[] } }).filter((m) => m.kind === "card" && m.card!.id.startsWith(prefix));
    const c = cards.at(-1)?.card;
    if (!c) throw new Error(`no ${prefix} card to ${userId}`);
    return c;
  };
  const lastText = async (userId: string) => {
    const rows = await t.db.prisma.outboxMessage.findMany({ where: { channel: "web", externalUserId: userId }, orderBy: { seq: "asc" } });
    return rows.map((r) => JSON.parse(r.payloadJson) as { kind: string; text?: string }).filter((m) => m.kind === "text").at(-1)?.text ?? "";
  };
  return { prisma: t.db.prisma, app: runtime.app, runtime, say, tap, card, lastText };
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
    // Approved last year: its number comes from last year's sequence, this year's 001 is left to the visitor.
    expect(studio.number).toBe("ZSIPS-2025-001"); // the test clock is 2026-11-25
    expect(await s.prisma.studioNumberSequence.findMany({ select: { year: true, last: true } })).toEqual([{ year: 2025, last: 1 }]);

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

  it("[6.4 b, 6.3 b] the new cards work on the web channel the simulator renders: approval, the manager's designation, the set-up confirm card tapped by the city IP officer", async () => {
    const s = await sim();
    const guest = "web-guest-5e7a11ce";
    await s.say(guest, "申请工作室");
    for (const a of typedAnswers()) await s.say(guest, a);
    await s.say(guest, "确认提交");
    for (const officer of ["demo-town-xiaolan", "demo-city-ip", "demo-city-leader"]) {
      const c = await s.card(officer, "");
      expect(c.buttons.map((b) => b.key)).toContain("ap:approve");
      await s.tap(officer, "ap:approve", c.id);
    }
    const applicant = await s.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: "web", externalId: guest } } });
    const studio = await s.prisma.studio.findFirstOrThrow({ where: { application: { applicantId: applicant.personId } } });
    // The designation's choice is a card on the web page too; its button answers it.
    const designation = await s.card(guest, "");
    const self = designation.buttons.find((b) => b.label === "由我本人担任");
    expect(self, JSON.stringify(designation)).toBeDefined();
    await s.tap(guest, self!.key, designation.id);
    for (const a of ["是", "是", "是"]) await s.say(guest, a);
    expect(await s.prisma.studioMember.count({ where: { studioId: studio.id, isManager: true, managerIpKnowledge: true } })).toBe(1);
    // The checklist without photos (the web page sends none): a note for each item.
    for (const a of ["中山市小榄镇升平路1号3楼", "跳过", "电脑 2 台、打印机 1 台", "标志已挂在门口"]) await s.say(guest, a);
    const confirm = await s.card("demo-city-ip", "ss-");
    expect(confirm.buttons.map((b) => b.label)).toEqual(["确认", "退回补充"]);
    await s.tap("demo-city-ip", "ss:confirm", confirm.id);
    expect((await s.prisma.studio.findUniqueOrThrow({ where: { id: studio.id } })).status).toBe("OPERATING");
    expect((await s.prisma.outboxMessage.findMany({ where: { channel: "web", externalUserId: guest } })).some((r) => r.payloadJson.includes("工作室正式运行"))).toBe(true);
  });
});

describe("the simulator's surveys (8.1, 8.2)", () => {
  it("[8.1] [8.2] the demo studio's service closed yesterday is surveyed on the web channel: the invitation card, the scale cards, the city IP officer's follow-up card, 服务评价 and its chart", async () => {
    const s = await sim();
    await s.app.request("/simulator/api/personas"); // the first visit adds the demo studio and its history
    const manager = "demo-manager-xiaolan";
    const surveys = s.runtime.domain.surveys;
    expect(await surveys.sendDue(new Date("2026-11-25T02:00:00Z"))).toEqual({ sent: 1, deferred: 0 });
    await s.runtime.services.dispatcher.drain();
    const invitation = await s.card(manager, "sv-");
    expect(invitation.buttons.map((b) => b.label)).toEqual(["实名评价", "匿名评价"]);
    await s.tap(manager, "sv:anon", invitation.id);
    for (const [step, value] of [["overall", "2"], ["timeliness", "3"], ["professionalism", "3"], ["recommend", "7"]] as const) {
      const c = await s.card(manager, `service-survey-${step}`);
      const b = c.buttons.find((x) => x.label === value);
      if (!b) throw new Error(JSON.stringify(c));
      await s.tap(manager, b.key, c.id);
    }
    await s.say(manager, "保险方案讲得不够清楚");
    expect(await s.lastText(manager)).toContain("已转给市局知识产权科");
    const followUp = await s.card("demo-city-ip", "fu-");
    expect(followUp.buttons.map((b) => b.label)).toEqual(["登记处理结果"]);

    // 服务评价: this month's figures; 服务评价 图表: a picture of the demo's months.
    await s.say("demo-city-ip", "服务评价");
    expect(await s.lastText("demo-city-ip")).toMatch(/答复 1 份/);
    await s.say("demo-city-ip", "服务评价 图表");
    const rows = await s.prisma.outboxMessage.findMany({ where: { channel: "web", externalUserId: "demo-city-ip" }, orderBy: { seq: "asc" } });
    const image = rows.map((r) => JSON.parse(r.payloadJson) as { kind: string; png?: string; alt?: string }).filter((m) => m.kind === "image").at(-1)!;
    expect(image.alt).toContain("服务评价图表");
    expect(Buffer.from(image.png!, "base64").subarray(1, 4).toString()).toBe("PNG");
  });
});
