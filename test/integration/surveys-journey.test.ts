// 8.1 and 8.2 end to end through the real WeCom route and the scheduled jobs as registered: a
// service closed on the eve of the National Day holiday is surveyed on the first working day after
// it (not that night, not on the holiday); a reminder; an anonymous low score opens a follow-up
// for the city IP officer, reminded on its due day and escalated to ADMIN after it, closed with
// the action taken and the studio's managers told; services closed within the fatigue window get
// one combined survey; the report's figures; nothing links the anonymous answer to its author.
import { afterEach, describe, expect, it } from "vitest";
import { jobCatalogue } from "../../src/app/jobs/product-jobs.ts";
import { verifyAuditChain } from "../../src/storage/audit-log.ts";
import { operatingStudio, requestService, tap } from "../support/operating-studio.ts";
import type { WecomHarness } from "../support/wecom-harness.ts";

const TOKEN = "survey-admin-token-0123456789";
/** A local time in Zhongshan (UTC+8). */
const at = (date: string, time = "10:00") => new Date(`${date}T${time}:00+08:00`);

let h: WecomHarness;
afterEach(async () => {
  await h?.close();
  h = undefined as unknown as WecomHarness; // closed: the next test opens its own
});

const prisma = () => h.t.db.prisma;
const texts = (u: string) => h.to(u).map((m) => m.content ?? "");
const cards = (u: string, prefix: string) => h.to(u).filter((s) => s.msgtype === "template_card" && String((s.templateCard as { task_id: string }).task_id).startsWith(prefix)).map((s) => s.templateCard as { task_id: string; main_title?: { title?: string; desc?: string }; sub_title_text?: string; horizontal_content_list?: { keyname: string; value: string }[]; button_list?: { key: string; text: string }[] });
const cardText = (c: unknown) => JSON.stringify(c);
async function runJob(name: "surveys" | "survey-follow-ups", now: Date) {
  h.clock.set(now);
  const job = jobCatalogue({ prisma: prisma(), config: h.config, logger: h.logs.logger, services: h.runtime.services, domain: h.runtime.domain }).find((j) => j.name === name)!;
  const r = await job.run(now);
  await h.settle();
  return r;
}
/** applicant1 asks for a service; 刘洋 accepts and closes it at `closedAt`. */
async function closedService(createdAt: Date, closedAt: Date, outcome = "已出具风险排查报告") {
  h.clock.set(createdAt);
  const req = await requestService(h, 4, 2);
  await tap(h, "liuyang", "受理", "sr-");
  h.clock.set(closedAt);
  await h.text("liuyang", `办结 ${outcome}`);
  expect((await prisma().serviceRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe("CLOSED");
  return req;
}
describe("[8.1] [8.2] feedback surveys and the improvement loop", () => {
  it("[8.1] [8.2] closed service → survey after the holiday → reminder → anonymous low score → follow-up → escalated → closed → managers told → report; a combined survey under the fatigue cap", async () => {
    ({ h } = await operatingStudio({ start: at("2026-09-28"), env: { ADMIN_TOKEN: TOKEN } }));
    const a = await closedService(at("2026-09-28"), at("2026-09-30", "17:30"));

    // 1 hour after closing is 18:30: evening, then the National Day holiday (10-01..10-07).
    expect(await runJob("surveys", at("2026-09-30", "18:40"))).toMatchObject({ sent: 0 });
    expect(await runJob("surveys", at("2026-10-03", "10:00"))).toMatchObject({ sent: 0 });
    expect(await runJob("surveys", at("2026-10-08", "08:50"))).toMatchObject({ sent: 0 });
    expect(cards("applicant1", "sv-")).toHaveLength(0);
    expect(await runJob("surveys", at("2026-10-08", "09:00"))).toMatchObject({ sent: 1 });
    expect(await runJob("surveys", at("2026-10-08", "09:10"))).toMatchObject({ sent: 0 });
    const [invitation] = cards("applicant1", "sv-");
    expect(invitation!.button_list!.map((b) => b.text)).toEqual(["实名评价", "匿名评价"]);
    expect(cardText(invitation)).toContain("7.2.4 b 展前风险排查");
    const survey = await prisma().survey.findFirstOrThrow({ include: { services: true } });
    expect(survey).toMatchObject({ kind: "SERVICE", status: "OPEN", sentAt: at("2026-10-08", "09:00"), expiresAt: at("2026-10-15", "09:00") });
    expect(survey.services.map((s) => s.serviceRequestId)).toEqual([a.id]);

    // No answer: a reminder after 1 working day, once.
    expect(await runJob("surveys", at("2026-10-09", "08:30"))).toMatchObject({ reminded: 0 });
    expect(await runJob("surveys", at("2026-10-09", "10:00"))).toMatchObject({ reminded: 1 });
    expect(await runJob("surveys", at("2026-10-09", "10:10"))).toMatchObject({ reminded: 0 });
    expect(cards("applicant1", "sv-")).toHaveLength(2);
    expect(cards("applicant1", "sv-")[1]!.main_title?.title).toContain("【提醒】");

    // Answered anonymously from the reminder, with low scores and a comment.
    h.clock.set(at("2026-10-09", "10:30"));
    await tap(h, "applicant1", "匿名评价", "sv-");
    const recommendCards = () => cards("applicant1", "service-survey-").filter((c) => cardText(c).includes("推荐"));
    await tap(h, "applicant1", "2", "service-survey-");
    await tap(h, "applicant1", "1", "service-survey-");
    await tap(h, "applicant1", "3", "service-survey-");
    // 0–10 does not fit one card: every value is a button, across two cards.
    expect(recommendCards().flatMap((c) => c.button_list!.map((b) => b.text))).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    await tap(h, "applicant1", "4", "service-survey-");
    const comment = "受理后两天没人联系，希望改进响应速度";
    await h.text("applicant1", comment);
    expect(texts("applicant1").at(-1)).toContain("已转给市局知识产权科");
    const response = await prisma().surveyResponse.findFirstOrThrow();
    expect(response).toMatchObject({ anonymous: true, personId: null, overall: 2, timeliness: 1, professionalism: 3, recommend: 4, comment, answeredOn: "2026-10-09" });
    expect(await prisma().survey.findUniqueOrThrow({ where: { id: survey.id } })).toMatchObject({ status: "ANSWERED" });

    // A second answer to the same service is refused kindly; no second response.
    await tap(h, "applicant1", "实名评价", "sv-");
    expect(texts("applicant1").at(-1)).toBe("您已完成这份调查，感谢您的支持！");
    expect(await prisma().surveyResponse.count()).toBe(1);

    // 8.2: the studio's city IP officer has the follow-up with the comment, the respondent anonymous.
    const [followUpCard] = cards("zhanglei", "fu-");
    expect(cardText(followUpCard)).toContain(comment);
    expect(cardText(followUpCard)).toContain("匿名");
    expect(cardText(followUpCard)).not.toContain((await prisma().person.findFirstOrThrow({ where: { identities: { some: { externalId: "applicant1" } } } })).name);
    const followUp = await prisma().followUp.findFirstOrThrow();
    expect(followUp).toMatchObject({ status: "OPEN", openedOn: "2026-10-09", dueOn: "2026-10-15" }); // 5 working days (10-10 is a make-up working Saturday)

    // Answered: no reminder for it any more.
    expect(await runJob("surveys", at("2026-10-12", "10:00"))).toMatchObject({ reminded: 0 });

    // Two more services closed within 7 days of the survey: held back by the fatigue cap…
    const b = await closedService(at("2026-10-12", "09:30"), at("2026-10-12", "11:00"), "已完成检索");
    const c = await closedService(at("2026-10-13", "09:30"), at("2026-10-13", "15:00"), "已出具分析报告");
    expect(await runJob("surveys", at("2026-10-13", "16:10"))).toMatchObject({ sent: 0, deferred: 2 });
    expect(await runJob("surveys", at("2026-10-14", "16:10"))).toMatchObject({ sent: 0, deferred: 2 });

    // …then covered together by one combined survey once the window has passed.
    expect(await runJob("survey-follow-ups", at("2026-10-14", "16:20"))).toEqual({ reminded: 0, escalated: 0 });
    expect(await runJob("surveys", at("2026-10-15", "09:10"))).toMatchObject({ sent: 1, deferred: 0 });
    const combined = await prisma().survey.findFirstOrThrow({ where: { id: { not: survey.id } }, include: { services: true } });
    expect(combined.services.map((s) => s.serviceRequestId).sort()).toEqual([b.id, c.id].sort());
    const combinedCard = cards("applicant1", "sv-").at(-1)!;
    expect(cardText(combinedCard)).toContain("2 项服务申请已办结（合并为一次评价）");

    // The follow-up's due day: its owner is reminded, once.
    expect(await runJob("survey-follow-ups", at("2026-10-15", "10:05"))).toEqual({ reminded: 1, escalated: 0 });
    expect(await runJob("survey-follow-ups", at("2026-10-15", "11:05"))).toEqual({ reminded: 0, escalated: 0 });
    expect(texts("zhanglei").at(-1)).toContain("【回访提醒】");

    // The combined survey's first reminder, one working day after it was sent.
    expect(await runJob("surveys", at("2026-10-16", "10:00"))).toMatchObject({ reminded: 1 });

    // Past due: escalated to ADMIN, who closes it with the action taken.
    expect(await runJob("survey-follow-ups", at("2026-10-16", "10:05"))).toEqual({ reminded: 0, escalated: 1 });
    expect(texts("zhanglei").at(-1)).toContain("【回访超时】");
    expect(cardText(cards("admin1", "fu-")[0])).toContain(comment);
    h.clock.set(at("2026-10-16", "11:00"));
    await tap(h, "admin1", "登记处理结果", "fu-");
    await h.text("admin1", "已约谈服务机构，受理后 4 小时内联系企业");
    expect(texts("admin1").at(-1)).toContain("已告知工作室管理者");
    expect(await prisma().followUp.findFirstOrThrow()).toMatchObject({ status: "CLOSED", closedById: "demo-admin", resolution: "已约谈服务机构，受理后 4 小时内联系企业" });
    expect(texts("applicant1").some((t) => t.includes("匿名服务评价，市局知识产权科已跟进处理（8.2）：已约谈服务机构"))).toBe(true);
    // The officer's card is spent.
    await tap(h, "zhanglei", "登记处理结果", "fu-");
    expect(texts("zhanglei").at(-1)).toContain("无需再登记");

    // The combined survey is never answered: a second reminder after 3 working days, then it expires; a late answer is refused.
    expect(await runJob("surveys", at("2026-10-19", "10:00"))).toMatchObject({ reminded: 0 });
    expect(await runJob("surveys", at("2026-10-20", "10:00"))).toMatchObject({ reminded: 1 });
    expect(await runJob("surveys", at("2026-10-21", "10:00"))).toMatchObject({ reminded: 0 });
    expect(await runJob("surveys", at("2026-10-22", "09:20"))).toMatchObject({ expired: 1 });
    h.clock.set(at("2026-10-22", "10:00"));
    await tap(h, "applicant1", "实名评价", "sv-");
    expect(texts("applicant1").at(-1)).toContain("已于 10月22日 截止");

    // The report of October, through the admin API.
    const res = await h.runtime.app.request("/admin/reports/surveys?from=2026-10-01&to=2026-10-31", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { totals: Record<string, number | null> };
    expect(report.totals).toMatchObject({ surveysSent: 2, responses: 1, responseRate: 50, overall: 2, timeliness: 1, professionalism: 3, nps: -100, detractors: 1, followUpsOpened: 1, followUpsClosed: 1, followUpsOpen: 0, followUpsOverdue: 0, servicesCreated: 2, servicesClosed: 2 });
    // b: 09:30 → 11:00, c: 09:30 → 15:00.
    expect(report.totals.cycleHoursAverage).toBe(3.5);
    expect((await verifyAuditChain(prisma())).ok).toBe(true);
  });

  it("[8.2] a named low score: the city IP officer sees who answered, closes the follow-up, and the respondent is told directly", async () => {
    ({ h } = await operatingStudio({ start: at("2026-10-12", "09:00") }));
    await closedService(at("2026-10-12", "09:00"), at("2026-10-12", "10:00"));
    expect(await runJob("surveys", at("2026-10-12", "11:05"))).toMatchObject({ sent: 1 });
    h.clock.set(at("2026-10-12", "14:00"));
    await tap(h, "applicant1", "实名评价", "sv-");
    for (const s of ["4", "4", "2"]) await tap(h, "applicant1", s, "service-survey-");
    await tap(h, "applicant1", "9", "service-survey-");
    await h.text("applicant1", "跳过");
    const applicant = await prisma().person.findFirstOrThrow({ where: { identities: { some: { externalId: "applicant1" } } } });
    const card = cards("zhanglei", "fu-")[0]!;
    expect(cardText(card)).toContain(applicant.name);
    expect(cardText(card)).toContain("专业性 2/5");
    expect(cardText(card)).toContain("（未填写）");
    h.clock.set(at("2026-10-13", "10:00"));
    await tap(h, "zhanglei", "登记处理结果", "fu-");
    await h.text("zhanglei", "已与服务机构复盘，更换项目负责人");
    expect(texts("zhanglei").at(-1)).toBe("已记录处理结果，并已告知评价人。");
    expect(texts("applicant1").at(-1)).toBe("您此前的服务评价我们已跟进处理（8.2）：已与服务机构复盘，更换项目负责人\n感谢您的意见！");
    expect(await prisma().followUp.findFirstOrThrow()).toMatchObject({ status: "CLOSED", closedById: "demo-city-ip", openedOn: "2026-10-12", dueOn: "2026-10-19" });
  });
});
