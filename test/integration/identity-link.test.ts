// Identity across channels (issue 15): "绑定" on one channel gives a one-time code (10 minutes,
// single use, rate-limited); "绑定 <code>" sent from another channel links that identity to the
// same person — roles follow the person, cards still answer only the identity they went to.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWecomHarness, testClock, type WecomHarness } from "../support/wecom-harness.ts";

describe("绑定: one person on WeCom and on the web simulator", () => {
  let h: WecomHarness;
  const clock = testClock(new Date("2026-03-02T09:00:00+08:00"));
  let seq = 0;
  beforeEach(async () => {
    h = await createWecomHarness({ clock });
  });
  afterEach(async () => {
    await h.close();
  });

  /** What the web simulator page would post, through the real route. */
  async function web(userId: string, text: string): Promise<void> {
    const res = await h.runtime.app.request("/webhooks/web", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId, clientMsgId: `msg-${String(++seq).padStart(6, "0")}`, text }) });
    expect(res.status).toBe(200);
    await h.settle();
  }
  const webTexts = async (userId: string) => {
    const rows = await h.t.db.prisma.outboxMessage.findMany({ where: { channel: "web", externalUserId: userId }, orderBy: { seq: "asc" } });
    return rows.map((r) => (JSON.parse(r.payloadJson) as { text?: string }).text ?? "");
  };
  const lastWecomText = (u: string) => h.to(u).at(-1)?.content ?? "";
  /** The web outbox's last message to the user, as sent (a card or a text). */
  const lastWebMessage = async (userId: string) => {
    const row = await h.t.db.prisma.outboxMessage.findFirstOrThrow({ where: { channel: "web", externalUserId: userId }, orderBy: { seq: "desc" } });
    return JSON.parse(row.payloadJson) as { kind: string; text?: string; card?: { title: string; description?: string; buttons: { key: string; label: string }[] } };
  };
  const codeIn = (t: string) => /绑定码：(\d{8})/.exec(t)?.[1];

  it("links a second identity with a code from the first; the roles follow; the first account is told", async () => {
    await h.t.db.prisma.person.create({ data: { name: "黄志强", identities: { create: [{ channel: "wecom", externalId: "hzq" }] }, roles: { create: [{ role: "CITY_IP_OFFICER" }] } } });
    await h.text("hzq", "绑定");
    const code = codeIn(lastWecomText("hzq"));
    expect(code).toBeDefined();
    // The code is not stored: no column of its row holds it.
    const row = await h.t.db.prisma.linkCode.findFirstOrThrow();
    expect(Object.values(row).map(String).filter((v) => v.includes(code!))).toEqual([]);

    // Sending the code only asks to confirm, naming whose code it is and warning about codes from others.
    await web("phone-hzq", `绑定 ${code}`);
    const ask = await lastWebMessage("phone-hzq");
    expect(ask.card?.title).toBe("确认绑定账号？");
    expect(ask.card?.description).toContain("此绑定码来自“黄志强”的企业微信账号");
    expect(ask.card?.description).toContain("如果绑定码或链接是别人发给您的，请不要确认");
    expect(ask.card?.buttons.map((b) => b.label)).toEqual(["确认绑定", "取消"]);
    expect((await h.t.db.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: "web", externalId: "phone-hzq" } }, include: { person: true } })).person.name).not.toBe("黄志强");
    await web("phone-hzq", "确认绑定");
    expect((await webTexts("phone-hzq")).at(-1)).toContain("绑定成功：此网页模拟器账号已与“黄志强”关联");
    expect(lastWecomText("hzq")).toContain("您的账号刚刚绑定了一个网页模拟器账号");
    const identity = await h.t.db.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: "web", externalId: "phone-hzq" } }, include: { person: { include: { roles: true } } } });
    expect(identity.person.name).toBe("黄志强");
    expect(identity.person.roles.map((r) => r.role)).toEqual(["CITY_IP_OFFICER"]);
    // The role works from the new identity: 待我审批 is an approver's word.
    await web("phone-hzq", "待我审批");
    expect((await webTexts("phone-hzq")).at(-1)).not.toContain("没有听懂");

    // Single use: the same code again is refused.
    await web("someone-else", `绑定 ${code}`);
    expect((await webTexts("someone-else")).at(-1)).toContain("绑定码无效或已过期");
    await web("someone-else", "确认绑定");
    expect((await webTexts("someone-else")).at(-1)).toContain("没有待确认的绑定");
    const audit = await h.t.db.prisma.auditLog.findMany({ where: { action: { startsWith: "identity." } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["identity.link-code", "identity.linked", "identity.link-refused"]);
  });

  it("a code expires after 10 minutes; wrong codes are limited to 5 per 10 minutes", async () => {
    await h.text("u1", "绑定");
    const code = codeIn(lastWecomText("u1"))!;
    clock.advance(10 * 60_000 + 1_000);
    await web("w1", `绑定 ${code}`);
    expect((await webTexts("w1")).at(-1)).toContain("绑定码无效或已过期");
    for (let i = 0; i < 4; i++) await web("w1", "绑定 00000000");
    await h.text("u1", "绑定");
    const fresh = codeIn(lastWecomText("u1"))!;
    await web("w1", `绑定 ${fresh}`);
    expect((await webTexts("w1")).at(-1)).toBe("绑定码错误次数过多，请 10 分钟后再试。");
    clock.advance(11 * 60_000);
    // The fresh code has expired meanwhile: the limit lifted, the answer is about the code.
    await web("w1", `绑定 ${fresh}`);
    expect((await webTexts("w1")).at(-1)).toContain("绑定码无效或已过期");
  });

  it("at most 5 codes an hour; an identity with its own records is not moved", async () => {
    for (let i = 0; i < 5; i++) await h.text("u2", "绑定");
    await h.text("u2", "绑定");
    expect(lastWecomText("u2")).toBe("一小时内获取绑定码的次数已达上限，请稍后再试。");
    const code = codeIn(h.to("u2").map((m) => m.content ?? "").find((t) => codeIn(t))!)!;
    // A web persona that is an officer in its own right keeps its records.
    await h.t.db.prisma.person.create({ data: { name: "另一人", identities: { create: [{ channel: "web", externalId: "officer-web" }] }, roles: { create: [{ role: "ADMIN" }] } } });
    await web("officer-web", `绑定 ${code}`);
    expect((await webTexts("officer-web")).at(-1)).toContain("不能再绑定到其他人");
    // The person's own identity: nothing to do.
    await h.text("u2", `绑定 ${code}`);
    expect(lastWecomText("u2")).toBe("此账号已与您关联，无需再绑定。");
  });

  it("someone new opening the chat hears how to link; someone linked or with a role does not", async () => {
    await h.enter("newcomer");
    const menu = h.to("newcomer").at(-1)!.templateCard as { sub_title_text?: string; horizontal_content_list?: unknown };
    expect(JSON.stringify(menu)).toContain("回复“绑定”获取绑定码");
    await h.t.db.prisma.person.create({ data: { name: "周敏", identities: { create: [{ channel: "wecom", externalId: "officer-z" }] }, roles: { create: [{ role: "TOWN_OFFICER", townId: "xiaolan" }] } } });
    await h.enter("officer-z");
    expect(JSON.stringify(h.to("officer-z").at(-1)!.templateCard)).not.toContain("绑定");
  });

  it("a code someone else sent (a link) links nothing unless confirmed; 取消绑定 drops the claim", async () => {
    await h.text("attacker", "绑定");
    const code = codeIn(lastWecomText("attacker"))!;
    await web("victim", `绑定 ${code}`);
    expect((await lastWebMessage("victim")).card?.title).toBe("确认绑定账号？");
    await web("victim", "取消绑定");
    expect((await webTexts("victim")).at(-1)).toBe("已取消绑定。");
    await web("victim", "确认绑定");
    expect((await webTexts("victim")).at(-1)).toContain("没有待确认的绑定");
    const victim = await h.t.db.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: "web", externalId: "victim" } } });
    const attacker = await h.t.db.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: "wecom", externalId: "attacker" } } });
    expect(victim.personId).not.toBe(attacker.personId);
  });

  it("an identity with a draft in progress is not moved (its answers would be left behind)", async () => {
    await h.text("u3", "绑定");
    const code = codeIn(lastWecomText("u3"))!;
    await web("drafter", "申请工作室");
    await web("drafter", `绑定 ${code}`);
    expect((await webTexts("drafter")).at(-1)).toContain("不能再绑定到其他人");
  });
});
