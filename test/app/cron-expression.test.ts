// Schedules without node-cron (Workers cannot bundle it): parseCron must accept exactly what node-cron's validate
// accepts and list the same fields as its parse, and cronMatches must fire in the minutes node-cron's matcher does.
import fc from "fast-check";
import cron from "node-cron";
import { describe, expect, it } from "vitest";
import { parseCron } from "../../src/app/jobs/cron-expression.ts";
import { cronMatches } from "../../src/app/jobs/cron-matches.ts";
import { nextRun } from "../../src/app/jobs/next-run.ts";
import { loadConfig } from "../../src/config/config.ts";

const small = fc.oneof(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 70 }));
const num = fc.oneof(small.map(String), small.map((n) => `0${n}`));
const token = fc.oneof(
  { weight: 6, arbitrary: num },
  { weight: 3, arbitrary: fc.constant("*") },
  { weight: 2, arbitrary: small.map((n) => `*/${n}`) },
  { weight: 3, arbitrary: fc.tuple(num, num).map(([a, b]) => `${a}-${b}`) },
  { weight: 2, arbitrary: fc.tuple(num, num, small).map(([a, b, n]) => `${a}-${b}/${n}`) },
  { weight: 1, arbitrary: fc.constantFrom("?", "L", "l", "LW", "lw", "W", "#") },
  { weight: 2, arbitrary: fc.tuple(num, fc.constantFrom("W", "w", "L", "l")).map(([n, s]) => n + s) },
  { weight: 1, arbitrary: num.map((n) => `L-${n}`) },
  { weight: 2, arbitrary: fc.tuple(small, small).map(([d, k]) => `${d % 9}#${k % 7}`) },
  { weight: 2, arbitrary: fc.constantFrom("jan", "FEB", "March", "may", "sep-dec", "jan-mar/2", "1jan", "nov-feb", "december", "juney") },
  { weight: 2, arbitrary: fc.constantFrom("sun", "MON", "Friday", "mon-fri", "sat-sun", "friL", "fri#2", "tues", "thursday-sun/2", "7") },
  { weight: 1, arbitrary: fc.constantFrom("", "x", "5*", "**", "*/*", "1/2", "*-5", "1-5W", "L-5W", "@", "1.5", "-1") },
);
const field = fc.array(token, { minLength: 1, maxLength: 3 }).map((ts) => ts.join(","));
const expression = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.array(field, { minLength: 4, maxLength: 7 }), fc.constantFrom(" ", "  ", " \t"), fc.constantFrom("", " ")).map(([fs, sep, pad]) => pad + fs.join(sep) + pad) },
  { weight: 1, arbitrary: fc.constantFrom("@daily", " @Hourly ", "@weekly", "@monthly", "@yearly", "@annually", "@midnight", "@never", "constructor", "off", "") },
);
/** A field biased to be valid, so that enough generated expressions parse. */
const validish = (lo: number, hi: number, extra: string[] = []) =>
  fc.oneof(
    fc.integer({ min: lo, max: hi }).map(String),
    fc.constant("*"),
    fc.integer({ min: 1, max: 9 }).map((n) => `*/${n}`),
    fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi }), fc.integer({ min: 1, max: 4 })).map(([a, b, n]) => `${a}-${b}/${n}`),
    fc.constantFrom(...(extra.length ? extra : ["*"])),
  );
const likelyValid = fc
  .tuple(
    fc.option(validish(0, 59), { nil: undefined }),
    validish(0, 59),
    validish(0, 23),
    validish(1, 31, ["L", "LW", "15W", "1W", "31W", "L-2", "L,1", "?"]),
    validish(1, 12, ["jan", "feb-apr", "nov-feb", "2,4"]),
    validish(0, 7, ["mon-fri", "5L", "7L", "1#1", "0#5", "sat,sun", "?"]),
  )
  .map((fs) => fs.filter((f) => f !== undefined).join(" "));

const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number";

describe("parseCron agrees with node-cron", () => {
  it("accepts what node-cron's validate accepts, and lists the fields its parse lists", () => {
    let valid = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.oneof(expression, likelyValid), (expr) => {
        const mine = parseCron(expr);
        total++;
        expect(mine !== null, expr).toBe(cron.validate(expr));
        if (!mine) return;
        valid++;
        const theirs = cron.parse(expr);
        for (const key of ["second", "minute", "hour", "month"] as const) expect(mine[key], `${expr} ${key}`).toEqual(theirs[key]);
        expect(mine.dayOfMonth, expr).toEqual(theirs.dayOfMonth.filter(isNumber));
        expect(mine.dayOfMonthSpecial, expr).toEqual(theirs.dayOfMonth.filter(isString));
        expect(mine.dayOfWeek, expr).toEqual(theirs.dayOfWeek.filter(isNumber));
        expect(mine.dayOfWeekSpecial, expr).toEqual(theirs.dayOfWeek.filter(isString));
      }),
      { numRuns: 6000, seed: 16 },
    );
    expect(valid).toBeGreaterThan(total * 0.3); // the comparison saw plenty of valid expressions, not only refusals
  });

  it("reads node-cron's syntax: names, steps, reversed ranges, L, W, # and nicknames", () => {
    expect(parseCron("0 9-17 * * 1-5")).toMatchObject({ second: [0], minute: [0], hour: [9, 10, 11, 12, 13, 14, 15, 16, 17], dayOfWeek: [1, 2, 3, 4, 5] });
    expect(parseCron("*/20 * * * * *")!.second).toEqual([0, 20, 40]);
    expect(parseCron("0 0 * NOV-feb SUN,sat")).toMatchObject({ month: [11, 12, 1, 2], dayOfWeek: [0, 6] });
    expect(parseCron("0 0 L,LW,15W,L-3 * 7L,5#2")).toMatchObject({ dayOfMonth: [], dayOfMonthSpecial: ["L", "LW", "15W", "L-3"], dayOfWeek: [], dayOfWeekSpecial: ["0L", "5#2"] });
    expect(parseCron(" @Daily ")).toMatchObject({ minute: [0], hour: [0] });
    for (const bad of ["", "* * * *", "* * * * * * *", "60 * * * *", "* * 31 2 *", "* * * * 8", "* * * * 1#6", "* * 0 * *", "@never", "*/0 * * * *"]) expect(parseCron(bad), bad).toBeNull();
  });

  it("config takes a job schedule exactly when node-cron would, with the same one-line message", () => {
    expect(loadConfig({ JOB_OUTBOX_CRON: "*/2 * * * * *", JOB_SURVEYS_CRON: "0 9 LW * *" }).jobSchedules).toMatchObject({ outbox: "*/2 * * * * *", surveys: "0 9 LW * *" });
    expect(() => loadConfig({ JOB_OUTBOX_CRON: "0 0 30 2 *" })).toThrow(/JOB_OUTBOX_CRON: must be a cron expression \(5 fields, or 6 with seconds\) or "off"/);
  });
});

/** Every day of a month from 2020 to 2031 (UTC) at the expression's own first hour and minute, and some other minutes. */
const minutesFor = (expr: string) =>
  fc.tuple(fc.integer({ min: 2020, max: 2031 }), fc.integer({ min: 1, max: 12 }), fc.array(fc.tuple(fc.integer({ min: 1, max: 31 }), fc.nat(23), fc.nat(59)), { maxLength: 10 })).map(([y, mo, others]) => {
    const f = parseCron(expr)!;
    const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    return [
      ...Array.from({ length: days }, (_, i) => new Date(Date.UTC(y, mo - 1, i + 1, f.hour[0]!, f.minute[0]!))),
      ...others.map(([d, h, m]) => new Date(Date.UTC(y, mo - 1, Math.min(d, days), h, m))),
    ];
  });
/** Day fields leaning on node-cron's special days, so the matcher comparison meets them often. */
const specialDays = fc.tuple(
  fc.constantFrom("*", "*", "L", "LW", "1W", "15W", "30W", "31W", "L-1", "L-6", "13", "L,1W", "?"),
  fc.constantFrom("*", "*", "feb", "*/2"),
  fc.constantFrom("*", "1-5", "0L", "5L", "6L", "1#1", "6#1", "0#5", "3#4,friL", "?"),
);

describe("cronMatches: does the expression fire in this minute, in the business time zone", () => {
  it("fires in the same minutes as node-cron's own matcher", () => {
    const checked = { fires: 0, not: 0 };
    fc.assert(
      fc.property(
        fc
          .oneof({ weight: 1, arbitrary: likelyValid }, { weight: 2, arbitrary: specialDays.map((days) => `0 9 ${days.join(" ")}`) })
          .filter((e) => cron.validate(e))
          .chain((expr) => fc.tuple(fc.constant(expr), minutesFor(expr))),
        ([expr, minutes]) => {
          const task = cron.createTask(expr, () => {}, { timezone: "Etc/UTC" });
          const second = cron.parse(expr).second[0] as number; // node-cron's seconds are plain membership: one listed second says it all
          for (const at of minutes) {
            const fires = task.match(new Date(at.getTime() + second * 1000));
            expect(cronMatches(expr, new Date(at.getTime() + 37_000), "Etc/UTC"), `${expr} at ${at.toISOString()}`).toBe(fires);
            checked[fires ? "fires" : "not"]++;
          }
          void task.destroy();
        },
      ),
      { numRuns: 600, seed: 16 },
    );
    expect(checked.fires).toBeGreaterThan(400);
    expect(checked.not).toBeGreaterThan(1000);
  });

  it("reads the minute in the business time zone (Asia/Shanghai, UTC+8)", () => {
    const TZ = "Asia/Shanghai";
    // 01:00Z is 09:00 in Shanghai, on Wednesday 2026-11-25.
    expect(cronMatches("0 9 * * *", new Date("2026-11-25T01:00:00Z"), TZ)).toBe(true);
    expect(cronMatches("0 9 * * *", new Date("2026-11-25T01:00:59.999Z"), TZ)).toBe(true);
    expect(cronMatches("0 9 * * *", new Date("2026-11-25T09:00:00Z"), TZ)).toBe(false);
    expect(cronMatches("0 9 * * *", new Date("2026-11-25T01:01:00Z"), TZ)).toBe(false);
    // 23:30Z on Sunday the 29th is already Monday 07:30 in Shanghai.
    expect(cronMatches("30 7 * * mon", new Date("2026-11-29T23:30:00Z"), TZ)).toBe(true);
    expect(cronMatches("30 7 * * sun", new Date("2026-11-29T23:30:00Z"), TZ)).toBe(false);
    expect(cronMatches("off", new Date("2026-11-25T01:00:00Z"), TZ)).toBe(false);
    expect(() => cronMatches("61 * * * *", new Date("2026-11-25T01:00:00Z"), TZ)).toThrow(/not a cron expression/);
  });

  it("a 6-field expression fires in every minute holding one of its seconds", () => {
    for (let t = Date.UTC(2026, 10, 25, 1, 0); t < Date.UTC(2026, 10, 25, 1, 10); t += 60_000) expect(cronMatches("*/2 * * * * *", new Date(t), "Asia/Shanghai")).toBe(true);
    expect(cronMatches("30 15 9 * * *", new Date("2026-11-25T01:15:00Z"), "Asia/Shanghai")).toBe(true);
    expect(cronMatches("30 15 9 * * *", new Date("2026-11-25T01:16:00Z"), "Asia/Shanghai")).toBe(false);
  });

  it("0 9-17 * * 1-5: on the hour through the working day, Monday to Friday", () => {
    const at = (local: string) => cronMatches("0 9-17 * * 1-5", new Date(`${local}+08:00`), "Asia/Shanghai");
    expect(at("2026-11-27T09:00:00")).toBe(true); // Friday
    expect(at("2026-11-27T17:00:00")).toBe(true);
    expect(at("2026-11-27T18:00:00")).toBe(false);
    expect(at("2026-11-27T08:00:00")).toBe(false);
    expect(at("2026-11-27T12:30:00")).toBe(false);
    expect(at("2026-11-28T12:00:00")).toBe(false); // Saturday
    expect(at("2026-11-30T12:00:00")).toBe(true); // Monday
  });

  it("L is the month's last day, leap years included, in the business time zone", () => {
    const at = (local: string) => cronMatches("0 18 L * *", new Date(`${local}+08:00`), "Asia/Shanghai");
    expect(at("2028-02-29T18:00:00")).toBe(true);
    expect(at("2028-02-28T18:00:00")).toBe(false);
    expect(at("2026-02-28T18:00:00")).toBe(true);
    expect(at("2026-04-30T18:00:00")).toBe(true);
    expect(at("2026-04-29T18:00:00")).toBe(false);
    // 2026-04-30 18:00 in Shanghai is 10:00 UTC on the 30th; in UTC terms it is not the 30th's 18:00.
    expect(cronMatches("0 18 L * *", new Date("2026-04-30T18:00:00Z"), "Asia/Shanghai")).toBe(false);
  });

  it("nextRun follows node-cron's W, # and last-weekday days too", () => {
    const TZ = "Asia/Shanghai";
    const after = new Date("2026-11-25T02:07:30Z");
    for (const [expr, expected] of [
      ["0 9 LW * *", "2026-11-30T01:00:00.000Z"], // Monday 30 November
      ["0 9 1W * *", "2026-12-01T01:00:00.000Z"],
      ["0 9 * * 5#2", "2026-12-11T01:00:00.000Z"],
      ["0 9 * * friL", "2026-11-27T01:00:00.000Z"],
      ["0 9 L-1 * *", "2026-11-29T01:00:00.000Z"],
    ] as const) {
      const next = nextRun(expr, TZ, after)!;
      expect(next.toISOString(), expr).toBe(expected);
      const task = cron.createTask(expr, () => {}, { timezone: TZ });
      expect(task.match(next), expr).toBe(true);
      expect(cronMatches(expr, next, TZ), expr).toBe(true);
      void task.destroy();
    }
  });
});
