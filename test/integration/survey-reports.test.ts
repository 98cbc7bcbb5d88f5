// 8.2 reports through the real /admin routes: a small realistic data set seeded with prisma (two
// studios, agency staff, services closed, a combined survey, a studio-wide survey with anonymous
// answers, follow-ups), the JSON figures computed by hand, the CSV and XLSX exports, the chart as PNG
// (Node) and as SVG (Workers: no PNG renderer, the chat report then text only), auth and 400s.
import { Resvg } from "@resvg/resvg-js";
import ExcelJS from "exceljs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { surveyReportText } from "../../src/app/reports/survey-report-text.ts";
import type { SurveyReport } from "../../src/domain/surveys/survey-report.ts";
import { studiosInScope, surveyFiguresFor } from "../../src/storage/survey-report-store.ts";
import { approvedStudio, linkDemoOfficers } from "../support/approved-studio.ts";
import { signCallback, textMessageXml } from "../fakes/wecom-callback-signer.ts";
import { createWecomHarness, testClock, WECOM, type WecomHarness } from "../support/wecom-harness.ts";

const TOKEN = "admin-token-reports-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };
const at = (iso: string) => new Date(iso);

describe("admin reports of surveys [8.2]", () => {
  let h: WecomHarness;
  let s1: { id: string; number: string };
  let s2: { id: string; number: string };
  const get = (path: string, headers: Record<string, string> = auth) => h.runtime.app.request(path, { headers });
  const json = async (path: string) => {
    const res = await get(path);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Record<string, any>;
  };

  beforeAll(async () => {
    // Sunday 2026-11-29, 12:00 in Zhongshan.
    h = await createWecomHarness({ env: { ADMIN_TOKEN: TOKEN }, clock: testClock(at("2026-11-29T04:00:00Z")) });
    const p = h.t.db.prisma;
    await linkDemoOfficers(h);
    const one = await approvedStudio(h, "applicant1", "中山市甲电器有限公司");
    const two = await approvedStudio(h, "applicant2", "中山市乙五金制品有限公司");
    // The seeded applications share one credit code, so one enterprise: give the second studio its
    // own, with a name that needs quoting in a CSV.
    const ent2 = await p.enterprise.create({ data: { name: '中山市乙五金,"制品"有限公司', townId: "xiaolan" } });
    two.studio = await p.studio.update({ where: { id: two.studio.id }, data: { enterpriseId: ent2.id } });
    await p.enterprise.update({ where: { id: one.studio.enterpriseId }, data: { name: "中山市甲电器有限公司" } });
    s1 = one.studio;
    s2 = two.studio;
    await p.person.update({ where: { id: one.applicant.id }, data: { name: "陈立新" } });
    const agency2 = await p.agency.create({ data: { name: "中山市粤知知识产权服务有限公司" } });
    await p.person.create({ data: { id: "p-sunyue", name: "孙悦", roles: { create: [{ role: "AGENCY_STAFF", agencyId: agency2.id }] } } });
    await p.person.create({ data: { id: "p-secret", name: "钱秘密", mobile: "13900000077" } });
    await p.studioMember.create({ data: { studioId: s1.id, personId: "demo-agency-staff", side: "AGENCY", employment: "FULL_TIME", agencyId: "demo-agency" } });

    const service = (id: string, studioId: string, category: string, createdAt: string, closed?: { at: string; by: string }) =>
      p.serviceRequest.create({
        data: { id, studioId, category, description: "需要帮助", requestedById: one.applicant.id, status: closed ? "CLOSED" : "OPEN", createdAt: at(createdAt), ...(closed ? { closedAt: at(closed.at), closedById: closed.by, outcome: "已办结" } : {}) },
      });
    await service("svcreq000005", s1.id, "a", "2026-10-20T02:00:00Z", { at: "2026-10-27T02:00:00Z", by: "demo-agency-staff" }); // October
    await service("svcreq000001", s1.id, "a", "2026-11-02T01:00:00Z", { at: "2026-11-03T03:00:00Z", by: "demo-agency-staff" }); // 26 h, 知桥 (seat)
    await service("svcreq000002", s1.id, "c", "2026-11-04T00:00:00Z", { at: "2026-11-04T10:00:00Z", by: "p-sunyue" }); // 10 h, 粤知 (grant)
    // 2026-11-01 00:30 and 11-02 01:30 in Zhongshan (still October 31 in UTC): 25 h, closed by an officer → 未指定机构.
    await service("svcreq000003", s2.id, "a", "2026-10-31T16:30:00Z", { at: "2026-11-01T17:30:00Z", by: "demo-city-ip" });
    await service("svcreq000004", s2.id, "b", "2026-11-10T02:00:00Z"); // open

    const survey = (id: string, kind: string, studio: { id: string; enterpriseId: string }, sentAt: string, services: string[], status: string) =>
      p.survey.create({
        data: { id, kind, studioId: studio.id, enterpriseId: studio.enterpriseId, flowId: "service-survey", flowVersion: 1, title: "服务评价", status, sentAt: at(sentAt), expiresAt: at("2026-12-31T00:00:00Z"), services: { create: services.map((serviceRequestId) => ({ serviceRequestId })) } },
      });
    const invite = (surveyId: string, personId: string, answeredOn: string | null) =>
      p.surveyInvitation.create({ data: { id: `inv-${surveyId}-${personId}`, surveyId, personId, sentAt: at("2026-11-01T00:00:00Z"), answeredOn } });
    const answer = (id: string, surveyId: string, who: string | null, answeredOn: string, [overall, timeliness, professionalism, recommend]: number[], comment: string | null) =>
      p.surveyResponse.create({ data: { id, surveyId, personId: who, anonymous: who === null, overall: overall!, timeliness: timeliness!, professionalism: professionalism!, recommend: recommend!, comment, flowVersion: 1, answeredOn } });

    await survey("sv-0", "SERVICE", one.studio, "2026-10-28T02:00:00Z", ["svcreq000005"], "ANSWERED");
    await invite("sv-0", one.applicant.id, "2026-11-02");
    await answer("resp-a", "sv-0", null, "2026-11-02", [4, 3, 5, 8], '=HYPERLINK("http://x")');
    await survey("sv-1", "SERVICE", one.studio, "2026-11-05T02:00:00Z", ["svcreq000001", "svcreq000002"], "ANSWERED"); // combined: a and c
    await invite("sv-1", one.applicant.id, "2026-11-06");
    await answer("resp-b", "sv-1", one.applicant.id, "2026-11-06", [2, 3, 4, 5], '响应慢，"再快点"\n第二行, 好');
    await p.followUp.create({ data: { id: "fu-1", responseId: "resp-b", studioId: s1.id, status: "OPEN", openedOn: "2026-11-06", dueOn: "2026-11-13" } });
    await survey("sv-2", "SERVICE", two.studio, "2026-11-06T02:00:00Z", ["svcreq000003"], "OPEN");
    await invite("sv-2", two.applicant.id, null);
    // Studio-wide, sent 2026-11-10 in Zhongshan (11-09 in UTC), to four managers; three answer, two anonymously.
    await survey("sv-3", "STUDIO", one.studio, "2026-11-09T16:30:00Z", [], "OPEN");
    for (const [who, day] of [["p-secret", "2026-11-11"], ["demo-manager-xiaolan", "2026-11-12"], [one.applicant.id, "2026-11-12"], ["demo-head-xiaolan", null]] as const) await invite("sv-3", who, day);
    await answer("resp-c", "sv-3", null, "2026-11-11", [5, 5, 5, 10], null);
    await answer("resp-d", "sv-3", "demo-manager-xiaolan", "2026-11-12", [4, 5, 4, 9], "很好");
    await answer("resp-e", "sv-3", null, "2026-11-12", [3, 4, 4, 6], "-1 分也不想给");
    await p.followUp.create({ data: { id: "fu-2", responseId: "resp-e", studioId: s1.id, status: "CLOSED", openedOn: "2026-11-12", dueOn: "2026-11-19", resolution: "已回访", closedAt: at("2026-11-13T02:00:00Z") } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("[8.2] the JSON figures of November, worked by hand: totals, per studio, per service type, per agency, per month", async () => {
    const r = await json("/admin/reports/surveys?from=2026-11-01&to=2026-11-30");
    expect(r).toMatchObject({ timeZone: "Asia/Shanghai", scope: { studio: null }, from: "2026-11-01", to: "2026-11-30", today: "2026-11-29" });
    const totals = {
      surveysSent: 3, // sv-1, sv-2, sv-3 (sv-0 went out in October)
      asked: 6, // 1 + 1 + 4 invitations of the studio-wide survey
      answered: 4,
      responseRate: 66.7,
      responses: 5, // all five answers are dated November
      overall: 3.6, // (4+2+5+4+3)/5
      timeliness: 4, // (3+3+5+5+4)/5
      professionalism: 4.4, // (5+4+5+4+4)/5
      promoters: 2,
      passives: 1,
      detractors: 2,
      nps: 0,
      followUpsOpened: 2,
      followUpsOpen: 1,
      followUpsOverdue: 1, // due 11-13
      followUpsClosed: 1,
      servicesCreated: 4, // 000001, 000002, 000003 (Nov 1 in Zhongshan), 000004
      servicesClosed: 3, // 26 h, 10 h, 25 h
      cycleHoursAverage: 20.3, // 61 / 3
      cycleHoursMedian: 25,
    };
    expect(r.totals).toEqual(totals);
    expect(r.backlog).toEqual({ open: 1, overdue: 1 });
    expect(r.byMonth).toEqual([{ key: "2026-11", label: "2026-11", ...totals }]);

    expect(r.byStudio.map((s: any) => [s.label, s.enterprise])).toEqual([
      [s1.number, "中山市甲电器有限公司"],
      [s2.number, '中山市乙五金,"制品"有限公司'],
    ]);
    expect(r.byStudio[0]).toMatchObject({ key: s1.id, surveysSent: 2, asked: 5, answered: 4, responseRate: 80, responses: 5, overall: 3.6, nps: 0, followUpsOpened: 2, servicesCreated: 2, servicesClosed: 2, cycleHoursAverage: 18, cycleHoursMedian: 18 });
    expect(r.byStudio[1]).toMatchObject({ key: s2.id, surveysSent: 1, asked: 1, answered: 0, responseRate: 0, responses: 0, overall: null, nps: null, followUpsOpened: 0, servicesCreated: 2, servicesClosed: 1, cycleHoursAverage: 25 });

    const type = (k: string) => r.byServiceType.find((t: any) => t.key === k);
    expect(r.byServiceType.map((t: any) => t.key)).toEqual(["a", "b", "c", "d", "e", "f", "g", "studio-wide"]);
    // a: sv-1 (answered) and sv-2 (not); answers to sv-1 and to sv-0 (which covered an "a" service): overall (2+4)/2, professionalism (4+5)/2, NPS (0 − 1)/2.
    expect(type("a")).toMatchObject({ clause: "7.1 a", label: "管理体系建设", surveysSent: 2, responseRate: 50, responses: 2, overall: 3, timeliness: 3, professionalism: 4.5, nps: -50, followUpsOverdue: 1, servicesCreated: 2, servicesClosed: 2, cycleHoursAverage: 25.5, cycleHoursMedian: 25.5 });
    expect(type("b")).toMatchObject({ surveysSent: 0, responses: 0, nps: null, servicesCreated: 1, servicesClosed: 0, cycleHoursMedian: null });
    expect(type("c")).toMatchObject({ surveysSent: 1, responseRate: 100, responses: 1, overall: 2, nps: -100, servicesClosed: 1, cycleHoursMedian: 10 });
    // Three of four managers: overall 12/3, timeliness 14/3, professionalism 13/3, NPS (2 − 1)/3.
    expect(type("studio-wide")).toMatchObject({ clause: null, surveysSent: 1, asked: 4, answered: 3, responseRate: 75, responses: 3, overall: 4, timeliness: 4.67, professionalism: 4.33, nps: 33, followUpsOpened: 1, followUpsClosed: 1 });

    const agency = (label: string) => r.byAgency.find((a: any) => a.label === label);
    expect(r.byAgency.map((a: any) => a.label).slice(-2)).toEqual(["未指定机构", "工作室整体评价"]);
    expect(r.byAgency).toHaveLength(4);
    // 知桥: the seat of 刘洋 on the studio; sv-1 and the October sv-0's answer.
    expect(agency("中山市知桥知识产权代理有限公司")).toMatchObject({ key: "demo-agency", surveysSent: 1, responses: 2, overall: 3, nps: -50, servicesCreated: 1, servicesClosed: 1, cycleHoursAverage: 26 });
    // 粤知: 孙悦's grant (no seat).
    expect(agency("中山市粤知知识产权服务有限公司")).toMatchObject({ surveysSent: 1, responses: 1, nps: -100, servicesCreated: 1, servicesClosed: 1, cycleHoursAverage: 10 });
    expect(agency("未指定机构")).toMatchObject({ key: "none", surveysSent: 1, responseRate: 0, responses: 0, servicesCreated: 2, servicesClosed: 1, cycleHoursAverage: 25 });

    // The same figures as the chat text of 服务评价.
    const text = surveyReportText(r as SurveyReport, "2026年11月 · 全市");
    expect(text).toContain("答复 5 份；回复率 66.7%（本期发出 3 份问卷，应答 6 人次，已答 4）");
    expect(text).toContain("总体满意 3.60 · 及时性 4.00 · 专业性 4.40");
    expect(text).toContain("NPS 0（推荐 2 · 中立 1 · 贬损 2）");
    expect(text).toContain("本期新开 2 条，已办结 1 条；目前未办结 1 条，其中逾期 1 条");
    expect(text).toContain("新申请 4 件，办结 3 件，办理时长中位数 25 小时");
    expect(text).toContain(`答复最多的工作室：\n1. ${s1.number} 中山市甲电器有限公司：5 份，满意 3.60，NPS 0`);
    expect(text).not.toContain(s2.number); // no answers: not among the top
    expect(text.length).toBeLessThanOrEqual(1000);
  });

  it("[8.2] defaults to this month up to today; a studio by number narrows the scope; bad input is a 400 with the reason", async () => {
    const r = await json("/admin/reports/surveys");
    expect([r.from, r.to]).toEqual(["2026-11-01", "2026-11-29"]);
    expect(r.totals.responses).toBe(5);
    const two = await json(`/admin/reports/surveys?studio=${s2.number}&from=2026-10-01&to=2026-11-29`);
    expect(two.scope).toEqual({ studio: s2.number });
    expect(two.byStudio.map((s: any) => s.key)).toEqual([s2.id]);
    expect(two.totals).toMatchObject({ surveysSent: 1, responses: 0, servicesCreated: 2, servicesClosed: 1 });
    expect(two.byMonth.map((m: any) => [m.key, m.servicesCreated])).toEqual([["2026-10", 0], ["2026-11", 2]]);
    expect((await json(`/admin/reports/surveys?studio=${s2.id}`)).scope).toEqual({ studio: s2.number });

    for (const [q, reason] of [
      ["from=2026-02-30", /from must be a date YYYY-MM-DD/],
      ["to=yesterday", /to must be a date/],
      ["from=2026-11-30&to=2026-11-01", /from \(2026-11-30\) is after to \(2026-11-01\)/],
      ["from=2000-01-01&to=2026-11-01", /at most 120/],
      ["studio=ZSIPS-1999-999", /no studio "ZSIPS-1999-999"/],
      ["studio=", /no studio/],
    ] as const) {
      for (const path of ["/admin/reports/surveys", "/admin/reports/survey-responses.csv", "/admin/reports/survey-responses.xlsx"]) {
        const res = await get(`${path}?${q}`);
        expect(res.status, `${path}?${q}`).toBe(400);
        expect(((await res.json()) as { message: string }).message).toMatch(reason);
      }
    }
  });

  it("[8.2] any query string gets a 200 or a 400, never a 5xx", async () => {
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("2026-11-01", "2026-02-29", "2026-13-01", "0000-00-00", "9999-12-31", s1.number, "%", "'; drop table x"));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("surveys", "survey-responses.csv"), fc.dictionary(fc.constantFrom("from", "to", "studio"), value), async (route, params) => {
        const res = await get(`/admin/reports/${route}?${new URLSearchParams(params)}`);
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 60 },
    );
  });

  it("[8.2] [8.1] the CSV: BOM, one row per answer, quoting, formula guard; an anonymous answer shows 匿名 and nothing of its person", async () => {
    const res = await get("/admin/reports/survey-responses.csv?from=2026-11-01&to=2026-11-30");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="survey-responses_2026-11-01_2026-11-30.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes.slice(3));
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("问卷编号,类型,工作室编号,企业,涵盖服务,答复日期,总体满意度(1-5),及时性(1-5),专业性(1-5),推荐意愿(0-10),意见,答复人");
    // [8.1] anonymous: neither the survey nor the request numbers (they lead back to who was asked), the service type only.
    expect(lines[1]).toBe(`匿名,服务评价,${s1.number},中山市甲电器有限公司,a 管理体系建设,2026-11-02,4,3,5,8,"'=HYPERLINK(""http://x"")",匿名`);
    // A comment with quotes, a comma and a line break stays one field.
    expect(csv).toContain(`sv-1,服务评价,${s1.number},中山市甲电器有限公司,000001 a 管理体系建设；000002 c 快速维权,2026-11-06,2,3,4,5,"响应慢，""再快点""\n第二行, 好",陈立新\r\n`);
    expect(csv).toContain(`匿名,工作室整体评价,${s1.number},中山市甲电器有限公司,,2026-11-11,5,5,5,10,,匿名\r\n`);
    expect(csv).toContain(",2026-11-12,4,5,4,9,很好,梁婉仪\r\n");
    expect(csv).toContain(",2026-11-12,3,4,4,6,'-1 分也不想给,匿名\r\n");
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.match(/\r\n(sv-|匿名,)/g)).toHaveLength(5); // five answers: two named, three anonymous
    // 8.1: who answered anonymously is nowhere in the file (nor any person id or mobile).
    for (const secret of ["钱秘密", "p-secret", "13900000077", "demo-manager-xiaolan", "inv-"]) expect(csv).not.toContain(secret);
    expect(csv.match(/匿名/g)).toHaveLength(6); // three anonymous answers: in the first and the last column

    // Scoped to the second studio: no answers, the header only.
    const empty = await (await get(`/admin/reports/survey-responses.csv?studio=${s2.number}&from=2026-11-01&to=2026-11-30`)).text();
    expect(empty.replace(/^\uFEFF/, "").split("\r\n").filter(Boolean)).toHaveLength(1);
  });

  it("[8.2] [8.1] the XLSX reads back with the same rows; anonymous answers without their person", async () => {
    const res = await get("/admin/reports/survey-responses.xlsx?from=2026-11-01&to=2026-11-30&studio=" + encodeURIComponent(s1.number));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="survey-responses_${s1.number}_2026-11-01_2026-11-30.xlsx"`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    const ws = wb.getWorksheet("答复")!;
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toHaveLength(6);
    expect(rows[0]![10]).toBe("意见");
    // Text, never a formula: the leading = stays inert.
    expect(rows[1]).toEqual(["匿名", "服务评价", s1.number, "中山市甲电器有限公司", "a 管理体系建设", "2026-11-02", 4, 3, 5, 8, '=HYPERLINK("http://x")', "匿名"]);
    expect(rows[2]).toEqual(["sv-1", "服务评价", s1.number, "中山市甲电器有限公司", "000001 a 管理体系建设；000002 c 快速维权", "2026-11-06", 2, 3, 4, 5, '响应慢，"再快点"\n第二行, 好', "陈立新"]);
    expect(rows.slice(3).map((r) => r[11]).sort()).toEqual(["匿名", "匿名", "梁婉仪"]);
    const everything = JSON.stringify(rows);
    for (const secret of ["钱秘密", "p-secret", "13900000077"]) expect(everything).not.toContain(secret);
  });

  it("[8.2] an officer's scope for 服务评价: a town officer gets the studios of their town, city officers every one, others none", async () => {
    const p = h.t.db.prisma;
    const roles = async (id: string) => (await h.runtime.services.directory.get(id))!.roles;
    expect(new Set(await studiosInScope(p, await roles("demo-town-xiaolan")))).toEqual(new Set([s1.id, s2.id]));
    expect(await studiosInScope(p, await roles("demo-town-zhongshangang"))).toEqual([]);
    for (const id of ["demo-city-ip", "demo-city-leader", "demo-admin"]) expect(await studiosInScope(p, await roles(id))).toBe("all");
    for (const id of ["demo-agency-staff", "demo-manager-xiaolan"]) expect(await studiosInScope(p, await roles(id))).toEqual([]);
    // The figures the chat command gets: the same as the route's, and nothing for an empty scope.
    const q = { from: "2026-11-01", to: "2026-11-30", today: "2026-11-29", timeZone: "Asia/Shanghai" };
    expect((await surveyFiguresFor(p, { ...q, studioIds: [s1.id] })).totals).toMatchObject({ responses: 5, responseRate: 80 });
    const none = await surveyFiguresFor(p, { ...q, studioIds: [] });
    expect([none.totals.responses, none.totals.surveysSent, none.totals.servicesCreated, none.byStudio.length, none.backlog.open]).toEqual([0, 0, 0, 0, 0]);
  });

  it("[8.2] every report route needs the admin token", async () => {
    for (const path of ["/admin/reports/surveys", "/admin/reports/surveys.png", "/admin/reports/surveys.svg", "/admin/reports/survey-responses.csv", "/admin/reports/survey-responses.xlsx"]) {
      expect((await get(path, {})).status, path).toBe(401);
      expect((await get(path, { authorization: "Bearer wrong-token-0123456789" })).status, path).toBe(401);
    }
  });

  it("[8.2] the chart of the scores per month is a PNG", async () => {
    const res = await get("/admin/reports/surveys.png?from=2026-06-01&to=2026-11-30");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    const png = new Uint8Array(await res.arrayBuffer());
    expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect((await get("/admin/reports/surveys.png?from=2026-13-01")).status).toBe(400);
  });

  it("[8.2] without a PNG renderer (the Workers build): the chart is an SVG with its title, and 服务评价 图表 in chat is its text, no picture", async () => {
    // A second app on the same database and fake WeCom, built as the Workers entry builds it: no chartRenderer.
    const worker = createRuntime({ config: h.config, db: h.t.db, logger: h.logs.logger, clock: h.clock, fetch: h.fake.fetch });
    // surveys.png answers the SVG there (its Content-Type says so); surveys.svg is the same on every runtime.
    for (const path of ["/admin/reports/surveys.svg", "/admin/reports/surveys.png"]) {
      const res = await worker.app.request(`${path}?from=2026-06-01&to=2026-11-30`, { headers: auth });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toBe("image/svg+xml");
      expect(res.headers.get("content-security-policy"), path).toContain("default-src 'none'");
      const svg = await res.text();
      expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(svg).toContain("服务评价 2026-06-01 至 2026-11-30");
      expect(svg).toContain('stroke="#2f6fdf"'); // the overall-score line
      // Well-formed: resvg parses it and draws it at its size.
      const img = new Resvg(svg, { font: { loadSystemFonts: false } }).render();
      expect([img.width, img.height]).toEqual([960, 540]);
    }
    expect((await worker.app.request("/admin/reports/surveys.svg?from=2026-13-01", { headers: auth })).status).toBe(400);

    const sent = h.fake.sent.length;
    const uploads = h.fake.uploads.length;
    h.clock.advance(3_000);
    const time = Math.floor(h.clock.now().getTime() / 1000);
    const innerXml = textMessageXml({ toUser: WECOM.corpId, fromUser: "zhanglei", content: "服务评价 图表", msgId: "8200001", createTime: time, agentId: WECOM.agentId });
    const signed = signCallback({ ...WECOM, innerXml, timestamp: time, agentId: WECOM.agentId });
    expect((await worker.app.request(`/webhooks/wecom?${signed.query}`, { method: "POST", body: signed.body, headers: { "content-type": "text/xml" } })).status).toBe(200);
    await worker.services.settle();
    await worker.services.dispatcher.drain();
    const replies = h.fake.sent.slice(sent).filter((m) => m.touser === "zhanglei");
    expect(replies.map((m) => m.msgtype)).toEqual(["text"]);
    // The last 12 months for the city officer: what an image's alt text would say.
    const year = await surveyFiguresFor(h.t.db.prisma, { from: "2025-12-01", to: "2026-11-29", today: "2026-11-29", timeZone: "Asia/Shanghai" });
    expect(replies[0]!.content).toContain(`服务评价图表（全市）：${surveyReportText(year, "全市")}`);
    expect(h.fake.uploads.length).toBe(uploads);
  });
});
