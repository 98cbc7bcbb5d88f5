import { cronDayMatches, parseCron } from "./cron-expression.ts";

const DAY_MS = 86_400_000;

/** Wall-clock time of `at` in `timeZone`, as if it were UTC (so date arithmetic stays plain). */
function wallMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  );
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The instant whose wall-clock time in `timeZone` is `wall` (the earlier one in a DST overlap). */
function fromWall(wall: number, timeZone: string): Date {
  let t = wall - (wallMs(new Date(wall), timeZone) - wall);
  t -= wallMs(new Date(t), timeZone) - wall; // second pass settles a DST change between guesses
  return new Date(t);
}

/**
 * When a node-cron expression (5 fields, or 6 with seconds) next fires strictly after `after`,
 * in `timeZone`; null for "off" or nothing within two years. Day of month and day of week must
 * both match, as node-cron does it.
 */
export function nextRun(expression: string, timeZone: string, after: Date): Date | null {
  if (expression === "off") return null;
  const f = parseCron(expression);
  if (!f) throw new Error(`not a cron expression: ${expression}`);
  const start = Math.floor(wallMs(after, timeZone) / 1000) * 1000 + 1000;
  const [hours, minutes, seconds] = [f.hour, f.minute, f.second].map((l) => [...l].sort((a, b) => a - b));
  for (let day = Math.floor(start / DAY_MS) * DAY_MS, end = day + 731 * DAY_MS; day < end; day += DAY_MS) {
    const d = new Date(day);
    if (!cronDayMatches(f, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())) continue;
    for (const h of hours!) {
      if (day + (h + 1) * 3_600_000 <= start) continue;
      for (const m of minutes!) {
        if (day + h * 3_600_000 + (m + 1) * 60_000 <= start) continue;
        for (const s of seconds!) {
          const wall = day + h * 3_600_000 + m * 60_000 + s * 1000;
          if (wall >= start) return fromWall(wall, timeZone);
        }
      }
    }
  }
  return null;
}
