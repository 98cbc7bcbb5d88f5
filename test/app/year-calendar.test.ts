// The runtime's working-day calendar object (issue 13): package years, admin years replacing them,
// and reloads that swap the data whole, a slow older read never undoing a newer one.
import { describe, expect, it } from "vitest";
import { createYearCalendar } from "../../src/app/calendar/year-calendar.ts";
import type { CalendarYearRecord } from "../../src/storage/calendar-years.ts";
import { memoryLogger } from "../support/silent-logger.ts";

const year2027 = (holidays: string[]): CalendarYearRecord => ({ year: 2027, holidays, makeupWorkdays: [], note: null, updatedAt: new Date("2026-12-01T00:00:00Z") });

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("createYearCalendar", () => {
  it("a reload that started earlier but answers later does not overwrite a newer one", async () => {
    const reads = [deferred<CalendarYearRecord[]>(), deferred<CalendarYearRecord[]>()];
    let n = 0;
    const cal = createYearCalendar({ logger: memoryLogger().logger, load: () => reads[n++]!.promise });
    const older = cal.reload();
    const newer = cal.reload();
    reads[1]!.resolve([year2027(["2027-02-08"])]); // the newer read: 02-08 off
    await newer;
    reads[0]!.resolve([]); // the older read, from before the year was saved
    await older;
    expect(cal.sourceOf(2027)).toBe("admin");
    expect(cal.isWorkingDay("2027-02-08")).toBe(false);
  });

  it("answers from the data swapped in, never a mix: the admin year wholly replaces the package's", () => {
    const cal = createYearCalendar({ logger: memoryLogger().logger, load: async () => [] });
    expect(cal.isWorkingDay("2026-10-01")).toBe(false); // 国庆节, from the package (memoised now)
    cal.setAdminYears([{ year: 2026, holidays: ["2026-05-01"], makeupWorkdays: [], note: "x", updatedAt: new Date() }]);
    expect(cal.isWorkingDay("2026-10-01")).toBe(true);
    expect(cal.isWorkingDay("2026-05-01")).toBe(false);
    cal.setAdminYears([]);
    expect(cal.isWorkingDay("2026-10-01")).toBe(false);
    expect(cal.view(2026)).toMatchObject({ source: "package", inPackage: true });
  });

  it("validates dates like the domain calendar (a bad date throws, and warns about nothing)", () => {
    const logs = memoryLogger();
    const cal = createYearCalendar({ logger: logs.logger, load: async () => [] });
    expect(() => cal.isWorkingDay("2099-02-30")).toThrow(/YYYY-MM-DD/);
    expect(logs.lines()).toEqual([]);
  });
});
