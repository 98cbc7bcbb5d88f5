import { cronDayMatches, parseCron } from "./cron-expression.ts";

/**
 * Whether `expression` fires within the wall-clock minute of `at` in `timeZone` (with seconds: at any of
 * them — every valid expression lists at least one). Workers' cron trigger wakes every minute in UTC and runs
 * the jobs this says yes to. Wall-clock, like node-cron: a minute repeated when summer time ends matches twice,
 * one skipped when it starts never. "off" never fires; an invalid expression throws (config refuses those).
 */
export function cronMatches(expression: string, at: Date, timeZone: string): boolean {
  if (expression === "off") return false;
  const f = parseCron(expression);
  if (!f) throw new Error(`not a cron expression: ${expression}`);
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" })
      .formatToParts(at)
      .map((part) => [part.type, Number(part.value)]),
  );
  return f.minute.includes(p.minute!) && f.hour.includes(p.hour!) && cronDayMatches(f, p.year!, p.month!, p.day!);
}
