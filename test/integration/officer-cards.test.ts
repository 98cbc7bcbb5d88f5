// 6.3 a / 6.1 / A.1: what the officers' approval cards carry through the real WeCom route —
// the enterprise's context, its whole history, what a resubmission changed — the forward to
// another town (转其他镇街), and each notification sent once.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FACT_VALUE_MAX } from "../../src/app/approvals/approval-texts.ts";
import { seedApplication, stageCard } from "../reliability/seed-application.ts";
import { linkDemoOfficers, OFFICER_USERS } from "../support/approved-studio.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

type WecomCard = { task_id: string; main_title?: { title?: string }; sub_title_text?: string; horizontal_content_list?: { keyname: string; value: string }[]; button_list?: { text: string; key: string }[]; card_action?: { url?: string } };

const APPLICANT = "chenxm";
const cardsTo = (h: WecomHarness, user: string) => h.to(user).filter((s) => s.msgtype === "template_card").map((s) => s.templateCard as WecomCard);
const textsTo = (h: WecomHarness, user: string) => h.to(user).filter((s) => s.msgtype !== "template_card").map((s) => s.content ?? "");
const fact = (c: WecomCard, key: string) => c.horizontal_content_list?.find((f) => f.keyname === key)?.value;

describe("officer cards [6.3 a, 6.1, A.1]", () => {
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

  it("[6.1] the card shows the address, the contact, 新三板 as 挂牌 (not 上市) and the IP counts in words, nothing cut at WeCom's limits", async () => {
    const { id } = await seedApplication(h, { applicantId, stage: 1 });
    await h.t.db.prisma.application.update({ where: { id }, data: { listingStatus: "neeq" } });
    await h.text(OFFICER_USERS["demo-town-xiaolan"], "待我审批"); // a fresh card from the row as it is now
    const card = cardsTo(h, OFFICER_USERS["demo-town-xiaolan"]).at(-1)!;

    expect(card.main_title?.title).toBe("第1/3阶段 · 中山市某某（中国）科技有限公司");
    expect(fact(card, "地址")).toBe("中山市小榄镇升平路1号");
    expect(fact(card, "联系人")).toBe("李四（知识产权专员）139****5678");
    expect(fact(card, "6.1 情况")).toBe("非规上企业、专精特新小巨人、新三板挂牌、领军入库");
    expect(JSON.stringify(card)).not.toContain("上市企业");
    expect(fact(card, "有效专利（件）")).toBe("发明12·实用新型30·外观设计5·PCT 1");
    expect(fact(card, "商标版权（件）")).toBe("国内商标8·境外商标0·版权2·其他0");
    expect(fact(card, "申请需求")).toContain("管理体系建设");
    // WeCom shows 6 facts of ≤ 26 characters: every one fits, none is cut ("…") or pushed into "更多".
    const facts = card.horizontal_content_list!;
    expect(facts.length).toBeLessThanOrEqual(6);
    for (const f of facts) {
      expect(f.value.endsWith("…"), f.keyname).toBe(false);
      expect(Array.from(f.value).length, f.keyname).toBeLessThanOrEqual(FACT_VALUE_MAX);
    }
    expect(facts.map((f) => f.keyname)).not.toContain("更多");
    expect(card.button_list!.map((b) => b.text)).toEqual(["同意", "同意并填写意见", "退回修改", "不同意", "转其他镇街"]);
  });

  it("[6.3 a] the whole history on every card: a resubmission says what changed, earlier stages keep their decisions; each notice sent once", async () => {
    const { id } = await seedApplication(h, { applicantId, stage: 2 });
    const cityIp = OFFICER_USERS["demo-city-ip"];
    const c2 = cardsTo(h, cityIp).at(-1)!;
    expect(c2.sub_title_text).toMatch(/镇街初审 周敏 \d\d-\d\d 同意推荐/);

    // Stage 2 returns the GB/T 29490 year, by its number in the application's own list.
    await h.click(cityIp, "ap:return", c2.task_id);
    await h.text(cityIp, "请注明 GB/T 29490 认证年份");
    const list = textsTo(h, cityIp).join("\n");
    const n = /(\d+)\. GB\/T 29490 认证年份/.exec(list)![1]!;
    const before = h.to(APPLICANT).length;
    await h.text(cityIp, n);
    expect((await h.t.db.prisma.application.findUniqueOrThrow({ where: { id } })).status).toBe("RETURNED");
    // The opinion reaches the applicant once (the revision's own message), not twice.
    const afterReturn = h.to(APPLICANT).slice(before).map((s) => s.content ?? JSON.stringify(s.templateCard));
    expect(afterReturn.filter((t) => t.includes("请注明 GB/T 29490 认证年份"))).toHaveLength(1);

    await h.text(APPLICANT, "2021");
    await h.text(APPLICANT, "确认提交");
    const app = await h.t.db.prisma.application.findUniqueOrThrow({ where: { id } });
    expect(app).toMatchObject({ status: "IN_REVIEW", stage: 2, version: 2, gbt29490Year: 2021 });

    const again = cardsTo(h, cityIp).at(-1)!;
    expect(again.task_id).not.toBe(c2.task_id);
    expect(again.main_title?.title).toBe("【重新提交】第2/3阶段 · 中山市某某（中国）科技有限公司");
    const lines = again.sub_title_text!.split("\n");
    expect(lines[1]).toBe("重新提交 · 已修改：GB/T 29490 认证年份（未填）→ 2021");
    // Then the rest, newest first.
    expect(lines.slice(2)).toEqual([expect.stringMatching(/^市局科室 张磊 \d\d-\d\d 退回修改：请注明 GB\/T 29490 认证年份（需修改：GB\/T 29490 认证年份）$/), expect.stringMatching(/^镇街初审 周敏 \d\d-\d\d 同意推荐$/)]);
    expect(again.sub_title_text!.length).toBeLessThanOrEqual(160); // WeCom's sub-title: all of it shows

    // Stage 2 approves; the leader's card carries the whole history too (WeCom shows its first
    // 160 characters: the newest lines; the card itself, as the simulator shows it, has all).
    await h.click(cityIp, "ap:approve", again.task_id);
    const leader = OFFICER_USERS["demo-city-leader"];
    const c3 = cardsTo(h, leader).at(-1)!;
    expect(c3.sub_title_text!.split("\n").slice(1, 3)).toEqual([expect.stringMatching(/^市局科室 张磊 \d\d-\d\d 同意推荐$/), expect.stringMatching(/^重新提交 \d\d-\d\d · 已修改：GB\/T 29490 认证年份（未填）→ 2021$/)]);
    const rows = await h.t.db.prisma.outboxMessage.findMany({ where: { externalUserId: leader } });
    const full = rows.map((r) => JSON.parse(r.payloadJson) as { kind: string; card?: { id: string; description?: string } }).find((m) => m.card?.id === c3.task_id)!.card!.description!;
    expect(full.split("\n").slice(1)).toEqual([
      expect.stringMatching(/^市局科室 张磊 \d\d-\d\d 同意推荐$/),
      expect.stringMatching(/^重新提交 \d\d-\d\d · 已修改：GB\/T 29490 认证年份（未填）→ 2021$/),
      expect.stringMatching(/^市局科室 张磊 \d\d-\d\d 退回修改：请注明 GB\/T 29490 认证年份/),
      expect.stringMatching(/^镇街初审 周敏 \d\d-\d\d 同意推荐$/),
    ]);

    // Final approval: each party told once — the leader's own answer, not also "【已批准】".
    const town = OFFICER_USERS["demo-town-xiaolan"];
    const counts = () => ({ leader: textsTo(h, leader).length, town: textsTo(h, town).length, cityIp: textsTo(h, cityIp).length });
    const was = counts();
    await h.click(leader, "ap:approve", c3.task_id);
    const leaderNew = textsTo(h, leader).slice(was.leader);
    expect(leaderNew).toHaveLength(1);
    expect(leaderNew[0]).toMatch(/^已记录：已同意（中山市某某（中国）科技有限公司，第3阶段，意见：同意推荐）。\n工作室编号：ZSIPS-\d{4}-001$/);
    expect(textsTo(h, town).slice(was.town)).toEqual([expect.stringMatching(/^【已批准】.*ZSIPS-\d{4}-001/)]);
    expect(textsTo(h, cityIp).slice(was.cityIp)).toEqual([expect.stringMatching(/^【已批准】.*ZSIPS-\d{4}-001/)]);
    expect(cardsTo(h, APPLICANT).filter((c) => c.main_title?.title === "工作室申请已获批准")).toHaveLength(1);
  });

  it("[A.1] 同意并填写意见 records the typed opinion, or 同意推荐 when skipped; a one-tap 同意 records 同意推荐", async () => {
    const { id } = await seedApplication(h, { applicantId, stage: 1 });
    const town = OFFICER_USERS["demo-town-xiaolan"];
    await h.click(town, "ap:approve-opinion", await stageCard(h, id, 1, "demo-town-xiaolan"));
    expect(textsTo(h, town).at(-1)).toContain("请输入同意的意见");
    await h.text(town, "同意推荐，建议优先建站");
    expect(textsTo(h, town).at(-1)).toBe("已记录：已同意（中山市某某（中国）科技有限公司，第1阶段，意见：同意推荐，建议优先建站）。");
    const cityIp = OFFICER_USERS["demo-city-ip"];
    await h.click(cityIp, "ap:approve-opinion", await stageCard(h, id, 2, "demo-city-ip"));
    await h.text(cityIp, "跳过");
    expect(textsTo(h, cityIp).at(-1)).toBe("已记录：已同意（中山市某某（中国）科技有限公司，第2阶段，意见：同意推荐）。");
    const steps = await h.t.db.prisma.approvalStep.findMany({ where: { applicationId: id }, orderBy: { stage: "asc" } });
    expect(steps.map((s) => [s.stage, s.status, s.opinion])).toEqual([
      [1, "APPROVED", "同意推荐，建议优先建站"],
      [2, "APPROVED", "同意推荐"],
      [3, "PENDING", null],
    ]);
    // The one-tap 同意 (the seeded stages and the journey tests) records the same default.
    const seeded = await seedApplication(h, { applicantId, stage: 2, enterpriseName: "中山市乙科技有限公司" });
    expect((await h.t.db.prisma.approvalStep.findFirstOrThrow({ where: { applicationId: seeded.id, stage: 1 } })).opinion).toBe("同意推荐");
  });

  it("[6.3 a] 转其他镇街: the town stage moves to the other town's officers with a reason, the old cards go stale, the applicant is told, audited", async () => {
    await h.t.db.prisma.person.create({ data: { id: "guzhen-officer", name: "古镇审核员", identities: { create: [{ channel: "wecom", externalId: "guzhenofficer" }] }, roles: { create: [{ role: "TOWN_OFFICER", townId: "guzhen" }] } } });
    const { id } = await seedApplication(h, { applicantId, stage: 1 });
    const town = OFFICER_USERS["demo-town-xiaolan"];
    const oldCard = await stageCard(h, id, 1, "demo-town-xiaolan");
    await h.click(town, "ap:forward", oldCard);
    const prompt = textsTo(h, town).join("\n");
    expect(prompt).toContain("转到哪个镇街");
    expect(prompt).not.toMatch(/\d+\. 小榄镇/); // not to its own town
    const n = /(\d+)\. 古镇镇/.exec(prompt)![1]!;
    await h.text(town, n);
    const before = h.to(APPLICANT).length;
    await h.text(town, "注册地址在古镇镇");
    expect(textsTo(h, town).at(-1)).toMatch(/^已转至古镇镇（中山市某某（中国）科技有限公司，申请号 \w{6}），理由：注册地址在古镇镇。/);

    const app = await h.t.db.prisma.application.findUniqueOrThrow({ where: { id } });
    expect(app).toMatchObject({ status: "IN_REVIEW", stage: 1, version: 2, townId: "guzhen" });
    const steps = await h.t.db.prisma.approvalStep.findMany({ where: { applicationId: id }, orderBy: { round: "asc" } });
    expect(steps.map((s) => [s.round, s.townId, s.status, s.decidedByName, s.opinion])).toEqual([
      [1, "xiaolan", "FORWARDED", "周敏", "注册地址在古镇镇"],
      [2, "guzhen", "PENDING", null, null],
    ]);
    // The other town's officer gets a new card that says where it came from and why.
    const moved = cardsTo(h, "guzhenofficer").at(-1)!;
    expect(moved.main_title?.title).toBe("【转来】第1/3阶段 · 中山市某某（中国）科技有限公司");
    expect(moved.sub_title_text!.split("\n")[1]).toMatch(/^镇街初审 周敏 \d\d-\d\d 转至古镇镇：注册地址在古镇镇$/);
    expect(fact(moved, "地址")).toBe("古镇镇 · 中山市小榄镇升平路1号"); // the address names another town: both shown
    // The applicant is told once.
    const told = h.to(APPLICANT).slice(before).map((s) => s.content ?? "");
    expect(told).toEqual([expect.stringContaining("已转由古镇镇市场监督管理分局初审，无需重新提交。\n原因：注册地址在古镇镇")]);
    // The old card is stale: a tap decides nothing and says why.
    await h.click(town, "ap:approve", oldCard);
    expect(textsTo(h, town).at(-1)).toBe("该申请已由 周敏 转其他镇街办理，这张卡片已失效。");
    expect(await h.t.db.prisma.approvalStep.count({ where: { applicationId: id, status: "APPROVED" } })).toBe(0);
    const audit = await h.t.db.prisma.auditLog.findMany({ where: { subjectId: id, action: { startsWith: "approval." } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["approval.forward", "approval.refused"]);
    expect(JSON.parse(audit[0]!.detailJson)).toMatchObject({ stage: 1, round: 1, opinion: "注册地址在古镇镇", fromTownId: "xiaolan", toTownId: "guzhen" });
    expect(audit[0]).toMatchObject({ actorId: "demo-town-xiaolan", actorRole: "TOWN_OFFICER", channel: "wecom" });
    // The new town's officer decides from the new card.
    await h.click("guzhenofficer", "ap:approve", moved.task_id);
    expect((await h.t.db.prisma.application.findUniqueOrThrow({ where: { id } })).stage).toBe(2);
  });

  it("[6.3 a] a city stage cannot be forwarded: no button, and a forged tap is refused without a dialog", async () => {
    const { id } = await seedApplication(h, { applicantId, stage: 2 });
    const cityIp = OFFICER_USERS["demo-city-ip"];
    expect(cardsTo(h, cityIp).at(-1)!.button_list!.map((b) => b.key)).not.toContain("ap:forward");
    await h.click(cityIp, "ap:forward", await stageCard(h, id, 2, "demo-city-ip"));
    expect(textsTo(h, cityIp).at(-1)).toBe("只有镇街初审阶段可以转其他镇街");
    expect((await h.t.db.prisma.application.findUniqueOrThrow({ where: { id } })).stage).toBe(2);
  });
});
