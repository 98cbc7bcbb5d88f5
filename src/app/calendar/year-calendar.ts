import { createWorkingCalendar, type WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { chineseDaysByYear } from "../../jobs/chinese-calendar.ts";
import type { Logger } from "../../log/logger.ts";
import type { CalendarYearRecord } from "../../storage/calendar-years.ts";

// The working-day calendar the app passes around: the chinese-days package's years, with the
// admin-entered CalendarYear rows replacing the package for their years. One object per runtime;
// reload() re-reads the table and swaps the merged data in one assignment, so a consumer holding
// it always sees one consistent version (the new inner calendar starts with an empty memo).

export type CalendarSource = "package" | "admin" | "weekends-only";

export interface CalendarYearView {
  year: number;
  source: CalendarSource;
  holidays: string[];
  makeupWorkdays: string[];
  note: string | null;
  /** Whether chinese-days has the year (an admin year replaces it). */
  inPackage: boolean;
  updatedAt: Date | null;
}

export interface YearCalendar extends WorkingCalendar {
  sourceOf(year: number): CalendarSource;
  view(year: number): CalendarYearView;
  /** Replaces every admin-entered year at once (what reload() reads). */
  setAdminYears(rows: CalendarYearRecord[]): void;
  /** Re-reads the admin-entered years; a slower, older read never overwrites a newer one. */
  reload(): Promise<void>;
}

export const calendarFixRoute = (year: number) => `PUT /admin/calendar/${year}`;

interface State {
  inner: WorkingCalendar;
  admin: ReadonlyMap<number, CalendarYearRecord>;
}

function build(admin: ReadonlyMap<number, CalendarYearRecord>): State {
  const holidays = new Set<string>();
  const makeupWorkdays = new Set<string>();
  for (const [year, d] of chineseDaysByYear()) {
    if (admin.has(year)) continue;
    for (const x of d.holidays) holidays.add(x);
    for (const x of d.makeupWorkdays) makeupWorkdays.add(x);
  }
  for (const r of admin.values()) {
    for (const x of r.holidays) holidays.add(x);
    for (const x of r.makeupWorkdays) makeupWorkdays.add(x);
  }
  return { inner: createWorkingCalendar({ holidays, makeupWorkdays }), admin };
}

export function createYearCalendar(deps: { logger: Logger; load: () => Promise<CalendarYearRecord[]> }): YearCalendar {
  let state = build(new Map());
  let issued = 0;
  let applied = 0;
  // A year without data: weekends only, said once per year and process (here: per calendar, one per runtime).
  const warned = new Set<number>();
  const sourceOf = (year: number): CalendarSource => (state.admin.has(year) ? "admin" : chineseDaysByYear().has(year) ? "package" : "weekends-only");
  const noteYears = (from: string, to: string) => {
    const a = Number(from.slice(0, 4));
    const b = Number(to.slice(0, 4));
    for (let y = Math.min(a, b); y <= Math.max(a, b); y++) {
      if (warned.has(y) || sourceOf(y) !== "weekends-only") continue;
      warned.add(y);
      deps.logger.warn(
        { year: y, fix: calendarFixRoute(y) },
        `no holiday schedule for ${y} (neither the chinese-days package nor the CalendarYear table): counting only weekends as days off; load the State Council notice with ${calendarFixRoute(y)}`,
      );
    }
  };
  let signature = "[]";
  const apply = (rows: CalendarYearRecord[]) => {
    // The minute timer mostly re-reads an unchanged table: keep the memoised calendar then.
    const next = JSON.stringify(rows.map((r) => [r.year, r.holidays, r.makeupWorkdays, r.note, r.updatedAt.getTime()]));
    if (next === signature) return;
    signature = next;
    state = build(new Map(rows.map((r) => [r.year, r])));
  };
  return {
    isWorkingDay(date) {
      const r = state.inner.isWorkingDay(date);
      noteYears(date, date);
      return r;
    },
    addWorkingDays(date, n) {
      const r = state.inner.addWorkingDays(date, n);
      noteYears(date, r);
      return r;
    },
    workingDaysBetween(a, b) {
      const r = state.inner.workingDaysBetween(a, b);
      noteYears(a, b);
      return r;
    },
    nextWorkingDay(date) {
      const r = state.inner.nextWorkingDay(date);
      noteYears(date, r);
      return r;
    },
    sourceOf,
    view(year) {
      const source = sourceOf(year);
      const pkg = chineseDaysByYear().get(year);
      const row = state.admin.get(year);
      const base = { year, source, inPackage: Boolean(pkg) };
      if (row) return { ...base, holidays: [...row.holidays], makeupWorkdays: [...row.makeupWorkdays], note: row.note, updatedAt: row.updatedAt };
      if (pkg) return { ...base, holidays: [...pkg.holidays], makeupWorkdays: [...pkg.makeupWorkdays], note: "chinese-days package (国务院办公厅 holiday notice)", updatedAt: null };
      return { ...base, holidays: [], makeupWorkdays: [], note: `no schedule for ${year}: only weekends are days off until it is loaded with ${calendarFixRoute(year)}`, updatedAt: null };
    },
    setAdminYears(rows) {
      applied = ++issued;
      apply(rows);
    },
    async reload() {
      const seq = ++issued;
      const rows = await deps.load();
      if (seq < applied) return;
      applied = seq;
      apply(rows);
    },
  };
}
