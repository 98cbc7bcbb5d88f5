// One daily reminder pass in a process of its own (so its peak RSS is the pass's, not the
// seeder's): `tsx test/bench/reminder-pass.ts <provider> <url> <ISO instant>`, prints one JSON line.
import type { createReminderDigest as Create } from "../../src/app/ip/reminder-digest.ts";
import { createChineseWorkingCalendar } from "../../src/jobs/chinese-calendar.ts";
import { openDatabase, type DatabaseProvider } from "../../src/storage/database.ts";

const [provider, url, at] = process.argv.slice(2) as [DatabaseProvider, string, string];
// BENCH_PASS_MODULE=path: another version of reminder-digest.ts (a before/after comparison).
const { createReminderDigest } = (await import(process.env.BENCH_PASS_MODULE ?? "../../src/app/ip/reminder-digest.ts")) as { createReminderDigest: typeof Create };
const db = await openDatabase({ provider, url });
await db.ping(); // connected before the clock starts
const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
const digest = createReminderDigest({ prisma: db.prisma, calendar: createChineseWorkingCalendar(), timeZone: "Asia/Shanghai", newId: () => crypto.randomUUID().replaceAll("-", "") });
const t0 = performance.now();
const result = await digest.run(new Date(at));
const ms = performance.now() - t0;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
await db.close();
console.log(JSON.stringify({ ...result, ms: Math.round(ms), rssBeforeMb: Math.round(rssBefore / 2 ** 20), peakRssMb: Math.round(peak / 2 ** 20) }));
