// Calendar-date arithmetic for the IP rules, on "YYYY-MM-DD" strings (UTC arithmetic: no host
// time zone). Periods in months or years follow 专利法实施细则 第五条 and 商标法实施条例 第十二条:
// the starting day is not counted, the period ends on the corresponding day of the last month,
// and on the last day of that month when it has no corresponding day (2024-02-29 + 12 months =
// 2025-02-28; 2026-08-31 + 1 month = 2026-09-30).

import type { WorkingCalendar } from "../calendar/working-days.ts";

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** The date itself when it is a real calendar date "YYYY-MM-DD", else null (so "2026-02-30" is null). */
export function asDate(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  const m = ISO_DATE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2200) return null;
  const ms = Date.UTC(y, mo - 1, d);
  return new Date(ms).getUTCMonth() === mo - 1 && new Date(ms).getUTCDate() === d ? value : null;
}

function parts(date: string): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

function format(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function addDays(date: string, n: number): string {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  const [y1, m1, d1] = parts(a);
  const [y2, m2, d2] = parts(b);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / DAY_MS);
}

/** The corresponding day n months later (n < 0: earlier); the month's last day when it has none. */
export function addMonths(date: string, n: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + n;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  return format(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

export function addYears(date: string, n: number): string {
  return addMonths(date, 12 * n);
}

/**
 * The last day of a validity of `months` counted from `start` (start day included): the day before
 * the corresponding day, or, when the last month has no corresponding day, that month's last day.
 * 商标法实施条例 第十二条第二款 states it for trademarks; the CNIPA's term examples (申请日
 * 1999-09-06 → 期限至 2019-09-05) read the same way for patents; used for certificates too.
 * 2016-05-07 + 10 years → 2026-05-06; 2016-02-29 + 10 years → 2026-02-28.
 */
export function validityEnd(start: string, months: number): string {
  const [, , d] = parts(start);
  const target = addMonths(start, months);
  return Number(target.slice(8, 10)) === d ? addDays(target, -1) : target;
}

/** 期限届满日是法定休假日的，以休假日后的第一个工作日为期限届满日 (细则第五条; 条例第十二条第一款). */
export function moveOffRestDay(date: string, calendar: WorkingCalendar): string {
  return calendar.addWorkingDays(date, 0);
}

export function maxDate(a: string, b: string): string {
  return a >= b ? a : b;
}
