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
  const codeIn = (t: string) => /绑定码：(\d{8})/.exec(t)?.[1];

  it("links a second identity with a code from the first; the roles follow; the first account is told", async () => {
    await h.t.db.prisma.person.create({ data: { name: "黄志强", identities: { create: [{ channel: "wecom", externalId: "hzq" }] }, roles: { create: [{ role: "CITY_IP_OFFICER" }] } } });
    await h.text("hzq", "绑定");
    const code = codeIn(lastWecomText("hzq"));
    expect(code).toBeDefined();
    // The code is not stored, only its hash.
    const row = await h.t.db.prisma.linkCode.findFirstOrThrow();
    expect(row.codeHash).not.toContain(code!);

    await web("phone-hzq", `绑定 ${code}`);
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
});
