// The Chinese working-day calendar, as data: approval deadlines and reminders (4: nothing sits
// unanswered) count 工作日, not calendar days. Weekends are off unless they are a make-up working
// day (调休上班); statutory holidays are off. Dates are "YYYY-MM-DD" strings in business time
// (Asia/Shanghai), so no host time zone ever leaks in.

import { ValidationError } from "../errors.ts";

export interface WorkingCalendar {
  isWorkingDay(date: string): boolean;
  /** n > 0: the n-th working day after `date`; n < 0: before it; 0: `date` if working, else the next one. */
  addWorkingDays(date: string, n: number): string;
  /** Working days d with a < d ≤ b (negative when b < a): workingDaysBetween(a, addWorkingDays(a, n)) === n. */
  workingDaysBetween(a: string, b: string): number;
  /** The first working day strictly after `date`. */
  nextWorkingDay(date: string): string;
}

/** Treated as frozen: answers are memoised, so build a new calendar when the data changes. */
export interface CalendarData {
  holidays: ReadonlySet<string>;
  makeupWorkdays: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 (UTC arithmetic: no DST, no host zone). */
function toDayNumber(date: string): number {
  const m = ISO_DATE.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || new Date(ms).getUTCDate() !== Number(m[3])) throw new ValidationError(`日期格式应为 YYYY-MM-DD：${date}`);
  return ms / DAY_MS;
}

function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function createWorkingCalendar(data: CalendarData): WorkingCalendar {
  const { holidays, makeupWorkdays } = data;
  // Jobs scan thousands of dates per run: remember each day's answer.
  const memo = new Map<number, boolean>();
  const isWorking = (day: number): boolean => {
    let working = memo.get(day);
    if (working === undefined) {
      const date = fromDayNumber(day);
      const weekday = new Date(day * DAY_MS).getUTCDay();
      // 调休上班 beats the weekend; a statutory holiday beats a weekday.
      working = makeupWorkdays.has(date) || (!holidays.has(date) && weekday !== 0 && weekday !== 6);
      memo.set(day, working);
    }
    return working;
  };
  const step = (from: number, n: number): number => {
    const dir = n < 0 ? -1 : 1;
    let day = from;
    for (let left = Math.abs(n); left > 0; ) {
      day += dir;
      if (isWorking(day)) left--;
    }
    return day;
  };
  return {
    isWorkingDay: (date) => isWorking(toDayNumber(date)),
    addWorkingDays(date, n) {
      if (!Number.isInteger(n)) throw new ValidationError(`工作日数必须是整数：${n}`);
      const day = toDayNumber(date);
      if (n === 0) return fromDayNumber(isWorking(day) ? day : step(day, 1));
      return fromDayNumber(step(day, n));
    },
    workingDaysBetween(a, b) {
      const from = toDayNumber(a);
      const to = toDayNumber(b);
      const [lo, hi, sign] = from <= to ? [from, to, 1] : [to, from, -1];
      let count = 0;
      for (let day = lo + 1; day <= hi; day++) if (isWorking(day)) count++;
      return sign * count;
    },
    nextWorkingDay: (date) => fromDayNumber(step(toDayNumber(date), 1)),
  };
}

// ---------- instants → business dates ----------

const partFormats = new Map<string, Intl.DateTimeFormat>();

/** Year, month, day, hour, minute of `instant` in `timeZone`, zero-padded ("2026", "06", "01", "09", "05"). */
export function localParts(instant: Date, timeZone: string): Record<"year" | "month" | "day" | "hour" | "minute", string> {
  let fmt = partFormats.get(timeZone);
  if (!fmt) {
    // hourCycle h23: "hour12: false" may print midnight as "24" in some engines.
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    partFormats.set(timeZone, fmt);
  }
  return Object.fromEntries(fmt.formatToParts(instant).map((p) => [p.type, p.value])) as Record<"year" | "month" | "day" | "hour" | "minute", string>;
}

/** The calendar date of `instant` in `timeZone`: 2026-11-24T16:30Z is "2026-11-25" in Asia/Shanghai. */
export function businessDate(instant: Date, timeZone = "Asia/Shanghai"): string {
  const p = localParts(instant, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Office hours on a working day, [start, end) in local hours (fractions allowed: 8.5 = 08:30). */
export function isWorkingHours(
  instant: Date,
  timeZone: string,
  calendar: WorkingCalendar,
  hours: { start: number; end: number } = { start: 9, end: 18 },
): boolean {
  const p = localParts(instant, timeZone);
  if (!calendar.isWorkingDay(`${p.year}-${p.month}-${p.day}`)) return false;
  const minutes = Number(p.hour) * 60 + Number(p.minute);
  return minutes >= hours.start * 60 && minutes < hours.end * 60;
}
