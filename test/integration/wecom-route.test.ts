import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signCallback, signUrlVerification, textMessageXml } from "../fakes/wecom-callback-signer.ts";
import { createWecomHarness, WECOM, type WecomHarness } from "../support/wecom-harness.ts";

describe("WeCom through the real route", () => {
  let h: WecomHarness;
  beforeEach(async () => {
    h = await createWecomHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("answers URL verification with the decrypted echostr", async () => {
    const query = signUrlVerification({ ...WECOM, echo: "echo-12345", timestamp: Math.floor(Date.now() / 1000) });
    const res = await h.runtime.app.request(`/webhooks/wecom?${query}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("echo-12345");
  });

  it("answers a text message with 200 at once and replies through the outbox", async () => {
    const res = await h.text("zhangsan", "你好");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const sent = h.to("zhangsan");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.msgtype).toBe("template_card");
    expect(JSON.stringify(sent[0]!.templateCard)).toContain("申请工作室");
    const rows = await h.t.db.prisma.outboxMessage.findMany();
    expect(rows.map((r) => r.status)).toEqual(["SENT"]);
    // First contact created a person linked to this WeCom identity.
    const identity = await h.t.db.prisma.channelIdentity.findUnique({ where: { channel_externalId: { channel: "wecom", externalId: "zhangsan" } } });
    expect(identity).not.toBeNull();
  });

  it("does nothing twice for a redelivered callback, even re-encrypted", async () => {
    const inner = textMessageXml({ toUser: WECOM.corpId, fromUser: "lisi", content: "菜单", msgId: "777001", createTime: 1764000000, agentId: WECOM.agentId });
    await h.post(inner);
    await h.post(inner); // WeCom retries with a fresh envelope, same MsgId
    await h.post(inner);
    expect(h.to("lisi")).toHaveLength(1);
    expect(await h.t.db.prisma.inboundEvent.count()).toBe(1);
  });

  it("updates a clicked card with its response code", async () => {
    await h.text("wangwu", "菜单");
    const card = h.to("wangwu")[0]!.templateCard as { task_id: string };
    await h.click("wangwu", "menu:status", card.task_id);
    expect(h.fake.updates).toHaveLength(1);
    expect(h.fake.updates[0]).toMatchObject({ userids: ["wangwu"], replaceName: "已选择", taskId: card.task_id });
    // The click itself was answered too (the status of one's applications).
    expect(h.to("wangwu").length).toBeGreaterThanOrEqual(2);
  });

  it("refuses every kind of bad input with a 4xx, never a 5xx", async () => {
    const good = signCallback({ ...WECOM, innerXml: "<xml><Content>x</Content></xml>", timestamp: Math.floor(Date.now() / 1000) });
    const cases: [string, RequestInit, string][] = [
      ["bad signature", { method: "POST", body: good.body }, good.query.replace(/msg_signature=[0-9a-f]{4}/, "msg_signature=0000")],
      ["missing params", { method: "POST", body: good.body }, ""],
      ["malformed XML", { method: "POST", body: "<xml><Encrypt>" }, good.query],
      ["DOCTYPE", { method: "POST", body: `<!DOCTYPE x [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>` }, good.query],
      ["oversize body", { method: "POST", body: "<xml>" + "a".repeat(70_000) + "</xml>" }, good.query],
      ["wrong receiveid", { method: "POST", body: signCallback({ ...WECOM, corpId: "wwSomeoneElse", innerXml: "<xml/>", timestamp: Math.floor(Date.now() / 1000) }).body }, ""],
    ];
    for (const [label, init, query] of cases) {
      const q = label === "wrong receiveid" ? signCallback({ ...WECOM, corpId: "wwSomeoneElse", innerXml: "<xml/>", timestamp: Math.floor(Date.now() / 1000) }) : null;
      const res = q
        ? await h.runtime.app.request(`/webhooks/wecom?${q.query}`, { method: "POST", body: q.body })
        : await h.runtime.app.request(`/webhooks/wecom?${query}`, init);
      expect(res.status, label).toBeGreaterThanOrEqual(400);
      expect(res.status, label).toBeLessThan(500);
      expect(await res.text(), label).not.toMatch(/\n\s+at /);
    }
    const stale = signCallback({ ...WECOM, innerXml: "<xml/>", timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await h.runtime.app.request(`/webhooks/wecom?${stale.query}`, { method: "POST", body: stale.body })).status).toBe(401);
    expect((await h.runtime.app.request(`/webhooks/nosuch`, { method: "POST", body: "x" })).status).toBe(404);
    expect(h.fake.sent).toHaveLength(0);
  });

  it("keeps replies while WeCom is down for an hour, and delivers them once it is back", async () => {
    h.fake.injectFailure({ kind: "http500", times: 9, path: "message/send" });
    await h.text("zhaoliu", "菜单");
    expect(h.to("zhaoliu")).toHaveLength(0);
    const row = await h.t.db.prisma.outboxMessage.findFirstOrThrow();
    expect(row).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(row.lastError).toContain("ChannelHttpError");
    // Ticks every 5 minutes for 80 minutes: the backoff (2 s, 4 s, … capped at 30 min) brings it round.
    for (let minute = 5; minute <= 80 && h.to("zhaoliu").length === 0; minute += 5) {
      h.clock.advance(5 * 60_000);
      await h.runtime.services.dispatcher.drain();
    }
    expect(h.to("zhaoliu")).toHaveLength(1);
    expect(await h.t.db.prisma.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "SENT", attempts: 10 });
  });

  it("dead-letters a message WeCom refuses for good, visibly", async () => {
    h.fake.injectFailure({ kind: "errcode", errcode: 40003, times: 1, path: "message/send" });
    await h.text("sunqi", "菜单");
    const row = await h.t.db.prisma.outboxMessage.findFirstOrThrow();
    expect(row).toMatchObject({ status: "DEAD", attempts: 1 });
    expect(row.lastError).toContain("40003");
    expect(h.logs.text()).toContain("outbox message dead-lettered");
  });

  it("respects WeCom's 30 messages per minute per member instead of letting WeCom drop them", async () => {
    const now = h.clock.now();
    await h.t.db.prisma.outboxMessage.createMany({
      data: Array.from({ length: 35 }, (_, i) => ({
        channel: "wecom",
        externalUserId: "busy",
        payloadJson: JSON.stringify({ kind: "text", text: `第 ${i + 1} 条` }),
        nextAttemptAt: now,
        createdAt: new Date(now.getTime() + i),
      })),
    });
    await h.runtime.services.dispatcher.drain();
    expect(h.to("busy")).toHaveLength(30);
    expect(h.fake.dropped).toHaveLength(0);
    h.clock.advance(61_000);
    await h.runtime.services.dispatcher.drain();
    expect(h.to("busy").map((s) => s.content)).toEqual(Array.from({ length: 35 }, (_, i) => `第 ${i + 1} 条`));
    expect(h.fake.dropped).toHaveLength(0);
  });
});

describe("dead letters are visible to admins and can be sent again", () => {
  it("lists DEAD messages behind the admin token and re-queues one", async () => {
    const h = await createWecomHarness({ env: { ADMIN_TOKEN: "admin-token-0123456789" } });
    try {
      h.fake.injectFailure({ kind: "errcode", errcode: 40003, times: 1, path: "message/send" });
      await h.text("qianba", "菜单");
      expect((await h.runtime.app.request("/admin/outbox")).status).toBe(401);
      expect((await h.runtime.app.request("/admin/outbox", { headers: { authorization: "Bearer wrong-token-000000000" } })).status).toBe(401);
      const auth = { authorization: "Bearer admin-token-0123456789" };
      const list = await h.runtime.app.request("/admin/outbox?status=DEAD", { headers: auth });
      const body = (await list.json()) as { counts: Record<string, number>; messages: { id: string; lastError: string }[] };
      expect(body.counts.DEAD).toBe(1);
      expect(body.messages[0]!.lastError).toContain("40003");
      expect((await h.runtime.app.request("/admin/outbox?status=LOST", { headers: auth })).status).toBe(400);
      const retry = await h.runtime.app.request(`/admin/outbox/${body.messages[0]!.id}/retry`, { method: "POST", headers: auth });
      expect(retry.status).toBe(200);
      await h.settle();
      expect(h.to("qianba")).toHaveLength(1);
      expect((await h.runtime.app.request(`/admin/outbox/${body.messages[0]!.id}/retry`, { method: "POST", headers: auth })).status).toBe(409);
      expect((await h.t.db.prisma.auditLog.findFirstOrThrow({ where: { action: "outbox.retry" } })).subjectId).toBe(body.messages[0]!.id);
      await h.t.db.prisma.inboundEvent.create({ data: { channel: "wecom", userId: "qianba", dedupeKey: "msg:failed", payloadJson: JSON.stringify({ kind: "text", text: "我的手机 13912345678" }), status: "FAILED", attempts: 5, lastError: "boom" } });
      const inbound = (await (await h.runtime.app.request("/admin/inbound", { headers: auth })).json()) as { events: { preview: string }[] };
      expect(inbound.events).toHaveLength(1);
      expect(inbound.events[0]!.preview).toContain("139****5678");
    } finally {
      await h.close();
    }
  });

  it("has no admin routes at all without ADMIN_TOKEN", async () => {
    const h = await createWecomHarness();
    try {
      expect((await h.runtime.app.request("/admin/outbox")).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});

describe("opening the app", () => {
  it("greets with the menu on enter_agent, but not again on every visit the same day", async () => {
    const h = await createWecomHarness();
    try {
      await h.enter("visitor");
      expect(h.to("visitor")).toHaveLength(1);
      h.clock.advance(3_600_000);
      await h.enter("visitor");
      expect(h.to("visitor")).toHaveLength(1);
      h.clock.advance(13 * 3_600_000);
      await h.enter("visitor");
      expect(h.to("visitor")).toHaveLength(2);
    } finally {
      await h.close();
    }
  });
});

describe("WeCom custom menu", () => {
  it("acts on a menu click with a menu key like the menu button", async () => {
    const { enterAgentXml } = await import("../fakes/wecom-callback-signer.ts");
    const h = await createWecomHarness();
    try {
      await h.post(enterAgentXml({ fromUser: "menuuser", createTime: Math.floor(h.clock.now().getTime() / 1000), agentId: WECOM.agentId, event: "click", eventKey: "menu:apply" }));
      expect(h.to("menuuser").map((s) => s.content ?? "").join()).toContain("题 · 企业基本信息");
      expect(await h.t.db.prisma.conversationSession.count({ where: { status: "ACTIVE" } })).toBe(1);
    } finally {
      await h.close();
    }
  });
});

describe("outbox order", () => {
  it("keeps a recipient's messages in order while an earlier one waits for its retry", async () => {
    const h = await createWecomHarness();
    try {
      const now = h.clock.now();
      await h.t.db.prisma.outboxMessage.createMany({
        data: ["第一问", "第二问", "第三问"].map((text, i) => ({ channel: "wecom", externalUserId: "ordered", payloadJson: JSON.stringify({ kind: "text", text }), nextAttemptAt: now, createdAt: new Date(now.getTime() + i) })),
      });
      h.fake.injectFailure({ kind: "errcode", errcode: -1, times: 1, path: "message/send" });
      await h.runtime.services.dispatcher.drain();
      expect(h.to("ordered")).toHaveLength(0);
      h.clock.advance(1_000); // the others are due, the first waits out its backoff (2 s)
      await h.runtime.services.dispatcher.drain();
      expect(h.to("ordered")).toHaveLength(0);
      h.clock.advance(2_000);
      await h.runtime.services.dispatcher.drain();
      expect(h.to("ordered").map((s) => s.content)).toEqual(["第一问", "第二问", "第三问"]);
    } finally {
      await h.close();
    }
  });
});
