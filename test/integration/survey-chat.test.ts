// Officers' side of 8.1 and 8.2 in chat (WeCom): a studio-wide survey to all managers of a studio
// (one answer each, not one for the studio), 服务评价 with this month's figures for the officer's
// scope, 服务评价 图表 as a picture uploaded to WeCom, and who may do what.
import { afterEach, describe, expect, it } from "vitest";
import { operatingStudio, tap } from "../support/operating-studio.ts";
import type { WecomHarness } from "../support/wecom-harness.ts";

const at = (date: string, time = "10:00") => new Date(`${date}T${time}:00+08:00`);
let h: WecomHarness;
afterEach(async () => {
  await h?.close();
  h = undefined as unknown as WecomHarness; // closed: the next test opens its own
});
const texts = (u: string) => h.to(u).map((m) => m.content ?? "");
const last = (u: string) => texts(u).filter(Boolean).at(-1) ?? "";

/** A second manager of the studio (full-time, enterprise side) on WeCom as manager2. */
async function secondManager(studioId: string) {
  const p = await h.t.db.prisma.person.create({ data: { name: "何敏", education: "bachelor", identities: { create: [{ channel: "wecom", externalId: "manager2" }] } } });
  await h.t.db.prisma.studioMember.create({ data: { studioId, personId: p.id, side: "ENTERPRISE", employment: "FULL_TIME" } });
  return p;
}

async function answerAll(u: string, scores: string[], comment: string) {
  for (const s of scores) await h.text(u, s);
  await h.text(u, comment);
}

describe("[8.1] [8.2] surveys and reports for officers in chat", () => {
  it("[8.1] a studio-wide survey reaches every manager of the studio; each answers once; the town officer of another town may not send one", async () => {
    let studio;
    ({ h, studio } = await operatingStudio({ start: at("2026-11-25") }));
    await secondManager(studio.id);
    // 小榄's town officer (zhoumin) owns 小榄 studios only; the demo enterprise is in 小榄, so move it for the refusal.
    const town = await h.t.db.prisma.town.findFirstOrThrow({ where: { NOT: { id: (await h.t.db.prisma.enterprise.findUniqueOrThrow({ where: { id: studio.enterpriseId } })).townId! } } });
    const home = (await h.t.db.prisma.enterprise.findUniqueOrThrow({ where: { id: studio.enterpriseId } })).townId;
    await h.t.db.prisma.enterprise.update({ where: { id: studio.enterpriseId }, data: { townId: town.id } });
    await h.text("zhoumin", `发起满意度调查 ${studio.number}`);
    expect(last("zhoumin")).toBe(`工作室 ${studio.number} 不在您负责的镇街。`);
    await h.t.db.prisma.enterprise.update({ where: { id: studio.enterpriseId }, data: { townId: home } });
    await h.text("applicant1", `发起满意度调查 ${studio.number}`);
    expect(last("applicant1")).toContain("只有市局知识产权科室、镇街分局人员可以发起满意度调查");
    await h.text("zhanglei", "发起满意度调查 ZSIPS-1999-999");
    expect(last("zhanglei")).toBe("找不到编号为 ZSIPS-1999-999 的工作室。");

    await h.text("zhanglei", `发起满意度调查 ${studio.number} 2026 年度满意度调查`);
    expect(last("zhanglei")).toContain("的 2 位管理者发出“2026 年度满意度调查”");
    const survey = await h.t.db.prisma.survey.findFirstOrThrow();
    expect(survey).toMatchObject({ kind: "STUDIO", title: "2026 年度满意度调查", createdById: "demo-city-ip", status: "OPEN" });
    for (const u of ["applicant1", "manager2"]) expect(JSON.stringify(h.to(u).at(-1)!.templateCard)).toContain("2026 年度满意度调查");

    // Both answer by typing (numbers where buttons would be): one response each, the survey stays open for the other.
    await h.text("applicant1", "评价");
    await answerAll("applicant1", ["5", "4", "5", "9"], "跳过");
    await tap(h, "manager2", "匿名评价", "sv-");
    await answerAll("manager2", ["四", "4分", "3", "8"], "希望多组织培训");
    expect(await h.t.db.prisma.surveyResponse.count({ where: { surveyId: survey.id } })).toBe(2);
    expect((await h.t.db.prisma.survey.findUniqueOrThrow({ where: { id: survey.id } })).status).toBe("OPEN");
    // A second answer by the same manager is refused kindly.
    await h.text("applicant1", "评价");
    expect(last("applicant1")).toBe("目前没有等待您评价的服务。服务办结后，我们会邀请您评价。");
    await tap(h, "manager2", "实名评价", "sv-");
    expect(last("manager2")).toBe("您已完成这份调查，感谢您的支持！");
    // Neither was low: no follow-up.
    expect(await h.t.db.prisma.followUp.count()).toBe(0);

    // [8.2] 服务评价 for the city IP officer: this month's figures, the studio-wide row included.
    await h.text("zhanglei", "服务评价");
    const report = last("zhanglei");
    expect(report).toContain("2026年11月 · 全市");
    expect(report).toContain("答复 2 份");
    expect(report).toContain("总体满意 4.50 · 及时性 4.00 · 专业性 4.00");
    expect(report).toContain("NPS 50"); // 9 promoter, 8 passive: (1 − 0) / 2
    // The chart: uploaded to WeCom, then sent as an image.
    await h.text("zhanglei", "服务评价 图表");
    const image = h.to("zhanglei").at(-1)!;
    expect(image.msgtype).toBe("image");
    // Enterprises do not get the officers' figures.
    await h.text("applicant1", "服务评价");
    expect(last("applicant1")).toContain("服务评价统计面向镇街分局、市局知识产权科室和市局领导");
  });
});
