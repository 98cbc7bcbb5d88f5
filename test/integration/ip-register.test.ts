// The IP register in chat, through the real WeCom route: 登记知识产权 asks only the fields of the
// chosen kind, shows a summary to confirm, saves (the same number entered again updates the asset,
// never a second row); 我的知识产权 lists the register with each asset's next deadline (its
// Reminder rows); people who manage no enterprise are refused, with an audit entry.
import { afterEach, describe, expect, it } from "vitest";
import * as support from "../support/operating-studio.ts";
import type { WecomHarness } from "../support/wecom-harness.ts";

// Wednesday 2026-11-25 10:00 in Zhongshan.
const WED_10 = new Date("2026-11-25T02:00:00Z");

let h: WecomHarness;
afterEach(async () => {
  await h?.close();
});
const prisma = () => h.t.db.prisma;
const texts = (u: string) => h.to(u).map((m) => m.content ?? JSON.stringify(m.templateCard));
const lastText = (u: string) => texts(u).at(-1) ?? "";
async function say(u: string, ...lines: string[]) {
  for (const l of lines) await h.text(u, l);
}
async function studio() {
  const r = await support.operatingStudio({ start: WED_10 });
  h = r.h;
  return r;
}
/** 登记知识产权 → 发明专利 → …, as applicant1, up to the summary. */
const inventionAnswers = (title: string, number: string) => ["登记知识产权", "1", title, number, "2021/3/15", "2023年8月1日", "6", "3", "是"];

describe("IP register in chat", () => {
  it("[3.2] a manager registers an invention patent: only the patent's questions, dates as typed, a summary, then saved; the same number again updates it", async () => {
    const { studio: s } = await studio();
    await say("applicant1", "登记知识产权");
    expect(texts("applicant1").at(-1)).toMatch(/请选择要登记的知识产权类型[\s\S]*1\. 发明专利[\s\S]*10\. 海外知识产权保险/);
    await say("applicant1", "1", "一种节能灯具控制方法", "ZL 2021 1012 3456.7");
    // A date that does not exist is re-asked with an example; 2021/3/15 is taken.
    await say("applicant1", "2021-02-30");
    expect(lastText("applicant1")).toMatch(/不是一个有效的日期[\s\S]*2021-06-01/);
    const before = h.to("applicant1").length;
    await say("applicant1", "2021/3/15", "2023年8月1日", "6", "3", "是");
    // The summary: one card per section (its facts), after the last answer.
    const lines = (m: ReturnType<typeof h.to>[number]) => {
      const c = m.templateCard as { sub_title_text?: string; horizontal_content_list?: { keyname: string; value: string }[] } | undefined;
      return m.content ?? [c?.sub_title_text ?? "", ...(c?.horizontal_content_list ?? []).map((f) => `${f.keyname}：${f.value}`)].join("\n");
    };
    const summary = h.to("applicant1").slice(before).map(lines).join("\n");
    expect(summary).toContain("申请日：2021-03-15");
    expect(summary).toContain("授权公告日：2023-08-01");
    expect(summary).toContain("费减比例：费减 85%");
    expect(summary).toContain("高价值专利：是");
    expect(summary).not.toMatch(/商标|展会|保险公司/);
    expect(await prisma().ipAsset.count()).toBe(0); // nothing before the confirmation
    await say("applicant1", "确认提交");
    expect(lastText("applicant1")).toContain("已登记【发明专利】一种节能灯具控制方法");
    // Its deadlines are in step at once: annuities paid to year 6, so year 7's falls due on the filing anniversary.
    expect(lastText("applicant1")).toMatch(/近期期限：2027-03-15 第 ?7 ?年年费/);

    const asset = await prisma().ipAsset.findFirstOrThrow();
    expect(asset).toMatchObject({
      enterpriseId: s.enterpriseId, kind: "PATENT_INVENTION", title: "一种节能灯具控制方法", number: "ZL202110123456.7", naturalKey: "PATENT_INVENTION:202110123456.7",
      filingDate: "2021-03-15", grantDate: "2023-08-01", annuityPaidYear: 6, feeReductionPct: 85, isHighValue: true, jurisdiction: "CN", source: "chat", status: "ACTIVE",
    });
    const audit = await prisma().auditLog.findMany({ where: { subjectId: asset.id } });
    expect(audit.map((a) => a.action)).toEqual(["ip_asset.created"]);

    // The same patent (without the ZL prefix) with a corrected title: updated, still one row.
    await say("applicant1", ...inventionAnswers("一种节能灯具的控制方法", "202110123456.7"), "确认提交");
    expect(lastText("applicant1")).toContain("此前已登记，已按本次填写更新");
    expect(await prisma().ipAsset.count()).toBe(1);
    expect((await prisma().ipAsset.findFirstOrThrow()).title).toBe("一种节能灯具的控制方法");
    // Entered once more unchanged: nothing changes.
    await say("applicant1", ...inventionAnswers("一种节能灯具的控制方法", "202110123456.7"), "确认提交");
    expect(lastText("applicant1")).toContain("内容相同，未作改动");
    expect(await prisma().ipAsset.count()).toBe(1);
  });

  it("a trademark registered abroad and a trade fair (7.2.4 b): each kind asks its own fields; dates that contradict each other are not saved", async () => {
    await studio();
    await say("applicant1", "登记知识产权", "4", "榄盛", "45678901", "11", "2020-12-14", "跳过");
    expect(lastText("applicant1")).toContain("境外");
    await say("applicant1", "2", "美国", "确认提交");
    expect(lastText("applicant1")).toContain("已登记【商标】榄盛（45678901）");
    expect(await prisma().ipAsset.findFirstOrThrow({ where: { kind: "TRADEMARK" } })).toMatchObject({ number: "45678901", tmClass: "11", grantDate: "2020-12-14", expiryDate: null, jurisdiction: "美国", filingDate: null });

    // A fair that ends before it starts: told why, nothing saved.
    await say("applicant1", "登记知识产权", "9", "法兰克福国际照明展", "2027-03-08", "2027-03-05", "德国", "确认提交");
    expect(lastText("applicant1")).toMatch(/未登记：结束日期早于开始日期/);
    expect(await prisma().ipAsset.count({ where: { kind: "TRADE_FAIR" } })).toBe(0);
    await say("applicant1", "登记知识产权", "9", "法兰克福国际照明展", "2027-03-08", "2027-03-13", "德国", "确认提交");
    expect(await prisma().ipAsset.findFirstOrThrow({ where: { kind: "TRADE_FAIR" } })).toMatchObject({ title: "法兰克福国际照明展", number: null, startDate: "2027-03-08", endDate: "2027-03-13", countries: "德国", naturalKey: "TRADE_FAIR:法兰克福国际照明展@2027-03-08" });
  });

  it("我的知识产权 lists the register, the soonest pending deadline first, then 共 N 项", async () => {
    const { studio: s } = await studio();
    await say("applicant1", "我的知识产权");
    expect(lastText("applicant1")).toContain("还没有登记知识产权");
    await say("applicant1", ...inventionAnswers("一种节能灯具控制方法", "202110123456.7"), "确认提交");
    await say("applicant1", "登记知识产权", "4", "榄盛", "45678901", "11", "2020-12-14", "跳过", "1", "确认提交");
    await say("applicant1", "登记知识产权", "5", "灯具控制系统 V1.0", "2023SR0123456", "2023-02-20", "确认提交");
    const tm = await prisma().ipAsset.findFirstOrThrow({ where: { kind: "TRADEMARK" } });
    // A deadline sooner than any the rules give these assets, and a done one that must not show.
    await prisma().reminder.create({ data: { enterpriseId: s.enterpriseId, assetId: tm.id, kind: "TM_RENEWAL", dueDate: "2026-12-01", detailJson: JSON.stringify({ label: "商标续展（测试）" }), dedupeKey: `test:${tm.id}:1` } });
    await prisma().reminder.create({ data: { enterpriseId: s.enterpriseId, assetId: tm.id, kind: "TM_RENEWAL", dueDate: "2026-11-26", status: "DONE", dedupeKey: `test:${tm.id}:0` } });
    await say("applicant1", "我的知识产权");
    const list = lastText("applicant1");
    const lines = list.split("\n");
    expect(lines[1]).toMatch(/^1\. 【商标】榄盛（45678901） — 下一期限 2026-12-01 商标续展/);
    expect(list).toContain("【发明专利】一种节能灯具控制方法（202110123456.7）");
    expect(list).toContain("【著作权】灯具控制系统 V1.0（2023SR0123456）");
    expect(list).not.toContain("2026-11-26");
    expect(lines.at(-1)).toBe("共 3 项");
    expect(lines[2]).toMatch(/^2\. 【发明专利】一种节能灯具控制方法（202110123456\.7） — 下一期限 2027-03-15 第 ?7 ?年年费/);
  });

  it("a long register: at most 20 lines, then how many there are, in messages WeCom can hold (2048 bytes)", async () => {
    const { studio: s } = await studio();
    const long = "一种具有多级散热结构和智能调光功能的大功率发光二极管照明灯具及其控制方法";
    await prisma().ipAsset.createMany({ data: Array.from({ length: 25 }, (_, i) => ({ enterpriseId: s.enterpriseId, kind: "PATENT_UTILITY", title: `${long}${i}`, number: `20222${String(i).padStart(7, "0")}.1`, naturalKey: `PATENT_UTILITY:20222${String(i).padStart(7, "0")}.1`, filingDate: "2022-05-10" })) });
    const before = h.to("applicant1").length;
    await say("applicant1", "我的知识产权");
    const sent = h.to("applicant1").slice(before).map((m) => m.content ?? "");
    expect(sent.length).toBeGreaterThan(1);
    for (const t of sent) expect(new TextEncoder().encode(t).length).toBeLessThanOrEqual(2048);
    const lines = sent.join("\n").split("\n");
    expect(lines.filter((l) => /^\d+\. 【实用新型专利】/.test(l))).toHaveLength(20);
    expect(lines.at(-1)).toBe("……共 25 项，以上为前 20 项");
  });

  it("people who manage no enterprise are refused 登记知识产权 and 我的知识产权, audited, and no conversation starts", async () => {
    await studio();
    for (const word of ["登记知识产权", "我的知识产权"]) {
      await say("chenjing", word);
      expect(lastText("chenjing")).toContain("知识产权登记面向企业管理者");
    }
    const chen = await prisma().person.findFirstOrThrow({ where: { name: "陈静" } });
    const refusals = await prisma().auditLog.findMany({ where: { action: "ip_asset.refused", actorId: chen.id } });
    expect(refusals.map((a) => JSON.parse(a.detailJson).reason)).toEqual(["not_enterprise_manager", "not_enterprise_manager"]);
    expect(await prisma().conversationSession.count({ where: { personId: chen.id, flowId: "ip-asset" } })).toBe(0);
  });

  it("a member on the enterprise side of a studio (without the manager grant) may register", async () => {
    const { studio: s } = await studio();
    const p = await prisma().person.create({ data: { name: "何敏", identities: { create: [{ channel: "wecom", externalId: "hemin" }] } } });
    await prisma().studioMember.create({ data: { studioId: s.id, personId: p.id, side: "ENTERPRISE", employment: "PART_TIME" } });
    await say("hemin", "登记知识产权", "7", "GR202344001234", "2023-12-28", "确认提交");
    expect(lastText("hemin")).toContain("已登记【高新技术企业证书】高新技术企业证书（GR202344001234）");
    expect(await prisma().ipAsset.findFirstOrThrow()).toMatchObject({ enterpriseId: s.enterpriseId, kind: "CERT_HIGH_TECH", grantDate: "2023-12-28", createdById: p.id });
  });
});
