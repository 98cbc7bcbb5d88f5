// A.1 编号 / 6.3 b / 6.3 a: what the applicant sees — the approval card (the number on its own
// line, plain next steps, a button that starts the set-up, the approved form behind a signed
// link), and 我的申请 as a timeline with 催办 and 撤回 as buttons — through the real WeCom route.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedApplication, stageCard } from "../reliability/seed-application.ts";
import { linkDemoOfficers, OFFICER_USERS } from "../support/approved-studio.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

type WecomCard = { task_id: string; main_title?: { title?: string }; sub_title_text?: string; horizontal_content_list?: { keyname: string; value: string }[]; button_list?: { text: string; key: string }[]; card_action?: { url?: string } };

const APPLICANT = "chenxm";
const sentTo = (h: WecomHarness, user: string, from = 0) => h.to(user).slice(from);
const cardOf = (s: { templateCard?: Record<string, unknown> }) => s.templateCard as WecomCard | undefined;
const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

describe("the outcome and 我的申请 [A.1, 6.3 a, 6.3 b]", () => {
  let h: WecomHarness;
  let applicantId: string;
  beforeEach(async () => {
    h = await createWecomHarness();
    await linkDemoOfficers(h);
    applicantId = (await h.runtime.services.directory.resolve({ channel: "wecom", userId: APPLICANT })).id;
  });
  afterEach(async () => {
    await h.close();
  });

  it("[A.1 编号, 6.3 b] final approval sends the applicant one approval card: the number on its own line, plain next steps, a set-up button, the approved form", async () => {
    const { id } = await seedApplication(h, { applicantId, stage: 3 });
    const before = h.to(APPLICANT).length;
    await h.click(OFFICER_USERS["demo-city-leader"], "ap:approve", await stageCard(h, id, 3, "demo-city-leader"));
    const { studioNumber } = await h.t.db.prisma.application.findUniqueOrThrow({ where: { id } });
    expect(studioNumber).toMatch(/^ZSIPS-\d{4}-001$/);

    const got = sentTo(h, APPLICANT, before);
    const outcome = got.map(cardOf).filter((c) => c?.main_title?.title === "工作室申请已获批准");
    expect(outcome).toHaveLength(1);
    const card = outcome[0]!;
    const lines = card.sub_title_text!.split("\n");
    // The number alone on its line (it cannot wrap as "ZSIPS-2026-" / "001"), and as a fact.
    expect(lines[lines.indexOf("工作室编号：") + 1]).toBe(studioNumber);
    expect(card.horizontal_content_list).toContainEqual({ keyname: "工作室编号", value: studioNumber });
    expect(card.sub_title_text!.length).toBeLessThanOrEqual(160); // WeCom's sub-title: nothing cut
    expect(card.sub_title_text!.endsWith("点开卡片可查看批准的申请表。")).toBe(true);
    expect(card.sub_title_text).toContain("确认工作室管理者");
    expect(JSON.stringify(got)).not.toContain("6.3 b"); // no clause numbers in what the manager reads
    expect(card.button_list!.map((b) => [b.text, b.key])).toEqual([
      ["开始工作室建设", "say:工作室建设"],
      ["查看审批记录", "say:我的申请"],
    ]);
    // Besides the card, only the manager question (6.4 b) follows: no plain "恭喜" text as well.
    expect(got.filter((s) => s.msgtype === "text" && (s.content ?? "").includes("已获批准"))).toHaveLength(0);

    // The approved form, readable by the applicant through the card's signed link.
    const res = await h.runtime.app.request(pathOf(card.card_action!.url!));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<b class="studio-no nw">${studioNumber}</b>`);
    expect(html).toContain("已批准");

    // 开始工作室建设: the tap is the command — the set-up starts with who manages the studio.
    const n = h.to(APPLICANT).length;
    await h.click(APPLICANT, "say:工作室建设", card.task_id);
    expect(JSON.stringify(sentTo(h, APPLICANT, n))).toContain("工作室管理者");
  });

  it("[6.3 a] 我的申请 is a timeline — who decided what and when, the pending stage's due day — with 催办 and 撤回 as buttons", async () => {
    const { id } = await seedApplication(h, { applicantId, stage: 2 });
    const step = await h.t.db.prisma.approvalStep.findFirstOrThrow({ where: { applicationId: id, stage: 2, status: "PENDING" } });
    const n = h.to(APPLICANT).length;
    await h.text(APPLICANT, "我的申请");
    const [text, buttons, ...rest] = sentTo(h, APPLICANT, n);
    expect(rest).toHaveLength(0);
    const lines = text!.content!.split("\n");
    expect(lines[0]).toMatch(/^您的申请：中山市某某（中国）科技有限公司（申请号 \w{6}）$/);
    expect(lines[1]).toBe("状态：审核中");
    expect(lines.slice(2)).toEqual([
      "进度：",
      expect.stringMatching(/^✓ \d\d-\d\d \d\d:\d\d 提交申请$/),
      expect.stringMatching(/^✓ \d\d-\d\d \d\d:\d\d 镇街初审 周敏：同意推荐$/),
      `⏳ 市局知识产权科室审核中，预计 ${step.dueOn.slice(5)} 前处理`,
    ]);
    const card = cardOf(buttons!)!;
    expect(card.button_list!.map((b) => [b.text, b.key])).toEqual([
      ["催办", "say:催办"],
      ["撤回申请", "say:撤回"],
    ]);

    const cityIp = OFFICER_USERS["demo-city-ip"];
    const officerCards = () => h.to(cityIp).filter((s) => s.msgtype === "template_card").length;
    const cardsBefore = officerCards();
    await h.click(APPLICANT, "say:催办", card.task_id);
    expect(h.to(APPLICANT).at(-1)!.content).toMatch(/^已催办：已再次提醒审核人员尽快处理申请 \w{6}。$/);
    expect(officerCards()).toBe(cardsBefore + 1); // the stage's officer got a fresh 【催办】 card
    expect(JSON.stringify(cardOf(h.to(cityIp).at(-1)!))).toContain("【催办】");

    await h.click(APPLICANT, "say:撤回", card.task_id);
    expect(h.to(APPLICANT).at(-1)!.content).toContain("确定请回复“确认撤回”");
    expect((await h.t.db.prisma.application.findUniqueOrThrow({ where: { id } })).status).toBe("IN_REVIEW"); // asked, not done
  });

  it("[A.1] after approval the timeline has the three decisions and the number on its own line, and no buttons", async () => {
    const { id } = await seedApplication(h, { applicantId, stage: 3 });
    await h.click(OFFICER_USERS["demo-city-leader"], "ap:approve", await stageCard(h, id, 3, "demo-city-leader"));
    const { studioNumber } = await h.t.db.prisma.application.findUniqueOrThrow({ where: { id } });
    const n = h.to(APPLICANT).length;
    await h.text(APPLICANT, "我的申请");
    const got = sentTo(h, APPLICANT, n);
    expect(got).toHaveLength(1);
    const lines = got[0]!.content!.split("\n");
    expect(lines.slice(1, 4)).toEqual(["状态：已批准", "工作室编号：", studioNumber]);
    expect(lines.filter((l) => /^✓ .*：同意推荐$/.test(l)).map((l) => l.replace(/^✓ \S+ \S+ /, ""))).toEqual(["镇街初审 周敏：同意推荐", "市局科室 张磊：同意推荐", "市局审批 王芳：同意推荐"]);
    expect(lines.some((l) => l.startsWith("⏳"))).toBe(false);
  });

  it("a forged word key names nothing: it is not taken as a command", async () => {
    await seedApplication(h, { applicantId, stage: 2 });
    const n = h.to(APPLICANT).length;
    await h.click(APPLICANT, "say:确认撤回", "st-forged");
    expect((await h.t.db.prisma.application.findFirstOrThrow()).status).toBe("IN_REVIEW");
    expect(JSON.stringify(sentTo(h, APPLICANT, n))).not.toContain("已撤回");
  });
});
