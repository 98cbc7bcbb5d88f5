// The real Chinese working-day calendar (国务院办公厅 holiday notices), from the maintained npm
// package `chinese-days`, fed into the pure WorkingCalendar of src/domain/calendar.
//
// Why its JSON and not its isWorkday(): the package builds its in-memory tables by parsing
// "YYYY-MM-DD" as UTC midnight and reading the day back in the host's zone, so on a host west of
// UTC every date is off by one (TZ=America/Los_Angeles: isWorkday says 2026-09-30 is 国庆节 and
// 2026-10-10, a 调休 Saturday, is off), whatever input type is passed. Its prebuilt
// dist/chinese-days.json (documented in its README for non-JS users) is the same data without
// that pitfall, and set lookups are faster in the jobs' loops.
//
// Coverage: chinese-days 1.5.7 carries holidays and 调休 for 2004–2026. A year the package does
// not cover falls back to weekends-only (no statutory holidays, no make-up days) because the
// schedule for a year is only published by the State Council around November of the year
// before: update the package when it is. Admins load a year the package lacks (or correct one)
// through PUT /admin/calendar/:year: src/app/calendar/year-calendar.ts merges both sources.

import data from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { createWorkingCalendar, type WorkingCalendar } from "../domain/calendar/working-days.ts";

interface ChineseDaysData {
  /** date → "English name,中文名,n": statutory days off (including weekends inside the break). */
  holidays: Record<string, string>;
  /** date → same: weekend days that are worked (调休上班). */
  workdays: Record<string, string>;
}

const source = data as ChineseDaysData;

let coverage: { firstYear: number; lastYear: number } | undefined;

/** The years whose holidays the installed package knows; beyond them only weekends are off. */
export function chineseDaysCoverage(): { firstYear: number; lastYear: number } {
  if (!coverage) {
    const years = Object.keys(source.holidays).map((d) => Number(d.slice(0, 4)));
    coverage = { firstYear: Math.min(...years), lastYear: Math.max(...years) };
  }
  return coverage;
}

let byYear: Map<number, { holidays: string[]; makeupWorkdays: string[] }> | undefined;

/** The package's days off and make-up working days of each year it covers, sorted. */
export function chineseDaysByYear(): ReadonlyMap<number, { holidays: readonly string[]; makeupWorkdays: readonly string[] }> {
  if (!byYear) {
    const m = new Map<number, { holidays: string[]; makeupWorkdays: string[] }>();
    const of = (d: string) => {
      const y = Number(d.slice(0, 4));
      let e = m.get(y);
      if (!e) m.set(y, (e = { holidays: [], makeupWorkdays: [] }));
      return e;
    };
    for (const d of Object.keys(source.holidays).sort()) of(d).holidays.push(d);
    for (const d of Object.keys(source.workdays).sort()) of(d).makeupWorkdays.push(d);
    byYear = m;
  }
  return byYear;
}

let calendar: WorkingCalendar | undefined;

/**
 * The package's data alone, one shared calendar per process (static data; memoised per date).
 * The app uses createYearCalendar (package + admin-entered years) instead.
 */
export function createChineseWorkingCalendar(): WorkingCalendar {
  calendar ??= createWorkingCalendar({
    holidays: new Set(Object.keys(source.holidays)),
    makeupWorkdays: new Set(Object.keys(source.workdays)),
  });
  return calendar;
}
