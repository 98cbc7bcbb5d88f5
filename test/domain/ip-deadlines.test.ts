// The register's legal deadlines (issue 13, "The rules"), worked by hand: every expected date and
// amount below is computed in the comment next to it from the law, never by the code under test.
// Calendar: the real 2026 Chinese calendar (国务院办公厅 notice: 10-01..10-07 off, 10-10 a make-up
// working Saturday); later years not in the package fall back to weekends only.
import { describe, expect, it } from "vitest";
import { createWorkingCalendar } from "../../src/domain/calendar/working-days.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import { deadlinesOf, validateAssetFacts } from "../../src/domain/ip/deadlines.ts";
import type { AssetFacts, Deadline } from "../../src/domain/ip/ip-types.ts";
import { createChineseWorkingCalendar } from "../../src/jobs/chinese-calendar.ts";

const calendar = createChineseWorkingCalendar();
const weekendsOnly = createWorkingCalendar({ holidays: new Set(), makeupWorkdays: new Set() });
const at = (today: string, asset: AssetFacts, cal = calendar): Deadline[] => deadlinesOf(asset, { today, calendar: cal });
const brief = (ds: Deadline[]) => ds.map((d) => [d.key, d.nominalDate, d.dueDate, d.graceEndDate]);
const one = (ds: Deadline[], key: string): Deadline => {
  const d = ds.find((x) => x.key === key);
  if (!d) throw new Error(`no ${key} in ${ds.map((x) => x.key).join(", ")}`);
  return d;
};

describe("patent annuities [专利法第四十三条, 细则第五条、第一百一十五条]", () => {
  it("an annuity due on the National Day holiday (2026-10-03) is due on the next working day, 2026-10-08", () => {
    // Filed 2015-10-03: year 12 starts on the 11th anniversary, 2026-10-03 (a holiday Saturday);
    // 10-04..10-07 are off too, 10-08 (Thursday) is the first working day. Granted 2018-05-10, in
    // year 3 (2017-10-03 ≤ grant < 2018-10-03), so the 85% reduction covers years 3..12: year 12 is
    // the last one reduced. Invention years 10–12: 4,000 yuan; payable 4,000 × 15% = 600.
    const ds = at("2026-07-01", { kind: "PATENT_INVENTION", title: "散热器", filingDate: "2015-10-03", grantDate: "2018-05-10", annuityPaidYear: 11, feeReductionPct: 85 });
    const a = one(ds, "ANNUITY:12");
    expect([a.nominalDate, a.dueDate]).toEqual(["2026-10-03", "2026-10-08"]);
    expect(a.detail).toMatchObject({ year: 12, feeYuan: 4000, reductionPct: 85, payableYuan: 600, grantYear: 3, monthsLate: 0, lateFeeYuan: 0, lapsed: false });
    expect(a.offsets).toEqual([90, 30, 7, 1]);
    expect(a.label).toBe("第 12 年年费");
    // The term: 20 years from 2015-10-03, the last day 2035-10-02.
    expect(brief(ds)).toEqual([
      ["ANNUITY:12", "2026-10-03", "2026-10-08", a.graceEndDate],
      ["PATENT_TERM", "2035-10-02", "2035-10-02", null],
    ]);
  });

  it("the grace period ends 6 months after the NOMINAL due date, moved off a rest day", () => {
    // 2026-10-03 + 6 months = 2027-04-03, a Saturday → Monday 2027-04-05 (weekend-only calendar:
    // the 2027 holidays are not published in the package).
    const [a] = at("2026-07-01", { kind: "PATENT_INVENTION", title: "散热器", filingDate: "2015-10-03", grantDate: "2018-05-10", annuityPaidYear: 11 }, weekendsOnly);
    expect(a?.graceEndDate).toBe("2027-04-05");
  });

  it("a due date on the 2026-10-10 make-up Saturday stays; one on an ordinary Sunday moves to Monday", () => {
    // Filed 2016-10-10 → year 11 due 2026-10-10 (调休上班). Filed 2016-10-11 → 2026-10-11 (Sunday) → 10-12.
    const inv = (filingDate: string) => one(at("2026-07-01", { kind: "PATENT_INVENTION", title: "a", filingDate, grantDate: "2018-03-01", annuityPaidYear: 10 }), "ANNUITY:11");
    expect([inv("2016-10-10").nominalDate, inv("2016-10-10").dueDate]).toEqual(["2026-10-10", "2026-10-10"]);
    expect([inv("2016-10-11").nominalDate, inv("2016-10-11").dueDate]).toEqual(["2026-10-11", "2026-10-12"]);
  });

  it("85% reduction in year 5 after a 2020 grant: 1,200 × 15% = 180 yuan", () => {
    // Filed 2017-03-15, granted 2020-08-20: year 4 (2020-03-15 ≤ grant < 2021-03-15). Year 5 is
    // due on 2021-03-15 (a Monday); invention years 4–6: 1,200; reduced years 4..13.
    // Grace: 2021-09-15 (a Wednesday). Term: 2037-03-14.
    const ds = at("2021-01-10", { kind: "PATENT_INVENTION", title: "轴承", filingDate: "2017-03-15", grantDate: "2020-08-20", annuityPaidYear: 4, feeReductionPct: 85 });
    expect(brief(ds)).toEqual([
      ["ANNUITY:5", "2021-03-15", "2021-03-15", "2021-09-15"],
      ["PATENT_TERM", "2037-03-14", "2037-03-14", null],
    ]);
    expect(one(ds, "ANNUITY:5").detail).toMatchObject({ year: 5, feeYuan: 1200, reductionPct: 85, payableYuan: 180, grantYear: 4 });
  });

  it("the reduction ends after 10 years from the grant year: year 13 pays 900, year 14 the full 6,000", () => {
    // Grant year 4 → reduced years 4..13. Years 13–15: 6,000. Year 13 due 2029-03-15 (Thursday):
    // 6,000 × 15% = 900. Year 14 due 2030-03-15 (Friday): no reduction, 6,000.
    const asset = { kind: "PATENT_INVENTION", title: "轴承", filingDate: "2017-03-15", grantDate: "2020-08-20", feeReductionPct: 85 } as const;
    const y13 = one(at("2029-01-10", { ...asset, annuityPaidYear: 12 }), "ANNUITY:13");
    expect([y13.dueDate, y13.detail.feeYuan, y13.detail.reductionPct, y13.detail.payableYuan]).toEqual(["2029-03-15", 6000, 85, 900]);
    const y14 = one(at("2030-01-10", { ...asset, annuityPaidYear: 13 }), "ANNUITY:14");
    expect([y14.dueDate, y14.detail.feeYuan, y14.detail.reductionPct, y14.detail.payableYuan]).toEqual(["2030-03-15", 6000, 0, 6000]);
  });

  it("70% reduction: 2,000 × 30% = 600; without a grant date nothing is due yet", () => {
    // Filed 2020-03-16, granted 2022-01-10 (year 2: before 2022-03-16) → reduced years 2..11.
    // Year 7 due 2026-03-16 (Monday); invention years 7–9: 2,000.
    const a = one(at("2026-01-10", { kind: "PATENT_INVENTION", title: "x", filingDate: "2020-03-16", grantDate: "2022-01-10", annuityPaidYear: 6, feeReductionPct: 70 }), "ANNUITY:7");
    expect([a.dueDate, a.graceEndDate, a.detail.payableYuan, a.detail.grantYear]).toEqual(["2026-03-16", "2026-09-16", 600, 2]);
    // A pending application: only the term (no annuity before the grant, 细则第一百一十四条).
    expect(at("2026-01-10", { kind: "PATENT_INVENTION", title: "x", filingDate: "2020-03-16" }).map((d) => d.key)).toEqual(["PATENT_TERM"]);
  });

  it("with no annuityPaidYear the grant year's annuity counts as paid at registration", () => {
    // Granted in year 2 (above): the next annuity is year 3, due 2022-03-16 (Wednesday).
    const a = one(at("2022-01-20", { kind: "PATENT_INVENTION", title: "x", filingDate: "2020-03-16", grantDate: "2022-01-10" }), "ANNUITY:3");
    expect([a.dueDate, a.detail.feeYuan]).toEqual(["2022-03-16", 900]);
  });

  it("during the grace period the annuity stays listed with today's late fee; after it, lapsed and silent", () => {
    const asset = { kind: "PATENT_INVENTION", title: "x", filingDate: "2020-03-16", grantDate: "2022-01-10", annuityPaidYear: 6, feeReductionPct: 70 } as const;
    // 2026-05-20 is in month 3 after 2026-03-16 (05-17..06-16): 10% of the FULL 2,000 = 200.
    const grace = one(at("2026-05-20", asset), "ANNUITY:7");
    expect(grace.detail).toMatchObject({ monthsLate: 3, lateFeeYuan: 200, lapsed: false, payableYuan: 600 });
    expect(grace.offsets).toEqual([90, 30, 7, 1]);
    // 2026-10-01 is after the grace end 2026-09-16: lapsed as of 2026-03-16, 25% = 500 to restore.
    const lapsed = one(at("2026-10-01", asset), "ANNUITY:7");
    expect(lapsed.detail).toMatchObject({ monthsLate: 6, lateFeeYuan: 500, lapsed: true });
    expect(lapsed.offsets).toEqual([]);
  });

  it("the last annuity is within the term; after the term there is nothing", () => {
    // Utility model filed 2016-06-20: 10 years, last day 2026-06-19; year 10 due 2025-06-20.
    const ds = at("2025-01-10", { kind: "PATENT_UTILITY", title: "u", filingDate: "2016-06-20", grantDate: "2017-01-05", annuityPaidYear: 9 });
    expect(brief(ds).map((b) => b.slice(0, 2))).toEqual([
      ["ANNUITY:10", "2025-06-20"],
      ["PATENT_TERM", "2026-06-19"],
    ]);
    expect(one(ds, "ANNUITY:10").detail.feeYuan).toBe(2000);
    // Year 10 paid: no year 11 for a utility model.
    expect(at("2025-07-01", { kind: "PATENT_UTILITY", title: "u", filingDate: "2016-06-20", grantDate: "2017-01-05", annuityPaidYear: 10 }).map((d) => d.key)).toEqual(["PATENT_TERM"]);
    expect(at("2026-06-20", { kind: "PATENT_UTILITY", title: "u", filingDate: "2016-06-20", grantDate: "2017-01-05", annuityPaidYear: 10 })).toEqual([]);
  });
});

describe("patent term [专利法第四十二条]", () => {
  it("a design filed 2021-05-31 has 10 years (last day 2031-05-30); one filed 2021-06-01 has 15 (2036-05-31)", () => {
    const before = one(at("2026-01-10", { kind: "PATENT_DESIGN", title: "灯罩", filingDate: "2021-05-31" }), "PATENT_TERM");
    const after = one(at("2026-01-10", { kind: "PATENT_DESIGN", title: "灯罩", filingDate: "2021-06-01" }), "PATENT_TERM");
    expect([before.dueDate, before.detail.termYears]).toEqual(["2031-05-30", 10]);
    expect([after.dueDate, after.detail.termYears]).toEqual(["2036-05-31", 15]);
  });

  it("a design's year-11 annuity exists only with the 15-year term: 3,000 yuan", () => {
    // Filed 2021-06-01, year 11 due 2031-06-01 (a Sunday → Monday 2031-06-02 on a weekend-only calendar).
    const a = one(at("2031-01-10", { kind: "PATENT_DESIGN", title: "灯罩", filingDate: "2021-06-01", grantDate: "2021-12-01", annuityPaidYear: 10 }, weekendsOnly), "ANNUITY:11");
    expect([a.nominalDate, a.dueDate, a.detail.feeYuan]).toEqual(["2031-06-01", "2031-06-02", 3000]);
    expect(at("2030-01-10", { kind: "PATENT_DESIGN", title: "灯罩", filingDate: "2021-05-31", grantDate: "2021-12-01", annuityPaidYear: 10 }).map((d) => d.key)).toEqual(["PATENT_TERM"]);
  });
});

describe("Paris priority [巴黎公约第四条, 专利法第二十九条, 商标法第二十五条]", () => {
  it("12 months for an invention, 6 for a design or a trademark, from the Chinese filing date; not moved", () => {
    // Filed 2026-03-16: invention → 2027-03-16; design → 2026-09-16; term 20 → 2046-03-15, 15 → 2041-03-15.
    expect(brief(at("2026-04-01", { kind: "PATENT_INVENTION", title: "x", filingDate: "2026-03-16" }))).toEqual([
      ["PRIORITY", "2027-03-16", "2027-03-16", null],
      ["PATENT_TERM", "2046-03-15", "2046-03-15", null],
    ]);
    expect(brief(at("2026-04-01", { kind: "PATENT_DESIGN", title: "x", filingDate: "2026-03-16" }))).toEqual([
      ["PRIORITY", "2026-09-16", "2026-09-16", null],
      ["PATENT_TERM", "2041-03-15", "2041-03-15", null],
    ]);
    expect(brief(at("2026-04-01", { kind: "TRADEMARK", title: "榄盛", filingDate: "2026-03-16" }))).toEqual([["PRIORITY", "2026-09-16", "2026-09-16", null]]);
  });

  it("counts from the priority date when the filing claims one; none for a filing abroad", () => {
    // Priority 2025-12-01 + 12 months = 2026-12-01.
    expect(one(at("2026-04-01", { kind: "PATENT_UTILITY", title: "x", filingDate: "2026-03-16", priorityDate: "2025-12-01" }), "PRIORITY").dueDate).toBe("2026-12-01");
    expect(at("2026-04-01", { kind: "PATENT_UTILITY", title: "x", filingDate: "2026-03-16", jurisdiction: "US" }).map((d) => d.key)).toEqual(["PATENT_TERM"]);
  });
});

describe("trademarks [商标法第三十九条、第四十条, 实施条例第十二条]", () => {
  it("registered 2016-04-04: valid to 2026-04-03, window from 2025-04-04, grace to 2026-10-03 → 2026-10-08", () => {
    const [d, ...rest] = at("2026-01-10", { kind: "TRADEMARK", title: "榄盛", number: "12345678", grantDate: "2016-04-04" });
    expect(rest).toEqual([]);
    expect([d?.kind, d?.nominalDate, d?.dueDate, d?.graceEndDate]).toEqual(["TM_RENEWAL", "2026-04-03", "2026-04-03", "2026-10-08"]);
    // 2025-04-04 → 2026-04-03 is 364 days: the first reminder when the window opens.
    expect(d?.offsets).toEqual([364, 90, 30, 7, 1]);
    expect(d?.detail).toMatchObject({ windowOpens: "2025-04-04", expiryDate: "2026-04-03", assumedRenewed: false });
  });

  it("the expiry itself is not moved off a holiday (条例第十二条第二款): 2016-10-02 → 2026-10-01", () => {
    const [d] = at("2026-01-10", { kind: "TRADEMARK", title: "x", grantDate: "2016-10-02" });
    // Grace: 2026-10-01 + 6 months = 2027-04-01, a Thursday.
    expect([d?.dueDate, d?.graceEndDate]).toEqual(["2026-10-01", "2027-04-01"]);
  });

  it("registered on 29 February: valid to 28 February (no corresponding day), window from 1 March", () => {
    const [d] = at("2026-01-10", { kind: "TRADEMARK", title: "x", grantDate: "2016-02-29" });
    // Grace: 2026-02-28 + 6 months = 2026-08-28, a Friday.
    expect([d?.dueDate, d?.graceEndDate, d?.detail.windowOpens]).toEqual(["2026-02-28", "2026-08-28", "2025-03-01"]);
  });

  it("an entered expiry date wins; in the grace period the renewal stays listed", () => {
    expect(at("2026-01-10", { kind: "TRADEMARK", title: "x", grantDate: "2016-04-04", expiryDate: "2026-04-10" })[0]?.dueDate).toBe("2026-04-10");
    // Registered 2016-01-20 → expired 2026-01-19; grace 2026-07-19 (Sunday) → 2026-07-20.
    const [d] = at("2026-03-01", { kind: "TRADEMARK", title: "x", grantDate: "2016-01-20" });
    expect([d?.dueDate, d?.graceEndDate]).toEqual(["2026-01-19", "2026-07-20"]);
  });

  it("a term whose grace period is over is taken as renewed: 2005-03-10 → 2015-03-09 → 2025-03-09 → 2035-03-09", () => {
    const [d] = at("2026-01-10", { kind: "TRADEMARK", title: "x", grantDate: "2005-03-10" });
    expect([d?.dueDate, d?.detail.assumedRenewed]).toEqual(["2035-03-09", true]);
  });

  it("a mark abroad: no Chinese holiday moves its grace end", () => {
    const [d] = at("2026-01-10", { kind: "TRADEMARK", title: "x", grantDate: "2016-04-04", jurisdiction: "US" });
    expect([d?.dueDate, d?.graceEndDate, d?.detail.domestic]).toEqual(["2026-04-03", "2026-10-03", false]);
  });
});

describe("PCT national phase [细则第一百二十条, PCT 第二十二条、第三十九条]", () => {
  it("priority 2024-04-03: CN 30 months 2026-10-03 → 2026-10-08 (32 months 2026-12-03), EP/KR 31, US/JP 30 unmoved", () => {
    const ds = at("2026-01-10", { kind: "PCT", title: "x", number: "PCT/CN2024/000001", priorityDate: "2024-04-03", filingDate: "2025-03-20", countries: "CN,EP,US,JP,KR" });
    expect(brief(ds)).toEqual([
      ["PCT_NATIONAL_PHASE:JP", "2026-10-03", "2026-10-03", null],
      ["PCT_NATIONAL_PHASE:US", "2026-10-03", "2026-10-03", null],
      ["PCT_NATIONAL_PHASE:CN", "2026-10-03", "2026-10-08", "2026-12-03"],
      ["PCT_NATIONAL_PHASE:EP", "2026-11-03", "2026-11-03", null],
      ["PCT_NATIONAL_PHASE:KR", "2026-11-03", "2026-11-03", null],
    ]);
    expect(one(ds, "PCT_NATIONAL_PHASE:CN").detail).toMatchObject({ months: 30, lateEntryFeeYuan: 1000, fromPriority: true });
    expect(one(ds, "PCT_NATIONAL_PHASE:EP").detail).toMatchObject({ months: 31, assumed: false });
  });

  it("without a priority date it counts from the international filing date; Chinese names are understood", () => {
    // Filed 2024-05-20: CN 2026-11-20 (Friday), grace 2027-01-20; EP 31 → 2026-12-20 (a Sunday, not moved).
    const ds = at("2026-01-10", { kind: "PCT", title: "x", filingDate: "2024-05-20", countries: "中国、欧洲" });
    expect(brief(ds)).toEqual([
      ["PCT_NATIONAL_PHASE:CN", "2026-11-20", "2026-11-20", "2027-01-20"],
      ["PCT_NATIONAL_PHASE:EP", "2026-12-20", "2026-12-20", null],
    ]);
  });

  it("months are overridable per deployment and per asset; an unknown country gets 30 and is flagged", () => {
    // EP:34 → 2027-02-03; BR overridden to 31 → 2026-11-03; TR unknown → 30 → 2026-10-03.
    const ds = deadlinesOf({ kind: "PCT", title: "x", priorityDate: "2024-04-03", countries: "EP:34, BR; TR" }, { today: "2026-01-10", calendar, pctMonths: { BR: 31 } });
    expect(brief(ds).map((b) => b.slice(0, 2))).toEqual([
      ["PCT_NATIONAL_PHASE:TR", "2026-10-03"],
      ["PCT_NATIONAL_PHASE:BR", "2026-11-03"],
      ["PCT_NATIONAL_PHASE:EP", "2027-02-03"],
    ]);
    expect(one(ds, "PCT_NATIONAL_PHASE:TR").detail.assumed).toBe(true);
  });

  it("after 30 months only CN's late entry is left; with no target one 30-month reminder", () => {
    const ds = at("2026-11-01", { kind: "PCT", title: "x", priorityDate: "2024-04-03", countries: "CN,US,EP" });
    expect(ds.map((d) => d.key)).toEqual(["PCT_NATIONAL_PHASE:CN", "PCT_NATIONAL_PHASE:EP"]);
    expect(brief(at("2026-01-10", { kind: "PCT", title: "x", priorityDate: "2024-04-03" }))).toEqual([["PCT_NATIONAL_PHASE:ANY", "2026-10-03", "2026-10-03", null]]);
  });
});

describe("certificates", () => {
  it("high-tech recognised 2023-12-12: report for 2025 by 2026-05-31; valid to 2026-12-11; re-apply from 2026-04-01", () => {
    const ds = at("2026-01-10", { kind: "CERT_HIGH_TECH", title: "高新技术企业", grantDate: "2023-12-12" });
    expect(brief(ds)).toEqual([
      ["HIGH_TECH_ANNUAL_REPORT:2026", "2026-05-31", "2026-05-31", null],
      ["HIGH_TECH_RENEWAL", "2026-12-11", "2026-12-11", null],
    ]);
    expect(one(ds, "HIGH_TECH_ANNUAL_REPORT:2026").detail.reportYear).toBe(2025);
    // 2026-04-01 → 2026-12-11: 30+31+30+31+31+30+31+30 (to 12-01) + 10 = 254 days.
    expect(one(ds, "HIGH_TECH_RENEWAL").offsets).toEqual([254, 90, 30, 7, 1]);
    // After the last report in validity (2027-05-31 is after the expiry) only the renewal is left.
    expect(at("2026-06-01", { kind: "CERT_HIGH_TECH", title: "x", grantDate: "2023-12-12" }).map((d) => d.key)).toEqual(["HIGH_TECH_RENEWAL"]);
    // The first report: 2024-05-31, for 2023.
    expect(at("2024-01-10", { kind: "CERT_HIGH_TECH", title: "x", grantDate: "2023-12-12" })[0]?.key).toBe("HIGH_TECH_ANNUAL_REPORT:2024");
  });

  it("a certificate expiring early in a year is re-applied for the April before", () => {
    // 2024-03-01 → valid to 2027-02-28; 2027-04-01 is after it → 2026-04-01, 333 days before.
    const [d] = at("2026-06-10", { kind: "CERT_HIGH_TECH", title: "x", grantDate: "2024-03-01" });
    expect([d?.key, d?.dueDate, d?.detail.applyFrom, d?.offsets[0]]).toEqual(["HIGH_TECH_RENEWAL", "2027-02-28", "2026-04-01", 333]);
  });

  it("GB/T 29490 issued 2025-03-20: audits 2026-03-20 and 2027-03-20, certificate to 2028-03-19", () => {
    expect(brief(at("2026-01-10", { kind: "CERT_GBT29490", title: "贯标", grantDate: "2025-03-20" }))).toEqual([
      ["GBT_SURVEILLANCE:1", "2026-03-20", "2026-03-20", null],
      ["GBT_RENEWAL", "2028-03-19", "2028-03-19", null],
    ]);
    expect(at("2026-04-01", { kind: "CERT_GBT29490", title: "贯标", grantDate: "2025-03-20" }).map((d) => [d.key, d.dueDate])).toEqual([
      ["GBT_SURVEILLANCE:2", "2027-03-20"],
      ["GBT_RENEWAL", "2028-03-19"],
    ]);
  });
});

describe("trade fairs and insurance", () => {
  it("[7.2.4 b] a fair opening 2026-04-15: the IP risk check is reminded 30 and 7 days before", () => {
    const ds = at("2026-01-10", { kind: "TRADE_FAIR", title: "广交会", startDate: "2026-04-15", endDate: "2026-04-19", countries: "CN" });
    expect(ds.map((d) => [d.kind, d.dueDate, d.offsets, d.basis])).toEqual([["TRADE_FAIR_CHECK", "2026-04-15", [30, 7], "7.2.4 b"]]);
    expect(at("2026-04-16", { kind: "TRADE_FAIR", title: "广交会", startDate: "2026-04-15" })).toEqual([]);
  });

  it("[7.2.4 c] a policy expiring 2026-12-31 is reminded 60 and 15 days before", () => {
    const ds = at("2026-01-10", { kind: "INSURANCE", title: "海外知识产权保险", expiryDate: "2026-12-31" });
    expect(ds.map((d) => [d.kind, d.dueDate, d.offsets, d.basis])).toEqual([["INSURANCE_RENEWAL", "2026-12-31", [60, 15], "7.2.4 c"]]);
  });
});

describe("missing and malformed facts", () => {
  it("an asset missing the date a rule needs yields no deadline, and a garbage date none either", () => {
    const today = "2026-01-10";
    const assets: AssetFacts[] = [
      { kind: "PATENT_INVENTION", title: "x", grantDate: "2020-01-01", annuityPaidYear: 3 },
      { kind: "PATENT_UTILITY", title: "x", filingDate: "2021-02-30", annuityPaidYear: 3 },
      { kind: "TRADEMARK", title: "x" },
      { kind: "PCT", title: "x", countries: "CN" },
      { kind: "CERT_HIGH_TECH", title: "x" },
      { kind: "CERT_GBT29490", title: "x", grantDate: "not a date" },
      { kind: "TRADE_FAIR", title: "x", endDate: "2026-05-01" },
      { kind: "INSURANCE", title: "x", expiryDate: "" },
      { kind: "COPYRIGHT", title: "x", grantDate: "2020-01-01" },
    ];
    for (const a of assets) expect(at(today, a), a.kind).toEqual([]);
  });

  it("a lapsed, expired or closed asset has nothing to remind of", () => {
    for (const status of ["LAPSED", "EXPIRED", "CLOSED"]) {
      expect(at("2026-01-10", { kind: "TRADEMARK", title: "x", grantDate: "2016-04-04", status })).toEqual([]);
    }
  });

  it("a malformed today is a ValidationError, not a wrong answer", () => {
    expect(() => at("2026-13-01", { kind: "TRADEMARK", title: "x" })).toThrow(ValidationError);
  });
});

describe("validateAssetFacts", () => {
  it("lists problems in Chinese", () => {
    expect(validateAssetFacts({ kind: "PATENT_INVENTION", title: "x", filingDate: "2020-05-01", grantDate: "2019-01-01" })).toEqual(["授权日早于申请日"]);
    expect(validateAssetFacts({ kind: "PATENT_UTILITY", title: "x", filingDate: "2021-02-30" })).toEqual(["申请日不是有效日期（应为 YYYY-MM-DD）：2021-02-30"]);
    expect(validateAssetFacts({ kind: "PATENT_UTILITY", title: "x", grantDate: "20210101" })).toEqual(["授权日不是有效日期（应为 YYYY-MM-DD）：20210101"]);
    expect(validateAssetFacts({ kind: "PATENT_INVENTION", title: "x", filingDate: "2020-05-01", annuityPaidYear: 25, feeReductionPct: 50 })).toEqual([
      "已缴年费年度应为 1–20 的整数：25",
      "费减比例只能是 0、70 或 85：50",
    ]);
    expect(validateAssetFacts({ kind: "PATENT_UTILITY", title: "x", filingDate: "2020-05-01", annuityPaidYear: 11 })).toEqual(["已缴年费年度应为 1–10 的整数：11"]);
    expect(validateAssetFacts({ kind: "TRADEMARK", title: "x", filingDate: "2016-06-01", grantDate: "2016-05-07" })).toEqual(["注册日早于申请日"]);
    expect(validateAssetFacts({ kind: "TRADE_FAIR", title: "x", startDate: "2026-05-10", endDate: "2026-05-08" })).toEqual(["结束日期早于开始日期"]);
    expect(validateAssetFacts({ kind: "PATENT_INVENTION", title: "x", filingDate: "2024-05-20", priorityDate: "2024-06-01" })).toEqual(["优先权日晚于申请日"]);
    expect(validateAssetFacts({ kind: "PCT", title: "x", filingDate: "2024-05-20", priorityDate: "2023-01-01" })).toEqual(["优先权日早于国际申请日超过 14 个月"]);
    expect(validateAssetFacts({ kind: "PATENT_DESIGN", title: "x", filingDate: "2024-05-20", priorityDate: "2023-10-01" })).toEqual(["优先权日早于申请日超过 6 个月"]);
    expect(validateAssetFacts({ kind: "INSURANCE", title: "x", grantDate: "2026-01-01", expiryDate: "2025-12-31" })).toEqual(["到期日早于生效日"]);
    expect(validateAssetFacts({ kind: "PATENT_INVENTION", title: "x", filingDate: "2026-02-01" }, "2026-01-10")).toEqual(["申请日晚于今天（2026-01-10）"]);
    expect(validateAssetFacts({ kind: "FOO" as AssetFacts["kind"], title: "x" })).toEqual(["未知的知识产权类型：FOO"]);
  });

  it("passes good facts", () => {
    expect(validateAssetFacts({ kind: "PATENT_INVENTION", title: "x", filingDate: "2017-03-15", grantDate: "2020-08-20", annuityPaidYear: 4, feeReductionPct: 85 }, "2026-01-10")).toEqual([]);
    expect(validateAssetFacts({ kind: "TRADEMARK", title: "x", filingDate: "2015-06-01", grantDate: "2016-05-07", expiryDate: "2026-05-06" })).toEqual([]);
  });
});
