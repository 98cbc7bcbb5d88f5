// Issue 13 (Operating the jobs): one daily IP reminder pass over a large register. Seeds 100k
// assets over 10k enterprises and 1M over 100k (or --quick: 10k over 1k; --sizes=assets:enterprises,…),
// then, each in a fresh process: (1) the pass of a Monday 09:00 (the weekend's milestones too),
// (2) the same pass again at 10:00 (nothing left: the scan costs nothing), (3) Tuesday's pass with
// 90% of its due items held back — time follows the due items, not the register's size.
// SQLite (a temp file) always; PostgreSQL too when BENCH_DATABASE_URL or TEST_DATABASE_URL is set
// (--db=sqlite|postgresql picks one). Goal at 1M: < 60 s and < 512 MB RSS per pass.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createChineseWorkingCalendar } from "../../src/jobs/chinese-calendar.ts";
import type { DatabaseProvider, PrismaClient } from "../../src/storage/database.ts";
import { createTestDatabase } from "../support/test-db.ts";
import { seedRegister } from "./reminder-seed.ts";

const DAY = "2026-11-30"; // a Monday: Saturday's and Sunday's milestones come due with Monday's
const at = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`).toISOString();

interface Pass {
  digests: number;
  items: number;
  escalated: number;
  lapsed: number;
  ms: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

function runPass(provider: DatabaseProvider, url: string, instant: string): Pass {
  const script = fileURLToPath(new URL("./reminder-pass.ts", import.meta.url));
  // BENCH_CPU_PROF=dir: a V8 CPU profile of each pass (open it in Chrome DevTools).
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const out = execFileSync(process.execPath, [...prof, "--import", "tsx", script, provider, url, instant], { encoding: "utf8", maxBuffer: 1 << 20, stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out.trim().split("\n").at(-1)!) as Pass;
}

const dueOn = (prisma: PrismaClient, date: string) => prisma.reminder.count({ where: { status: "PENDING", nextRemindOn: { lte: date } } });

function sizesOf(args: string[]): { assets: number; enterprises: number }[] {
  const spec = args.find((a) => a.startsWith("--sizes="))?.slice(8) ?? process.env.BENCH_SIZES ?? (args.includes("--quick") ? "10000:1000" : "100000:10000,1000000:100000");
  return spec.split(",").map((s) => {
    const [assets, enterprises] = s.split(":").map(Number);
    if (!assets || !enterprises) throw new Error(`--sizes: expected assets:enterprises, got "${s}"`);
    return { assets, enterprises };
  });
}

function providersOf(args: string[]): DatabaseProvider[] {
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const pick = args.find((a) => a.startsWith("--db="))?.slice(5);
  if (pick === "postgresql" && !pgUrl) throw new Error("--db=postgresql needs BENCH_DATABASE_URL (or TEST_DATABASE_URL)");
  if (pick) return [pick as DatabaseProvider];
  return pgUrl ? ["sqlite", "postgresql"] : ["sqlite"];
}

const fmt = (n: number) => n.toLocaleString("en-US");
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;

export async function run(args: string[]): Promise<void> {
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (pgUrl) process.env.TEST_DATABASE_URL = pgUrl; // createTestDatabase makes a throwaway schema there
  const calendar = createChineseWorkingCalendar();
  const lastPass = calendar.addWorkingDays(DAY, -1);
  const nextDay = calendar.addWorkingDays(DAY, 1);
  const lines: string[] = [];
  for (const provider of providersOf(args)) {
    for (const size of sizesOf(args)) {
      const t = await createTestDatabase(provider);
      try {
        const prisma = t.db.prisma;
        const s0 = performance.now();
        const seeded = await seedRegister(prisma, { ...size, provider, url: t.url, lastPass, calendar });
        const seedS = (performance.now() - s0) / 1000;
        console.error(`[${provider} ${fmt(size.assets)}] seeded ${fmt(seeded.assets)} assets, ${fmt(seeded.reminders)} reminders (${fmt(seeded.scheduled)} scheduled) in ${seedS.toFixed(1)} s`);
        const passes: [string, number, Pass][] = [];
        const monday = await dueOn(prisma, DAY);
        passes.push([`${DAY} 09:00`, monday, runPass(provider, t.url, at(DAY, "09:00"))]);
        passes.push([`${DAY} 10:00 rerun`, await dueOn(prisma, DAY), runPass(provider, t.url, at(DAY, "10:00"))]);
        // Tuesday with 90% of its due deadlines held back to Wednesday: a day with few milestones.
        await prisma.reminder.updateMany({ where: { status: "PENDING", nextRemindOn: { lte: nextDay }, NOT: { id: { endsWith: "0" } } }, data: { nextRemindOn: calendar.addWorkingDays(nextDay, 1) } });
        passes.push([`${nextDay} 09:00, 10% due`, await dueOn(prisma, nextDay), runPass(provider, t.url, at(nextDay, "09:00"))]);
        for (const [label, due, p] of passes) {
          const perItem = due > 0 ? (p.ms / due).toFixed(2) : "–";
          const line = row([provider, fmt(seeded.assets), fmt(seeded.enterprises), fmt(seeded.reminders), seedS.toFixed(0), label, fmt(due), fmt(p.digests), fmt(p.items), fmt(p.lapsed), (p.ms / 1000).toFixed(2), perItem, p.peakRssMb]);
          console.error(line);
          lines.push(line);
        }
      } finally {
        await t.drop();
      }
    }
  }
  console.log(["", row(["db", "assets", "enterprises", "reminders", "seed s", "pass", "due", "digests", "items", "lapsed", "pass s", "ms/due", "peak RSS MB"]), row(Array(13).fill("---")), ...lines].join("\n"));
}
