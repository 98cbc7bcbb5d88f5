// `npm run bench -- <scenario> [options]`: benchmarks, by name; `npm run bench` lists them and runs
// them all. Not part of `npm test` (vitest only picks up *.test.ts). Results: test/bench/BENCHMARKS.md.
const SCENARIOS: Record<string, { about: string; load: () => Promise<{ run(args: string[]): Promise<void> }> }> = {
  inbound: { about: "issue 10: WeCom callbacks fully handled (ack → step stored → reply at the fake API) against a verify+decrypt floor route (--db=sqlite|postgresql)", load: () => import("./inbound.bench.ts") },
  drain: { about: "issue 10: the outbox draining queued messages to a fake API against a bare send loop, per-member limits off and on", load: () => import("./drain.bench.ts") },
  start: { about: "issue 10: npm start to healthy, and its RSS idle", load: () => import("./start.bench.ts") },
  reminders: { about: "issue 13: one daily IP reminder pass over 100k and 1M assets (--quick: 10k; --sizes=a:e,…; --db=sqlite|postgresql)", load: () => import("./reminders.bench.ts") },
};

const [first, ...args] = process.argv.slice(2);
const named = first !== undefined && !first.startsWith("-");
const picked = named ? [first] : Object.keys(SCENARIOS);
const rest = named ? args : process.argv.slice(2);
if (!named) for (const [n, s] of Object.entries(SCENARIOS)) console.error(`${n}: ${s.about}`);
for (const n of picked) {
  const scenario = SCENARIOS[n];
  if (!scenario) {
    console.error(`unknown benchmark "${n}"; known: ${Object.keys(SCENARIOS).join(", ")}`);
    process.exit(2);
  }
  console.error(`== ${n}`);
  // The whole run stays within ~10 minutes on 2 cores: reminders at full size (1M assets) only when asked for by name.
  await (await scenario.load()).run(!named && n === "reminders" && !rest.some((a) => a.startsWith("--sizes")) ? ["--quick", ...rest] : rest);
}

export {};
