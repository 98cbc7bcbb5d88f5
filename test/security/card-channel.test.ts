// Defect 5: a card's buttons answer only on the channel and identity the card was sent to.
import { afterEach, describe, expect, it } from "vitest";
import { HAPPY } from "../flows/helpers.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

const ADMIN_TOKEN = "admin-token-0123456789abcdef";

function typedAnswers(): string[] {
  return HAPPY.map(([field, typed]) => (field === "townId" ? "是" : typed));
}

async function submitApplication(h: WecomHarness) {
  await h.text("chenxm", "申请工作室");
  for (const a of typedAnswers()) await h.text("chenxm", a);
  await h.text("chenxm", "确认提交");
  return h.t.db.prisma.application.findFirstOrThrow();
}

/** POST to the simulator's channel like the page does. */
async function webTap(h: WecomHarness, userId: string, cardId: string, headers: Record<string, string> = {}) {
  const res = await h.runtime.app.request("/webhooks/web", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ userId, clientMsgId: `tap-${crypto.randomUUID().slice(0, 12)}`, key: "ap:approve", cardId }),
  });
  await h.settle();
  return res;
}

const webTexts = async (h: WecomHarness, userId: string) =>
  (await h.t.db.prisma.outboxMessage.findMany({ where: { channel: "web", externalUserId: userId }, orderBy: { createdAt: "asc" } })).map((m) => m.payloadJson).join("\n");

let h: WecomHarness;
afterEach(async () => {
  await h?.close();
});

describe("card buttons are bound to the channel identity that received the card", () => {
  it("refuses (and audits) a WeCom card tapped through /webhooks/web by the same person; the WeCom tap still decides", async () => {
    h = await createWecomHarness();
    // 周敏 is reachable on the simulator (web:demo-town-xiaolan) and on WeCom (zhoumin).
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-town-xiaolan", channel: "wecom", externalId: "zhoumin" } });
    const app = await submitApplication(h);
    const wecomCard = await h.t.db.prisma.sentCard.findFirstOrThrow({ where: { channel: "wecom", externalUserId: "zhoumin", purpose: "approval" } });

    const res = await webTap(h, "demo-town-xiaolan", wecomCard.id);
    expect(res.status).toBe(200); // accepted by the channel, refused by the bot
    const step = await h.t.db.prisma.approvalStep.findFirstOrThrow({ where: { applicationId: app.id, stage: 1 } });
    expect(step.status).toBe("PENDING");
    expect(await h.t.db.prisma.approvalStep.count({ where: { applicationId: app.id, stage: 2 } })).toBe(0);
    const refusals = await h.t.db.prisma.auditLog.findMany({ where: { action: { endsWith: "refused" } } });
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ actorId: "demo-town-xiaolan", channel: "web", subjectId: app.id });
    expect(JSON.parse(refusals[0]!.detailJson)).toMatchObject({ cardId: wecomCard.id, cardChannel: "wecom" });
    expect(await webTexts(h, "demo-town-xiaolan")).toContain("不是发给您");
    // The card's code was not refreshed by the foreign tap.
    expect((await h.t.db.prisma.sentCard.findUniqueOrThrow({ where: { id: wecomCard.id } })).responseCode).toBe(wecomCard.responseCode);

    await h.click("zhoumin", "ap:approve", wecomCard.id);
    expect((await h.t.db.prisma.approvalStep.findFirstOrThrow({ where: { id: step.id } })).status).toBe("APPROVED");
    expect(await h.t.db.prisma.auditLog.count({ where: { action: "approval.approve", channel: "wecom" } })).toBe(1);
  });

  it("refuses a web card tapped through WeCom, and a head-confirmation card from another channel", async () => {
    h = await createWecomHarness();
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-town-xiaolan", channel: "wecom", externalId: "zhoumin" } });
    const app = await submitApplication(h);
    const webCard = await h.t.db.prisma.sentCard.findFirstOrThrow({ where: { channel: "web", externalUserId: "demo-town-xiaolan", purpose: "approval" } });
    await h.click("zhoumin", "ap:approve", webCard.id);
    expect((await h.t.db.prisma.approvalStep.findFirstOrThrow({ where: { applicationId: app.id, stage: 1 } })).status).toBe("PENDING");
    expect(await h.t.db.prisma.auditLog.count({ where: { action: { endsWith: "refused" }, channel: "wecom", actorId: "demo-town-xiaolan" } })).toBe(1);

    // A head-confirmation card (any purpose other than approval) is bound the same way.
    await h.t.db.prisma.sentCard.create({ data: { id: "hc-test-1", channel: "wecom", externalUserId: "zhoumin", personId: "demo-town-xiaolan", purpose: `head-confirm:${app.id}` } });
    const res = await h.runtime.app.request("/webhooks/web", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "demo-town-xiaolan", clientMsgId: "hc-tap-0001", key: "hc:decline", cardId: "hc-test-1" }),
    });
    expect(res.status).toBe(200);
    await h.settle();
    expect((await h.t.db.prisma.application.findUniqueOrThrow({ where: { id: app.id } })).status).toBe("IN_REVIEW");
    expect(await h.t.db.prisma.auditLog.count({ where: { action: { endsWith: "refused" }, channel: "web", actorId: "demo-town-xiaolan" } })).toBe(1);
  });

  it("the approval service checks the channel identity too, whoever calls it", async () => {
    h = await createWecomHarness();
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-town-xiaolan", channel: "wecom", externalId: "zhoumin" } });
    await submitApplication(h);
    const card = await h.t.db.prisma.sentCard.findFirstOrThrow({ where: { channel: "wecom", externalUserId: "zhoumin", purpose: "approval" } });
    const person = (await h.runtime.services.directory.get("demo-town-xiaolan"))!;
    const { approvals } = h.runtime.domain;
    for (const [channel, userId] of [["web", "demo-town-xiaolan"], ["wecom", "someone-else"]] as const) {
      await expect(approvals.decide({ person, channel, userId, actingAdmin: "sess-1", cardId: card.id, decision: "APPROVE" })).rejects.toMatchObject({ code: "forbidden" });
    }
    const refused = await h.t.db.prisma.auditLog.findMany({ where: { action: "approval.refused" } });
    expect(refused.map((r) => JSON.parse(r.detailJson))).toEqual([
      expect.objectContaining({ reason: "card_sent_to_another_channel_identity", actingAdmin: "sess-1" }),
      expect.objectContaining({ reason: "card_sent_to_another_channel_identity", actingAdmin: "sess-1" }),
    ]);
    expect(await h.t.db.prisma.approvalStep.count({ where: { status: "PENDING", stage: 1 } })).toBe(1);
    await approvals.decide({ person, channel: "wecom", userId: "zhoumin", cardId: card.id, decision: "APPROVE" });
    expect(await h.t.db.prisma.approvalStep.count({ where: { status: "APPROVED", stage: 1 } })).toBe(1);
  });

  it("in production, a decision and a refusal made through the simulator name the admin session", async () => {
    h = await createWecomHarness({ seedDemo: false, env: { NODE_ENV: "production", SIMULATOR_ENABLED: "true", ADMIN_TOKEN } });
    const p = h.t.db.prisma;
    await p.person.create({
      data: { id: "officer-zm", name: "周敏", identities: { create: [{ channel: "wecom", externalId: "zhoumin" }, { channel: "web", externalId: "sim-zhoumin" }] }, roles: { create: [{ role: "TOWN_OFFICER", townId: "xiaolan" }] } },
    });
    const app = await submitApplication(h);
    const login = await h.runtime.app.request("/simulator/login", { method: "POST", body: new URLSearchParams({ token: ADMIN_TOKEN }) });
    expect(login.status).toBe(303);
    const cookie = { cookie: login.headers.get("set-cookie")!.split(";")[0]! };
    const session = await p.adminSession.findFirstOrThrow();

    const wecomCard = await p.sentCard.findFirstOrThrow({ where: { channel: "wecom", purpose: "approval" } });
    expect((await webTap(h, "sim-zhoumin", wecomCard.id, cookie)).status).toBe(200);
    const refusal = await p.auditLog.findFirstOrThrow({ where: { action: { endsWith: "refused" } } });
    expect(JSON.parse(refusal.detailJson)).toMatchObject({ actingAdmin: session.id });

    const webCard = await p.sentCard.findFirstOrThrow({ where: { channel: "web", purpose: "approval" } });
    expect((await webTap(h, "sim-zhoumin", webCard.id, cookie)).status).toBe(200);
    const decision = await p.auditLog.findFirstOrThrow({ where: { action: "approval.approve" } });
    expect(decision).toMatchObject({ actorId: "officer-zm", channel: "web", subjectId: app.id });
    expect(JSON.parse(decision.detailJson)).toMatchObject({ actingAdmin: session.id });
    // Every event sent that way is on record too, whatever it did.
    const acting = await p.auditLog.findMany({ where: { action: "simulator.acting_as" } });
    expect(acting.map((a) => [a.subjectId, JSON.parse(a.detailJson).actingAdmin, JSON.parse(a.detailJson).cardId])).toEqual([
      ["officer-zm", session.id, wecomCard.id],
      ["officer-zm", session.id, webCard.id],
    ]);
  });
});
