// Working-day arithmetic on the real Chinese calendar (chinese-days data, 国务院办公厅 2026 notice),
// business dates in Asia/Shanghai, and A.1 studio numbers.
import { isWorkday } from "chinese-days";
import { describe, expect, it } from "vitest";
import { formatStudioNumber, validateStudioNumberFormat } from "../../src/domain/approval/studio-number.ts";
import { businessDate, createWorkingCalendar, isWorkingHours } from "../../src/domain/calendar/working-days.ts";
import { ValidationError } from "../../src/domain/errors.ts";
import { chineseDaysCoverage, createChineseWorkingCalendar } from "../../src/jobs/chinese-calendar.ts";

const cal = createChineseWorkingCalendar();
const days = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
};

describe("the 2026 Chinese calendar", () => {
  it("National Day 10-01..07 is off; the make-up days 09-20 (Sun) and 10-10 (Sat) are worked", () => {
    for (const d of days("2026-10-01", "2026-10-07")) expect(cal.isWorkingDay(d), d).toBe(false);
    expect(cal.isWorkingDay("2026-09-20")).toBe(true);
    expect(cal.isWorkingDay("2026-10-10")).toBe(true);
    expect(cal.isWorkingDay("2026-10-11")).toBe(false); // an ordinary Sunday
    expect(cal.isWorkingDay("2026-10-08")).toBe(true);
  });

  it("Spring Festival 02-15..23 is off; 02-14 and 02-28 (Saturdays) are worked", () => {
    for (const d of days("2026-02-15", "2026-02-23")) expect(cal.isWorkingDay(d), d).toBe(false);
    expect(cal.isWorkingDay("2026-02-14")).toBe(true);
    expect(cal.isWorkingDay("2026-02-28")).toBe(true);
    expect(cal.isWorkingDay("2026-02-24")).toBe(true);
  });

  it("other 2026 holidays: 元旦, 清明, 劳动节, 端午, 中秋", () => {
    for (const d of ["2026-01-01", "2026-01-02", "2026-04-06", "2026-05-04", "2026-05-05", "2026-06-19", "2026-09-25"]) {
      expect(cal.isWorkingDay(d), d).toBe(false);
    }
    expect(cal.isWorkingDay("2026-01-04")).toBe(true);
    expect(cal.isWorkingDay("2026-05-09")).toBe(true);
  });

  it("adds working days across holidays and weekends", () => {
    expect(cal.addWorkingDays("2026-09-30", 1)).toBe("2026-10-08");
    expect(cal.addWorkingDays("2026-09-30", 3)).toBe("2026-10-10"); // the make-up Saturday counts
    expect(cal.addWorkingDays("2026-09-30", 4)).toBe("2026-10-12");
    expect(cal.addWorkingDays("2026-09-24", 1)).toBe("2026-09-28"); // 中秋 Friday + weekend
    expect(cal.addWorkingDays("2026-02-13", 2)).toBe("2026-02-24");
    expect(cal.addWorkingDays("2026-11-27", 1)).toBe("2026-11-30"); // plain weekend
    expect(cal.addWorkingDays("2026-10-08", -1)).toBe("2026-09-30");
    expect(cal.addWorkingDays("2026-10-01", 0)).toBe("2026-10-08");
    expect(cal.addWorkingDays("2026-10-08", 0)).toBe("2026-10-08");
    expect(cal.nextWorkingDay("2026-09-30")).toBe("2026-10-08");
    expect(cal.nextWorkingDay("2026-10-09")).toBe("2026-10-10");
  });

  it("counts working days in (a, b], inverse of addWorkingDays", () => {
    expect(cal.workingDaysBetween("2026-09-30", "2026-10-12")).toBe(4);
    expect(cal.workingDaysBetween("2026-10-12", "2026-09-30")).toBe(-4);
    expect(cal.workingDaysBetween("2026-10-01", "2026-10-07")).toBe(0);
    expect(cal.workingDaysBetween("2026-05-01", "2026-05-01")).toBe(0);
    for (const start of ["2026-01-05", "2026-02-13", "2026-09-18", "2026-12-21"]) {
      for (const n of [1, 5, 10, 20]) expect(cal.workingDaysBetween(start, cal.addWorkingDays(start, n))).toBe(n);
    }
  });

  // West of UTC the package's own in-memory data is shifted a day (see src/jobs/chinese-calendar.ts),
  // so the cross-check is only meaningful on hosts at or east of UTC.
  it.skipIf(new Date(2026, 0, 1).getTimezoneOffset() > 0)("agrees with chinese-days' isWorkday on every covered date", () => {
    const { firstYear, lastYear } = chineseDaysCoverage();
    expect(firstYear).toBe(2004);
    expect(lastYear).toBeGreaterThanOrEqual(2026);
    for (const d of days(`${firstYear}-01-01`, `${lastYear}-12-31`)) {
      const [y, m, dd] = d.split("-").map(Number) as [number, number, number];
      // Local noon: the package reads dates in the host zone.
      if (cal.isWorkingDay(d) !== isWorkday(new Date(y, m - 1, dd, 12))) expect.fail(`disagrees on ${d}`);
    }
  });

  it("falls back to weekends-only beyond the package's years", () => {
    const year = chineseDaysCoverage().lastYear + 1;
    const jan1 = `${year}-01-01`;
    const weekday = new Date(`${jan1}T00:00:00Z`).getUTCDay();
    expect(cal.isWorkingDay(jan1)).toBe(weekday !== 0 && weekday !== 6);
  });

  it("rejects malformed dates", () => {
    for (const bad of ["2026-2-1", "2026-02-30", "20261001", ""]) expect(() => cal.isWorkingDay(bad)).toThrow(ValidationError);
    expect(() => cal.addWorkingDays("2026-10-08", 1.5)).toThrow(ValidationError);
  });
});

describe("createWorkingCalendar from data", () => {
  it("make-up days beat weekends; holidays beat weekdays", () => {
    const c = createWorkingCalendar({ holidays: new Set(["2030-01-02"]), makeupWorkdays: new Set(["2030-01-05"]) });
    expect(c.isWorkingDay("2030-01-01")).toBe(true); // Tuesday, not listed
    expect(c.isWorkingDay("2030-01-02")).toBe(false);
    expect(c.isWorkingDay("2030-01-05")).toBe(true); // Saturday, 调休上班
    expect(c.isWorkingDay("2030-01-06")).toBe(false);
  });
});

describe("business time in Asia/Shanghai", () => {
  const tz = "Asia/Shanghai";
  it("businessDate crosses midnight at 16:00Z", () => {
    expect(businessDate(new Date("2026-11-24T16:30:00Z"), tz)).toBe("2026-11-25");
    expect(businessDate(new Date("2026-11-24T15:59:59Z"), tz)).toBe("2026-11-24");
    expect(businessDate(new Date("2026-12-31T16:00:00Z"))).toBe("2027-01-01");
  });

  it("isWorkingHours: 09:00–18:00 on a working day", () => {
    expect(isWorkingHours(new Date("2026-11-25T01:00:00Z"), tz, cal)).toBe(true); // Wed 09:00
    expect(isWorkingHours(new Date("2026-11-25T00:59:00Z"), tz, cal)).toBe(false); // 08:59
    expect(isWorkingHours(new Date("2026-11-25T09:59:00Z"), tz, cal)).toBe(true); // 17:59
    expect(isWorkingHours(new Date("2026-11-25T10:00:00Z"), tz, cal)).toBe(false); // 18:00
    expect(isWorkingHours(new Date("2026-10-01T02:00:00Z"), tz, cal)).toBe(false); // 国庆
    expect(isWorkingHours(new Date("2026-10-10T02:00:00Z"), tz, cal)).toBe(true); // make-up Saturday
    expect(isWorkingHours(new Date("2026-11-25T00:45:00Z"), tz, cal, { start: 8.5, end: 17.5 })).toBe(true);
  });
});

describe("[A.1] studio numbers (编号)", () => {
  it("formats with padded and unpadded sequences", () => {
    expect(formatStudioNumber("ZSIPS-{year}-{seq:3}", { year: 2026, seq: 7 })).toBe("ZSIPS-2026-007");
    expect(formatStudioNumber("ZSIPS-{year}-{seq:3}", { year: 2026, seq: 1234 })).toBe("ZSIPS-2026-1234");
    expect(formatStudioNumber("中山工作室〔{year}〕{seq}号", { year: 2027, seq: 12 })).toBe("中山工作室〔2027〕12号");
  });

  it("validates the format and the inputs", () => {
    for (const bad of ["ZSIPS-{seq:3}", "ZSIPS-{year}", "{year}-{seq}-{seq}", "{year}-{sequence}", "{year}-{seq:0}", "{year}-{seq:3", "{year}}-{seq}"]) {
      expect(() => validateStudioNumberFormat(bad), bad).toThrow(ValidationError);
    }
    expect(() => formatStudioNumber("{year}-{seq}", { year: 26, seq: 1 })).toThrow(ValidationError);
    expect(() => formatStudioNumber("{year}-{seq}", { year: 2026, seq: 0 })).toThrow(ValidationError);
  });
});
