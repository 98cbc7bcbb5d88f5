// Annuity late fees, lapse and restoration, the fee schedule and the period arithmetic, worked by
// hand from 专利法实施细则 第四条、第五条、第六条、第一百一十五条 and the CNIPA fee schedule.
import { describe, expect, it } from "vitest";
import { createWorkingCalendar } from "../../src/domain/calendar/working-days.ts";
import { annuityLateFee, restorationWindow } from "../../src/domain/ip/deadlines.ts";
import { annuityFee, payableFee, reductionFor } from "../../src/domain/ip/annuity-fees.ts";
import { addMonths, asDate, validityEnd } from "../../src/domain/ip/ip-dates.ts";
import type { Deadline } from "../../src/domain/ip/ip-types.ts";
import { annuityDeadline, patentTermEnd, patentYearOf } from "../../src/domain/ip/patent-rules.ts";
import { createChineseWorkingCalendar } from "../../src/jobs/chinese-calendar.ts";

const calendar = createChineseWorkingCalendar();
const weekendsOnly = createWorkingCalendar({ holidays: new Set(), makeupWorkdays: new Set() });

function annuity(filingDate: string, year: number, grantYear: number | null, pct: number | null, cal = calendar): Deadline {
  const d = annuityDeadline({ kind: "PATENT_INVENTION", filingDate, year, grantYear, feeReductionPct: pct }, cal);
  if (!d) throw new Error("no annuity");
  return d;
}

describe("late fee [细则第一百一十五条: 每超过1个月加收当年全额年费的5%]", () => {
  // Filed 2020-03-16: year 7 due 2026-03-16 (Monday), 2,000 yuan full (years 7–9); 85% reduction
  // (granted in year 3) makes it 300 payable, but the late fee is on the full 2,000: 5% = 100.
  const d = annuity("2020-03-16", 7, 3, 85);

  it("the deadline itself: due 2026-03-16, grace to 2026-09-16 (a Wednesday)", () => {
    expect([d.nominalDate, d.dueDate, d.graceEndDate]).toEqual(["2026-03-16", "2026-03-16", "2026-09-16"]);
    expect(d.detail).toMatchObject({ feeYuan: 2000, reductionPct: 85, payableYuan: 300 });
  });

  it.each([
    ["2026-03-10", 0, 0, 0, false], // early
    ["2026-03-16", 0, 0, 0, false], // on the due date: 0 months late
    ["2026-03-17", 1, 0, 0, false], // 1 day late: month 1, no late fee
    ["2026-04-16", 1, 0, 0, false], // exactly one month: still 0% (一个月（不含一整月）)
    ["2026-04-17", 2, 5, 100, false], // month 2: 5% of 2,000
    ["2026-05-16", 2, 5, 100, false], // two whole months: still 5% (含两个整月)
    ["2026-05-17", 3, 10, 200, false],
    ["2026-08-16", 5, 20, 400, false], // five months: 20%
    ["2026-08-17", 6, 25, 500, false], // month 6: 25%
    ["2026-09-16", 6, 25, 500, false], // last day of grace
    ["2026-09-17", 6, 25, 500, true], // lapsed: restoration needs the 25%
  ] as const)("paid on %s: month %i, %i%%, %i yuan, lapsed %s", (onDate, monthsLate, ratePct, lateFeeYuan, lapsed) => {
    expect(annuityLateFee(d, onDate)).toEqual({ monthsLate, ratePct, lateFeeYuan, lapsed });
  });

  it("months end on the corresponding day or the month's last day: due 2026-08-31 → 09-30, 10-31", () => {
    // Filed 2020-08-31: year 7 due 2026-08-31 (Monday). Full 2,000.
    const m = annuity("2020-08-31", 7, null, null);
    expect(annuityLateFee(m, "2026-09-30")).toMatchObject({ monthsLate: 1, lateFeeYuan: 0 });
    expect(annuityLateFee(m, "2026-10-01")).toMatchObject({ monthsLate: 2, lateFeeYuan: 100 });
    expect(annuityLateFee(m, "2026-10-31")).toMatchObject({ monthsLate: 2, lateFeeYuan: 100 });
    expect(annuityLateFee(m, "2026-11-01")).toMatchObject({ monthsLate: 3, lateFeeYuan: 200 });
    // Grace end: 2026-08-31 + 6 months = 2027-02-28, a Sunday → Monday 2027-03-01.
    expect(annuity("2020-08-31", 7, null, null, weekendsOnly).graceEndDate).toBe("2027-03-01");
  });

  it("a due date moved off the National Day holiday: paying on 10-08 is in time; months still count from 10-03", () => {
    // Filed 2015-10-03: year 12 nominal 2026-10-03, due 2026-10-08; full 4,000 (years 10–12), 5% = 200.
    const h = annuity("2015-10-03", 12, 3, 85);
    expect(h.dueDate).toBe("2026-10-08");
    expect(annuityLateFee(h, "2026-10-08")).toMatchObject({ monthsLate: 0, lateFeeYuan: 0 });
    expect(annuityLateFee(h, "2026-10-09")).toMatchObject({ monthsLate: 1, lateFeeYuan: 0 });
    expect(annuityLateFee(h, "2026-11-03")).toMatchObject({ monthsLate: 1, lateFeeYuan: 0 });
    expect(annuityLateFee(h, "2026-11-04")).toMatchObject({ monthsLate: 2, ratePct: 5, lateFeeYuan: 200 });
  });

  it("works on a deadline rebuilt from a stored reminder (dates and detail.feeYuan only)", () => {
    const stored = { kind: "ANNUITY", nominalDate: "2026-03-16", dueDate: "2026-03-16", graceEndDate: "2026-09-16", detail: { feeYuan: 1200 } } as unknown as Deadline;
    expect(annuityLateFee(stored, "2026-06-01")).toEqual({ monthsLate: 3, ratePct: 10, lateFeeYuan: 120, lapsed: false });
  });
});

describe("lapse and restoration [细则第四条、第六条第二款]", () => {
  const d = annuity("2020-03-16", 7, 3, 85);

  it("a mailed notice counts as received 15 days after dispatch; 2 months from then, moved off a holiday", () => {
    // Dispatched 2026-07-17 → received 2026-08-01 → + 2 months = 2026-10-01 (National Day) → 2026-10-08.
    // Fees: 1,000 restoration + the 300 reduced annuity + 25% of the full 2,000 (500) = 1,800.
    expect(restorationWindow({ noticeDate: "2026-07-17", mailed: true, annuity: d }, calendar)).toEqual({
      receivedDate: "2026-08-01",
      nominalLastDay: "2026-10-01",
      lastDay: "2026-10-08",
      lapsedAsOf: "2026-03-16",
      restorationFeeYuan: 1000,
      annuityYuan: 300,
      lateFeeYuan: 500,
      totalYuan: 1800,
    });
  });

  it("an electronic notice is received the day it arrives; without a calendar the date is nominal", () => {
    // 2026-07-17 + 2 months = 2026-09-17 (Thursday). Without an annuity only the 1,000 fee.
    expect(restorationWindow({ noticeDate: "2026-07-17", mailed: false })).toMatchObject({
      receivedDate: "2026-07-17",
      lastDay: "2026-09-17",
      lapsedAsOf: null,
      totalYuan: 1000,
    });
  });
});

describe("fee schedule and reduction [国家知识产权局收费标准, 财税〔2016〕78号, 财税〔2019〕45号]", () => {
  it("bands by patent year", () => {
    const inv = [1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 20, 21].map((y) => annuityFee("PATENT_INVENTION", y));
    expect(inv).toEqual([900, 900, 1200, 1200, 2000, 2000, 4000, 4000, 6000, 6000, 8000, 8000, null]);
    const utility = [1, 3, 4, 5, 6, 8, 9, 10, 11].map((y) => annuityFee("PATENT_UTILITY", y));
    expect(utility).toEqual([600, 600, 900, 900, 1200, 1200, 2000, 2000, null]);
    const design = [1, 4, 6, 9, 10, 11, 15, 16].map((y) => annuityFee("PATENT_DESIGN", y));
    expect(design).toEqual([600, 900, 1200, 2000, 2000, 3000, 3000, null]);
  });

  it("the reduction covers grantYear … grantYear + 9 and only 70 or 85", () => {
    expect([3, 4, 13, 14].map((y) => reductionFor(y, 4, 85))).toEqual([0, 85, 85, 0]);
    expect(reductionFor(5, null, 85)).toBe(0);
    expect(reductionFor(5, 4, 50)).toBe(0);
    expect([payableFee(900, 85), payableFee(900, 70), payableFee(8000, 85), payableFee(600, 0)]).toEqual([135, 270, 1200, 600]);
  });
});

describe("periods [细则第五条, 商标法实施条例第十二条]", () => {
  it("month arithmetic falls back to the month's last day", () => {
    expect(addMonths("2024-02-29", 12)).toBe("2025-02-28");
    expect(addMonths("2026-08-31", 1)).toBe("2026-09-30");
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2024-04-03", 30)).toBe("2026-10-03");
    expect(addMonths("2026-03-31", -1)).toBe("2026-02-28");
  });

  it("a validity ends the day before the corresponding day, or on the month's last day", () => {
    expect(validityEnd("2016-05-07", 120)).toBe("2026-05-06");
    expect(validityEnd("2016-02-29", 120)).toBe("2026-02-28");
    expect(validityEnd("2016-01-31", 1)).toBe("2016-02-29");
    expect(patentTermEnd("PATENT_INVENTION", "1999-09-06")).toBe("2019-09-05");
  });

  it("patent years run from the filing anniversaries", () => {
    expect(patentYearOf("2017-03-15", "2017-03-15")).toBe(1);
    expect(patentYearOf("2017-03-15", "2020-03-14")).toBe(3);
    expect(patentYearOf("2017-03-15", "2020-03-15")).toBe(4);
    expect(patentYearOf("2016-02-29", "2017-02-28")).toBe(2);
  });

  it("dates are real calendar dates", () => {
    expect([asDate("2024-02-29"), asDate("2026-02-29"), asDate("2026-2-1"), asDate(""), asDate(null)]).toEqual(["2024-02-29", null, null, null, null]);
  });
});
