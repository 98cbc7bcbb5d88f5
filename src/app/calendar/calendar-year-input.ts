import { z } from "zod";
import { ValidationError } from "../../domain/errors.ts";

// A year's schedule as an admin types it from the State Council's notice (国务院办公厅关于 YYYY 年
// 部分节假日安排的通知): every day off (weekend days inside a break included, as chinese-days
// lists them) and every weekend day worked instead (调休上班).

export const FIRST_YEAR = 1990;
export const LAST_YEAR = 2100;

export const CalendarYearBody = z.strictObject({
  holidays: z.array(z.string().max(20)).max(200),
  makeupWorkdays: z.array(z.string().max(20)).max(100).default([]),
  note: z.string().trim().max(500).optional(),
});

/** "2027" → 2027; anything else (or a year outside FIRST_YEAR…LAST_YEAR) is a 400. */
export function parseYearParam(raw: string): number {
  if (!/^\d{4}$/.test(raw)) throw new ValidationError(`year must be four digits, e.g. /admin/calendar/2027 (got "${raw.slice(0, 20)}")`);
  const year = Number(raw);
  if (year < FIRST_YEAR || year > LAST_YEAR) throw new ValidationError(`year must be ${FIRST_YEAR}–${LAST_YEAR} (got ${year})`);
  return year;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 0 Sunday … 6 Saturday, or null when `date` is not a real YYYY-MM-DD date. */
function weekdayOf(date: string): number | null {
  const m = ISO.exec(date);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1 ? d.getUTCDay() : null;
}

/**
 * Checks a year's schedule and returns it sorted and without repeats. Every problem is named, e.g.
 * `makeupWorkdays: 2027-02-10 is a Wednesday; a make-up working day (调休上班) is a Saturday or Sunday`.
 */
export function validateCalendarYear(year: number, body: z.infer<typeof CalendarYearBody>): { holidays: string[]; makeupWorkdays: string[]; note: string | null } {
  const problems: string[] = [];
  const check = (field: "holidays" | "makeupWorkdays", list: string[]) => {
    for (const d of list) {
      const wd = weekdayOf(d);
      if (wd === null) problems.push(`${field}: "${d}" is not a real date in YYYY-MM-DD form`);
      else if (!d.startsWith(`${year}-`)) problems.push(`${field}: ${d} is not in ${year}`);
      else if (field === "makeupWorkdays" && wd !== 0 && wd !== 6) problems.push(`makeupWorkdays: ${d} is a ${WEEKDAYS[wd]}; a make-up working day (调休上班) is a Saturday or Sunday`);
    }
  };
  const holidays = [...new Set(body.holidays)].sort();
  const makeupWorkdays = [...new Set(body.makeupWorkdays)].sort();
  if (holidays.length === 0) problems.push(`holidays: empty; list every statutory day off of ${year} from the State Council notice`);
  check("holidays", holidays);
  check("makeupWorkdays", makeupWorkdays);
  const both = makeupWorkdays.filter((d) => holidays.includes(d));
  if (both.length > 0) problems.push(`${both.join(", ")} ${both.length === 1 ? "is" : "are"} in both holidays and makeupWorkdays`);
  if (problems.length > 0) throw new ValidationError(problems.slice(0, 10).join("; "));
  return { holidays, makeupWorkdays, note: body.note ? body.note : null };
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
