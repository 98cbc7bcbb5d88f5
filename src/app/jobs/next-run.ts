import cron from "node-cron";

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
  const f = cron.parse(expression);
  const has = (list: (number | string)[], v: number) => list.includes(v);
  const start = Math.floor(wallMs(after, timeZone) / 1000) * 1000 + 1000;
  const [hours, minutes, seconds] = [f.hour, f.minute, f.second].map((l) => [...l].sort((a, b) => a - b));
  for (let day = Math.floor(start / DAY_MS) * DAY_MS, end = day + 731 * DAY_MS; day < end; day += DAY_MS) {
    const d = new Date(day);
    const lastOfMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    const dom = has(f.dayOfMonth, d.getUTCDate()) || (f.dayOfMonth.includes("L") && d.getUTCDate() === lastOfMonth);
    const dow = has(f.dayOfWeek, d.getUTCDay()) || (d.getUTCDay() === 0 && has(f.dayOfWeek, 7));
    if (!dom || !dow || !has(f.month, d.getUTCMonth() + 1)) continue;
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
