import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeSent } from "../fakes/fake-wecom-api.ts";
import { lastCardId, linkOfficers, OFFICERS, typedAnswers } from "../support/journey.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

// A.1 负责人签名 in chat: the head is found through the enterprise's registered head as well as by
// the mobile typed; the head's card shows the key facts and links the whole form; the applicant
// can change the form while it waits (the head is asked again); 声明授权 shows the declaration and
// records it only when confirmed; a return that changes fields goes back to the head; the head
// hears the outcome.
type Tc = { task_id: string; main_title: { title: string }; sub_title_text?: string; horizontal_content_list?: { keyname: string; value: string }[]; button_list: { key: string; text: string }[]; card_action?: { url: string } };
const tc = (s: FakeSent | undefined) => s?.templateCard as unknown as Tc;
const cardsTo = (h: WecomHarness, user: string) => h.to(user).filter((s) => s.msgtype === "template_card").map(tc);
const textsTo = (h: WecomHarness, user: string) => h.to(user).map((s) => s.content ?? JSON.stringify(s.templateCard)).join("\n");
const lastText = (h: WecomHarness, user: string) => h.to(user).filter((s) => s.msgtype !== "template_card").at(-1)?.content ?? "";

/** The form with the head asked in chat (不是 → 1 请负责人在聊天中确认), then 确认提交. */
function answersAskingHead(): string[] {
  const a = typedAnswers();
  return [...a.slice(0, -1), "不是", "1"];
}

describe("[A.1] head confirmation in chat", () => {
  let h: WecomHarness;
  const prisma = () => h.t.db.prisma;
  beforeEach(async () => {
    h = await createWecomHarness();
    // The head of 明珠 uses WeCom; an admin registered the enterprise's credit code (the form's).
    await prisma().channelIdentity.create({ data: { personId: "demo-head-mingzhu", channel: "wecom", externalId: "head-mz" } });
    await prisma().enterprise.update({ where: { id: "demo-ent-mingzhu" }, data: { uscc: "91350100M000100Y43" } });
  });
  afterEach(async () => {
    await h.close();
  });

  async function apply(user: string, answers = answersAskingHead()) {
    await h.text(user, "申请工作室");
    for (const a of answers) await h.text(user, a);
    h.clock.advance(60_000); // past the per-member cap before the summary
    await h.text(user, "确认提交");
  }

  it("[A.1] reaches the registered head (not by the mobile typed), shows the key facts and a link the head may open; edits while waiting ask the head again", async () => {
    await apply("appl");
    const app = await prisma().application.findFirstOrThrow();
    expect(app).toMatchObject({ status: "DRAFT", headConfirmation: "HEAD_IN_CHAT", enterpriseId: "demo-ent-mingzhu", headMobile: "13800138000" });
    expect(lastText(h, "appl")).toContain("已请负责人 张三 在聊天中确认");

    // The head's card: key facts (credit code and mobile masked), the whole form one tap away.
    const first = cardsTo(h, "head-mz").at(-1)!;
    expect(first.main_title.title).toBe("请确认工作室申请（负责人签名）");
    const facts = Object.fromEntries((first.horizontal_content_list ?? []).map((f) => [f.keyname, f.value]));
    expect(facts).toMatchObject({ 企业: "中山市某某（中国）科技有限公司", 信用代码: "9135************43", 上市情况: "主板", 联系人: "李四 139****5678" });
    expect(facts["注册地址"]).toContain("小榄镇");
    const url = new URL(first.card_action!.url);
    const page = await h.runtime.app.request(`${url.pathname}${url.search}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("中山市某某（中国）科技有限公司");

    // The applicant corrects the head's mobile while the head has not answered.
    await h.text("appl", "修改 15");
    expect(lastText(h, "appl")).toContain("负责人的手机号？");
    await h.text("appl", "13900001111");
    expect(textsTo(h, "appl")).toContain("13800138000 → 13900001111");
    await h.text("appl", "确认提交");
    expect((await prisma().application.findFirstOrThrow()).headMobile).toBe("13900001111");
    const again = cardsTo(h, "head-mz").at(-1)!;
    expect(again.main_title.title).toBe("请再次确认工作室申请（负责人签名）");
    expect(again.sub_title_text).toContain("负责人手机：138****8000 → 139****1111");

    // The first card no longer counts; the new one submits.
    await h.click("head-mz", "hc:confirm", first.task_id);
    expect(lastText(h, "head-mz")).toContain("这张卡片已失效");
    expect((await prisma().application.findFirstOrThrow()).status).toBe("DRAFT");
    await h.click("head-mz", "hc:confirm", again.task_id);
    expect(await prisma().application.findFirstOrThrow()).toMatchObject({ status: "IN_REVIEW", stage: 1, headConfirmedById: "demo-head-mingzhu" });

  });

  it("[A.1] 声明授权 shows the declaration and records it only on 确认声明", async () => {
    await prisma().enterprise.update({ where: { id: "demo-ent-mingzhu" }, data: { uscc: null } }); // no head to reach
    await apply("decl");
    expect(lastText(h, "decl")).toContain("系统中还没有负责人的账号");
    await h.text("decl", "确认声明");
    expect(lastText(h, "decl")).toBe("请先回复“声明授权”查看声明内容。");

    await h.text("decl", "声明授权");
    const card = cardsTo(h, "decl").at(-1)!;
    expect(card.main_title.title).toBe("声明授权（代负责人签名）");
    expect(card.sub_title_text).toContain("已获得 中山市某某（中国）科技有限公司 负责人 张三 的授权");
    expect(card.button_list.map((b) => b.text)).toEqual(["确认声明", "取消"]);
    expect((await prisma().application.findFirstOrThrow()).status).toBe("DRAFT");
    await h.click("decl", "hc:declare-cancel", card.task_id);
    expect(lastText(h, "decl")).toBe("已取消声明，申请仍在等待负责人确认。");
    expect(await prisma().auditLog.count({ where: { action: "application.authority_declared" } })).toBe(0);

    await h.text("decl", "声明授权");
    await h.click("decl", "hc:declare", cardsTo(h, "decl").at(-1)!.task_id);
    expect(textsTo(h, "decl")).toContain("已记录您的声明");
    expect(await prisma().application.findFirstOrThrow()).toMatchObject({ status: "IN_REVIEW", headConfirmation: "DECLARED_AUTHORITY" });
    const audit = await prisma().auditLog.findFirstOrThrow({ where: { action: "application.authority_declared" } });
    expect(JSON.parse(audit.detailJson).declaration).toContain("代其确认并提交本申请");
  });

  it("[A.1] choosing 声明代为提交 in the form shows the declaration; nothing is submitted before 确认声明", async () => {
    await prisma().enterprise.update({ where: { id: "demo-ent-mingzhu" }, data: { uscc: null } });
    await apply("decl2", [...answersAskingHead().slice(0, -1), "2"]);
    const card = cardsTo(h, "decl2").at(-1)!;
    expect(card.main_title.title).toBe("声明授权（代负责人签名）");
    expect(await prisma().application.findFirstOrThrow()).toMatchObject({ status: "DRAFT", headConfirmation: "DECLARED_AUTHORITY" });
    await h.click("decl2", "hc:declare", card.task_id);
    expect(await prisma().application.findFirstOrThrow()).toMatchObject({ status: "IN_REVIEW", headConfirmation: "DECLARED_AUTHORITY" });
    expect(await prisma().auditLog.count({ where: { action: "application.authority_declared" } })).toBe(1);
  });

  it("[A.1][6.3 a] a return that changes fields goes back to the head; the head confirms again and hears the outcome", async () => {
    await linkOfficers(h);
    await apply("ret");
    await h.click("head-mz", "hc:confirm", cardsTo(h, "head-mz").at(-1)!.task_id);
    expect((await prisma().application.findFirstOrThrow()).status).toBe("IN_REVIEW");

    // The town officer returns the registered capital.
    const [, town] = OFFICERS.town;
    await h.click(town, "ap:return", lastCardId(h, town));
    await h.text(town, "注册资本与营业执照不一致");
    await h.text(town, "6");
    expect((await prisma().application.findFirstOrThrow()).status).toBe("RETURNED");
    expect(textsTo(h, "head-mz")).toContain("被退回修改");

    await h.text("ret", "600");
    h.clock.advance(60_000);
    await h.text("ret", "确认提交");
    // Not resubmitted yet: the head confirms the changed form first.
    expect(await prisma().application.findFirstOrThrow()).toMatchObject({ status: "RETURNED", registeredCapitalYuan: 6_000_000n, headConfirmedAt: null });
    expect(lastText(h, "ret")).toContain("已请负责人 张三 在聊天中再次确认");
    const again = cardsTo(h, "head-mz").at(-1)!;
    expect(again.sub_title_text).toContain("注册资本：500 万元 → 600 万元");
    await h.click("head-mz", "hc:confirm", again.task_id);
    expect(await prisma().application.findFirstOrThrow()).toMatchObject({ status: "IN_REVIEW", stage: 1, version: 2, headConfirmedById: "demo-head-mingzhu" });

    for (const [, officer] of [OFFICERS.town, OFFICERS.cityIp, OFFICERS.leader]) await h.click(officer, "ap:approve", lastCardId(h, officer));
    const done = await prisma().application.findFirstOrThrow();
    expect(done.status).toBe("APPROVED");
    expect(textsTo(h, "head-mz")).toContain(`【已批准】您确认的 中山市某某（中国）科技有限公司 工作室申请已获批准。\n工作室编号：\n${done.studioNumber}`);
  });
});
