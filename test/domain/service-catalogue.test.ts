import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createChineseWorkingCalendar } from "../../src/jobs/chinese-calendar.ts";
import { describeService, eligibility, offeredSubItems, SERVICE_CATEGORIES, SERVICE_SUB_ITEMS, serviceCategory, serviceSubItem } from "../../src/domain/studio/service-catalogue.ts";
import { acceptanceDue, dueEscalation } from "../../src/domain/studio/service-deadline.ts";
import { readClauses } from "../../scripts/trace.ts";

const calendar = createChineseWorkingCalendar();
const TZ = "Asia/Shanghai";
// A Wednesday 10:00 in Zhongshan, far from holidays: 1 working day = the same time Thursday.
const WED_10 = new Date("2026-11-25T02:00:00Z");
const THU_10 = "2026-11-26T02:00:00.000Z";
const WED_14 = "2026-11-25T06:00:00.000Z";

// 7.1 a–g in the standard's words, and the 7.2 section detailing each.
const SERVICES: [letter: string, text: string, section: string | null][] = [
  ["a", "支持完善知识产权管理体系建设", "7.2.1"],
  ["b", "支持高价值知识产权培育布局", "7.2.2"],
  ["c", "提供知识产权快速维权服务", "7.2.3"],
  ["d", "提高知识产权海外保护能力", "7.2.4"],
  ["e", "加大打击侵犯知识产权行为力度", "7.2.5"],
  ["f", "促进知识产权高效运用", "7.2.6"],
  ["g", "其他知识产权服务", null],
];

describe("service catalogue [7.1, 7.2]", () => {
  const checkService = (letter: string) => {
    const [, text, section] = SERVICES.find(([l]) => l === letter)!;
    const c = serviceCategory(letter)!;
    expect(c.clause).toBe(`7.1 ${letter}`);
    expect(c.text).toBe(text);
    expect([...c.label].length).toBeLessThanOrEqual(10);
    expect(c.section?.clause ?? null).toBe(section);
    if (section) {
      expect(c.subItems.length).toBeGreaterThanOrEqual(2);
      for (const s of c.subItems) expect(s.code.startsWith(`${section} `)).toBe(true);
    } else expect(c.subItems).toEqual([]);
  };
  it("[7.1 a] 支持完善知识产权管理体系建设: the standard's words, a short label, the sub-items of 7.2.1", () => checkService("a"));
  it("[7.1 b] 支持高价值知识产权培育布局: the standard's words, a short label, the sub-items of 7.2.2", () => checkService("b"));
  it("[7.1 c] 提供知识产权快速维权服务: the standard's words, a short label, the sub-items of 7.2.3", () => checkService("c"));
  it("[7.1 d] 提高知识产权海外保护能力: the standard's words, a short label, the sub-items of 7.2.4", () => checkService("d"));
  it("[7.1 e] 加大打击侵犯知识产权行为力度: the standard's words, a short label, the sub-items of 7.2.5", () => checkService("e"));
  it("[7.1 f] 促进知识产权高效运用: the standard's words, a short label, the sub-items of 7.2.6", () => checkService("f"));
  it("[7.1 g] 其他知识产权服务: the standard's words, a short label, no 7.2 sub-items", () => checkService("g"));

  // Each 7.2 sub-item: a phrase of the standard's wording, whether it is urgent (clause 4: a
  // dispute under 7.2.3 must be accepted within 4 working hours) and whether every industry gets it.
  const ITEMS: [code: string, phrase: string, urgent: boolean, everyIndustry: boolean][] = [
    ["7.2.1 a", "强化对采购、研发设计、生产加工、市场营销、售后服务等环节的全链条保护机制", false, true],
    ["7.2.1 b", "开展专利分析评议，研判侵权风险，制订应对预案", false, true],
    ["7.2.1 c", "建立健全员工尽职调查、技术来源合理性调查等技术秘密及商业秘密保护制度", false, true],
    ["7.2.2 a", "建设高价值知识产权培育布局中心", false, true],
    ["7.2.2 b", "建立专利导航企业发展工作机制", false, true],
    ["7.2.2 c", "主要竞争对手进行知识产权侵权风险监管的能力", false, true],
    ["7.2.3 a", "知识产权法律咨询公益服务，配合接受专利代理援助服务", true, true],
    ["7.2.3 b", "积极配合完成省保护中心快速预审服务主体备案", false, false],
    ["7.2.4 a", "开展知识产权海外布局，及时应对海外知识产权纠纷", false, true],
    ["7.2.4 b", "建立参加展会展前知识产权风险排查机制", false, true],
    ["7.2.4 c", "引导企业根据需要购买海外知识产权保险", false, true],
    ["7.2.5 a", "加大对重复侵权、群体侵权、恶意侵权行为的打击力度", false, true],
    ["7.2.5 b", "宜根据实际需要引入商业秘密辅导团队", false, true],
    ["7.2.6 a", "积极参加知识产权质押融资“入园惠企”“知识产权金融对接服务”等活动", false, true],
    ["7.2.6 b", "根据企业需要开展专利、商标等混合质押", false, true],
    ["7.2.6 c", "挖掘专利转化需求、收集精准专利供给信息", false, true],
  ];
  const checkItem = (code: string) => {
    const [, phrase, urgent, everyIndustry] = ITEMS.find(([c]) => c === code)!;
    const item = serviceSubItem(code)!;
    expect(item.code).toBe(code);
    expect(item.text).toContain(phrase);
    expect(item.text).not.toMatch(/[；。;]$/);
    expect([...item.label].length).toBeGreaterThanOrEqual(2);
    expect([...item.label].length).toBeLessThanOrEqual(10);
    expect(serviceCategory(item.category)!.subItems).toContain(item);
    const due = acceptanceDue(WED_10, code, calendar, TZ);
    expect(due.urgent).toBe(urgent);
    expect(due.dueAt.toISOString()).toBe(urgent ? WED_14 : THU_10);
    expect(eligibility(item, { industry: "other" })).toBe(everyIndustry ? "offered" : "not_offered");
    expect(offeredSubItems(item.category, { industry: "other" }).includes(item)).toBe(everyIndustry);
    expect(describeService(item.category, code)).toContain(`${code} ${item.label}`);
  };


  it("[7.2.1 a] management rules and plans: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.1 a"));
  it("[7.2.1 b] patent analysis and review: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.1 b"));
  it("[7.2.1 c] trade-secret protection: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.1 c"));
  it("[7.2.2 a] high-value IP layout centre: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.2 a"));
  it("[7.2.2 b] patent navigation: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.2 b"));
  it("[7.2.2 c] infringement-risk monitoring: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.2 c"));
  it("[7.2.3 a] pro-bono consultation early in a dispute (urgent): the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.3 a"));
  it("[7.2.3 b] fast pre-examination filing (two industries only): the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.3 b"));
  it("[7.2.4 a] overseas layout and disputes: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.4 a"));
  it("[7.2.4 b] trade-fair risk screening: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.4 b"));
  it("[7.2.4 c] overseas IP insurance: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.4 c"));
  it("[7.2.5 a] repeat, group and malicious infringement: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.5 a"));
  it("[7.2.5 b] trade-secret awareness: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.5 b"));
  it("[7.2.6 a] pledge financing: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.6 a"));
  it("[7.2.6 b] mixed pledges: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.6 b"));
  it("[7.2.6 c] transfer through platforms: the standard's wording, a label of ≤ 10 characters, its acceptance deadline, who may ask", () => checkItem("7.2.6 c"));

  it("[7.2.3 b] is offered only to new-generation IT and biomedicine enterprises; with the industry unknown it must be asked", () => {
    const item = serviceSubItem("7.2.3 b")!;
    expect(eligibility(item, { industry: "new_gen_it" })).toBe("offered");
    expect(eligibility(item, { industry: "biomedicine" })).toBe("offered");
    expect(eligibility(item, { industry: "other" })).toBe("not_offered");
    expect(eligibility(item, { industry: null })).toBe("ask_industry");
    expect(offeredSubItems("c", { industry: null }).map((s) => s.code)).toEqual(["7.2.3 a"]);
    expect(offeredSubItems("c", { industry: "biomedicine" }).map((s) => s.code)).toEqual(["7.2.3 a", "7.2.3 b"]);
  });

  it("[7.2.3 a] a dispute is urgent: 4 working hours, counted across the National Day break; [4] others get one working day", () => {
    // Wednesday 2026-09-30 17:00: one hour that day, then 1–7 October off, three hours on the 8th.
    expect(acceptanceDue(new Date("2026-09-30T09:00:00Z"), "7.2.3 a", calendar, TZ).dueAt.toISOString()).toBe("2026-10-08T04:00:00.000Z");
    // Friday 2026-10-09 16:00: two hours that day, seven on Saturday the 10th (调休上班).
    expect(acceptanceDue(new Date("2026-10-09T08:00:00Z"), "7.2.1 a", calendar, TZ).dueAt.toISOString()).toBe("2026-10-10T08:00:00.000Z");
    // Sent on Sunday night: counting starts Monday 09:00.
    expect(acceptanceDue(new Date("2026-11-29T14:00:00Z"), "7.2.3 a", calendar, TZ).dueAt.toISOString()).toBe("2026-11-30T05:00:00.000Z");
    expect(acceptanceDue(new Date("2026-11-29T14:00:00Z"), null, calendar, TZ)).toEqual({ urgent: false, dueAt: new Date("2026-11-30T10:00:00.000Z") });
  });

  it("lists exactly the 7.2 sub-items of docs/standard.md, with unique codes and labels, and reads loose codes", () => {
    const clauses = readClauses(readFileSync(join(import.meta.dirname, "../../docs/standard.md"), "utf8")).map((c) => c.id);
    expect(SERVICE_SUB_ITEMS.map((s) => s.code).sort()).toEqual(clauses.filter((id) => /^7\.2\.\d [a-z]$/.test(id)).sort());
    expect(SERVICE_CATEGORIES.map((c) => c.clause)).toEqual(clauses.filter((id) => /^7\.1 [a-z]$/.test(id)));
    expect(new Set(SERVICE_SUB_ITEMS.map((s) => s.label)).size).toBe(SERVICE_SUB_ITEMS.length);
    expect(serviceSubItem("7.2.4b")?.code).toBe("7.2.4 b");
    expect(serviceSubItem(" 7.2.4  B ")?.code).toBe("7.2.4 b");
    expect(serviceSubItem("7.2.7 a")).toBeUndefined();
    expect(serviceSubItem("7.2.3 c")).toBeUndefined();
    expect(describeService("g")).toBe("7.1 g 其他知识产权服务");
  });

  it("[4] a request not accepted in time goes to the studio's city IP officer, one period later to ADMIN, then no further; an accepted one never", () => {
    const created = new Date("2026-11-25T02:00:00Z"); // Wednesday 10:00
    const { dueAt, urgent } = acceptanceDue(created, "7.2.4 b", calendar, TZ);
    const open = { status: "OPEN", urgent, escalationLevel: 0, dueAt };
    expect(dueEscalation(open, new Date(dueAt.getTime() - 60_000), calendar, TZ)).toBeNull();
    const first = dueEscalation(open, dueAt, calendar, TZ)!;
    expect(first).toEqual({ level: 1, to: "STUDIO_CITY_IP_OFFICER", nextDueAt: new Date("2026-11-27T02:00:00Z") });
    expect(dueEscalation({ ...open, escalationLevel: 1, dueAt: first.nextDueAt }, new Date("2026-11-27T01:59:00Z"), calendar, TZ)).toBeNull();
    expect(dueEscalation({ ...open, escalationLevel: 1, dueAt: first.nextDueAt }, new Date("2026-11-27T02:00:00Z"), calendar, TZ)).toEqual({ level: 2, to: "ADMIN", nextDueAt: null });
    expect(dueEscalation({ ...open, escalationLevel: 2, dueAt: first.nextDueAt }, new Date("2026-12-30T02:00:00Z"), calendar, TZ)).toBeNull();
    expect(dueEscalation({ ...open, status: "ACCEPTED" }, new Date("2026-12-30T02:00:00Z"), calendar, TZ)).toBeNull();
    // [7.2.3 a] urgent: Wednesday 16:00 → due Thursday 11:00; escalated then, the officer has until 15:00.
    const u = acceptanceDue(new Date("2026-11-25T08:00:00Z"), "7.2.3 a", calendar, TZ);
    expect(u.dueAt).toEqual(new Date("2026-11-26T03:00:00Z"));
    expect(dueEscalation({ status: "OPEN", urgent: true, escalationLevel: 0, dueAt: u.dueAt }, u.dueAt, calendar, TZ)?.nextDueAt).toEqual(new Date("2026-11-26T07:00:00Z"));
  });
});
