// Issue 10: the outbox draining N queued WeCom text messages (default 5,000: 500 recipients × 10)
// to the fake WeCom API over HTTP on 127.0.0.1, against a floor: a bare loop sending the same N
// message/send requests (same JSON bodies, same access_token query, the same global fetch the
// adapter uses with its 10 s AbortSignal.timeout, same concurrency as the dispatcher's default 8).
//   floor       bare loop → sends/s
//   limits off  createOutboxDispatcher + the real WeCom adapter (registry module), rateLimits {}
//   limits on   the same with the channel's real caps (30/min, 1000/h per member): 10 messages a
//               recipient never reach them, so this measures what the cap checks cost
//   cap binds   40 messages to one recipient with the caps on, on a virtual clock shared with the
//               fake (which drops what exceeds the cap, as WeCom does): when nothing is due the
//               clock jumps to the next nextAttemptAt, so it takes seconds, not minutes; shows the
//               sends per 60 s window equal the cap and nothing is dropped
// Every run checks each message was delivered exactly once (the fake's deliveries, distinct, none
// dropped; every OutboxMessage SENT). Median of 3 runs (--runs=), each on a fresh database and a
// fresh fake. The fake runs in a child process: its HTTP parsing and bookkeeping would otherwise
// share the measured event loop (and, on SQLite, the thread that runs the queries), charging the
// dispatcher for the fake's work; in a child both the floor and the dispatcher pay the same fake.
// Each series starts with an unmeasured warm-up run of 300 messages.
// Options: --messages=5000 --recipients=500 --runs=3 --quick (1,000 messages, 1 run)
// --db=sqlite|postgresql|postgres://… (PostgreSQL also when BENCH_DATABASE_URL/TEST_DATABASE_URL
// is set). BENCH_CPU_PROF=dir: a CPU profile of one limits-off drain per database, summarised.
// Table on stdout, JSON in bench-results/drain.json.
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { cachedTokenStore } from "../../src/channels/token-store.ts";
import { wecomChannel } from "../../src/channels/wecom/wecom-channel.ts";
import type { ChannelAdapter } from "../../src/channels/channel.ts";
import { createOutboxDispatcher } from "../../src/jobs/outbox-dispatcher.ts";
import { createLogger } from "../../src/log/logger.ts";
import { channelTokenTable } from "../../src/storage/channel-tokens.ts";
import type { DatabaseProvider, PrismaClient } from "../../src/storage/database.ts";
import { enqueueMany, type OutgoingMessage } from "../../src/storage/outbox.ts";
import { WECOM_DUPLICATE_CHECK_MAX_SECONDS } from "../../src/channels/wecom/wecom-api.ts";
import { WECOM_RATE_LIMITS } from "../../src/channels/wecom/wecom-adapter.ts";
import { createTestDatabase } from "../support/test-db.ts";
import { WECOM } from "../support/wecom-harness.ts";
import { printSummary, profiled, type ProfileSummary } from "./cpu-profile.ts";

const CONCURRENCY = 8; // createOutboxDispatcher's default `concurrency`
const BINDING = { messages: 40, recipients: 1 };

// ── the fake in a child process ──────────────────────────────────────────────────────────────
interface Fake {
  base: string;
  ask<T>(op: "stats" | "sentAt" | "setNow" | "close", extra?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}
interface FakeStats {
  sent: number;
  distinct: number;
  dropped: number;
  tokenRequests: number;
}

async function startFake(): Promise<Fake> {
  const script = fileURLToPath(new URL("./fake-wecom-child.ts", import.meta.url));
  const child: ChildProcess = fork(script, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const pending = new Map<number, (v: unknown) => void>();
  let next = 1;
  const ready = new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`fake WeCom child exited (${code})`)));
    pending.set(0, (b) => resolve((b as { base: string }).base));
  });
  child.on("message", (m: { id: number; body: unknown }) => {
    const r = pending.get(m.id);
    pending.delete(m.id);
    r?.(m.body);
  });
  const base = await ready;
  const ask = <T>(op: string, extra: Record<string, unknown> = {}) =>
    new Promise<T>((resolve) => {
      const id = next++;
      pending.set(id, (v) => resolve(v as T));
      child.send({ id, op, ...extra });
    });
  return {
    base,
    ask,
    async stop() {
      await ask("close").catch(() => undefined);
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
    },
  };
}

// ── the workload ─────────────────────────────────────────────────────────────────────────────
const userOf = (r: number) => `bench-user-${String(r).padStart(5, "0")}`;
const textOf = (i: number, r: number) => `【提醒】第 ${i + 1} 条消息：您的专利年费即将到期，请及时办理（收件人 ${r}）。`;

/** Message i goes to recipient i mod R: rounds of one message to every recipient, as a broadcast queues them. */
function workload(n: number, recipients: number): { userId: string; text: string }[] {
  return Array.from({ length: n }, (_, i) => ({ userId: userOf(i % recipients), text: textOf(i, i % recipients) }));
}

async function enqueueAll(prisma: PrismaClient, items: { userId: string; text: string }[], now: Date): Promise<void> {
  const messages: OutgoingMessage[] = items.map((m) => ({ channel: "wecom", userId: m.userId, message: { kind: "text", text: m.text } }));
  // One transaction per 500 (a batch job's shape); enqueueMany splits into statement-sized chunks.
  for (let i = 0; i < messages.length; i += 500) await prisma.$transaction((tx) => enqueueMany(tx, messages.slice(i, i + 500), now));
}

// ── floor: a bare loop over the same requests ────────────────────────────────────────────────
async function floorRun(n: number, recipients: number): Promise<Measured> {
  const fake = await startFake();
  try {
    const items = workload(n, recipients);
    const token = ((await (await fetch(`${fake.base}/cgi-bin/gettoken?${new URLSearchParams({ corpid: WECOM.corpId, corpsecret: WECOM.secret })}`)).json()) as { access_token: string }).access_token;
    const url = `${fake.base}/cgi-bin/message/send?${new URLSearchParams({ access_token: token })}`;
    const agentid = Number(WECOM.agentId);
    let next = 0;
    let failed = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (next < items.length) {
        const m = items[next++]!;
        // Exactly what wecom-api.ts send() posts for a text message (variant 0: no mark).
        const body = { touser: m.userId, agentid, msgtype: "text", text: { content: m.text }, enable_duplicate_check: 1, duplicate_check_interval: WECOM_DUPLICATE_CHECK_MAX_SECONDS };
        const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
        const reply = (await res.json()) as { errcode?: number };
        if (!res.ok || (reply.errcode ?? 0) !== 0) failed++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const s = (performance.now() - t0) / 1000;
    const stats = await fake.ask<FakeStats>("stats");
    const ok = failed === 0 && stats.sent === n && stats.distinct === n && stats.dropped === 0;
    return { s, rate: n / s, ok, check: `${stats.sent} delivered, ${stats.distinct} distinct, ${stats.dropped} dropped, ${failed} failed` };
  } finally {
    await fake.stop();
  }
}

// ── the product's dispatcher ─────────────────────────────────────────────────────────────────
interface Measured {
  s: number;
  rate: number;
  ok: boolean;
  check: string;
  passes?: number;
  profile?: ProfileSummary;
  extra?: Record<string, unknown>;
}

async function dispatcherRun(provider: DatabaseProvider, n: number, recipients: number, limits: boolean, opts: { profileAs?: string; virtualClock?: boolean } = {}): Promise<Measured> {
  const fake = await startFake();
  const t = await createTestDatabase(provider);
  try {
    const prisma = t.db.prisma;
    let skew = 0; // the virtual clock's lead over the real one (cap-binding case only)
    const now = () => new Date(Date.now() + skew);
    await enqueueAll(prisma, workload(n, recipients), now());
    const logger = createLogger({ level: "error" });
    // As src/app/services.ts wires it: the registry's module, tokens in the ChannelToken table.
    const tokens = cachedTokenStore(now, channelTokenTable(prisma));
    const config = { corpId: WECOM.corpId, agentId: WECOM.agentId, secret: WECOM.secret, token: WECOM.token, encodingAesKey: WECOM.encodingAesKey, apiBase: fake.base };
    const adapter = wecomChannel.create(config, { now, maxAgeSeconds: 300, tokens, signingSecret: "bench" }) as ChannelAdapter;
    const rateLimits = limits ? { wecom: wecomChannel.rateLimits ?? WECOM_RATE_LIMITS } : {};
    const dispatcher = createOutboxDispatcher({ prisma, adapters: { wecom: adapter }, rateLimits, now, logger });
    let passes = 0;
    const t0 = performance.now();
    const drainAll = async () => {
      // As the product runs it: drain() (kickOutbox) repeatedly, as the per-minute job would.
      for (;;) {
        passes++;
        await dispatcher.drain();
        const open = await prisma.outboxMessage.count({ where: { status: { in: ["PENDING", "SENDING"] } } });
        if (open === 0) return;
        if (!opts.virtualClock) {
          if (passes > 10_000) throw new Error(`${open} messages left after ${passes} drains`);
          continue;
        }
        // Nothing due (the rest wait behind a deferred one): jump to the next nextAttemptAt (the per-minute job would pick it up then).
        const nextAt = await prisma.outboxMessage.aggregate({ where: { status: "PENDING", nextAttemptAt: { gt: now() } }, _min: { nextAttemptAt: true } });
        const at = nextAt._min.nextAttemptAt;
        if (at && at.getTime() > now().getTime()) {
          skew = at.getTime() - Date.now();
          await fake.ask("setNow", { skewMs: skew });
        }
        if (passes > 1000) throw new Error(`${open} messages left after ${passes} drains`);
      }
    };
    let profile: ProfileSummary | undefined;
    if (opts.profileAs) profile = (await profiled(opts.profileAs, drainAll)).profile;
    else await drainAll();
    const s = (performance.now() - t0) / 1000;
    const sentRows = await prisma.outboxMessage.count({ where: { status: "SENT" } });
    const stats = await fake.ask<FakeStats>("stats");
    const ok = sentRows === n && stats.sent === n && stats.distinct === n && stats.dropped === 0;
    const m: Measured = { s, rate: n / s, ok, passes, check: `${stats.sent} delivered, ${stats.distinct} distinct, ${stats.dropped} dropped, ${sentRows} SENT rows`, ...(profile ? { profile } : {}) };
    if (opts.virtualClock) {
      const at = (await fake.ask<number[]>("sentAt")).sort((a, b) => a - b);
      let maxPerMinute = 0;
      for (let i = 0, j = 0; i < at.length; i++) {
        while (at[i]! - at[j]! >= 60_000) j++;
        maxPerMinute = Math.max(maxPerMinute, i - j + 1);
      }
      const spanS = (at.at(-1)! - at[0]!) / 1000;
      const cap = rateLimits.wecom?.perMinute ?? Infinity;
      m.extra = { virtualSpanS: spanS, maxPerMinuteWindow: maxPerMinute, cap, firstOverCapDelayS: at.length > cap ? (at[cap]! - at[0]!) / 1000 : null, realS: s };
      m.ok &&= maxPerMinute <= cap;
    }
    return m;
  } finally {
    await t.drop();
    await fake.stop();
  }
}

// ── the table ────────────────────────────────────────────────────────────────────────────────
function providersOf(args: string[]): DatabaseProvider[] {
  const pick = args.find((a) => a.startsWith("--db="))?.slice(5);
  if (pick && /^postgres(ql)?:\/\//.test(pick)) {
    process.env.BENCH_DATABASE_URL = pick;
    return ["postgresql"];
  }
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (pick === "postgresql" && !pgUrl) throw new Error("--db=postgresql needs BENCH_DATABASE_URL (or TEST_DATABASE_URL), or --db=postgres://…");
  if (pick) return [pick as DatabaseProvider];
  return pgUrl ? ["sqlite", "postgresql"] : ["sqlite"];
}

const num = (args: string[], name: string, dflt: number) => {
  const v = args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a positive integer, got "${v}"`);
  return n;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;

async function medianOf(runs: number, label: string, fn: () => Promise<Measured>): Promise<{ rate: number; s: number; runs: Measured[]; ok: boolean }> {
  const all: Measured[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await fn();
    console.error(`[${label}] run ${i + 1}/${runs}: ${m.rate.toFixed(0)} sends/s (${m.s.toFixed(2)} s${m.passes ? `, ${m.passes} drains` : ""}; ${m.check})${m.ok ? "" : " — CHECK FAILED"}`);
    all.push(m);
  }
  const rate = median(all.map((m) => m.rate));
  return { rate, s: median(all.map((m) => m.s)), runs: all, ok: all.every((m) => m.ok) };
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes("--quick");
  const providers = providersOf(args);
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (pgUrl) process.env.TEST_DATABASE_URL = pgUrl; // createTestDatabase makes a throwaway schema there
  const n = num(args, "messages", quick ? 1000 : 5000);
  const recipients = num(args, "recipients", Math.min(500, n));
  const runs = num(args, "runs", quick ? 1 : 3);
  const perRecipient = Math.ceil(n / recipients);
  if (perRecipient > WECOM_RATE_LIMITS.perMinute) console.error(`note: ${perRecipient} messages per recipient exceed the 30/min cap: "limits on" will wait for it`);

  // Unmeasured warm-up runs first (JIT, the Prisma client's engine, undici's pool), as a server
  // that has been up a while is: the first run is otherwise 20–50% slower.
  const warm = Math.min(n, 300);
  await floorRun(warm, Math.min(recipients, warm));
  const floor = await medianOf(runs, "floor", () => floorRun(n, recipients));
  const results: Record<string, unknown>[] = [];
  const lines: string[] = [row(["", "floor (bare loop)", "—", `${floor.rate.toFixed(0)} sends/s`, "—", "—", floor.ok ? "ok" : "FAILED"])];
  results.push({ case: "floor", messages: n, recipients, concurrency: CONCURRENCY, sendsPerS: floor.rate, seconds: floor.s, ok: floor.ok, runs: floor.runs });
  for (const provider of providers) {
    await dispatcherRun(provider, warm, Math.min(recipients, warm), false);
    const off = await medianOf(runs, `${provider} limits off`, () => dispatcherRun(provider, n, recipients, false));
    const on = await medianOf(runs, `${provider} limits on`, () => dispatcherRun(provider, n, recipients, true));
    const bind = await dispatcherRun(provider, BINDING.messages, BINDING.recipients, true, { virtualClock: true });
    const b = bind.extra as { virtualSpanS: number; maxPerMinuteWindow: number; cap: number; firstOverCapDelayS: number | null; realS: number };
    console.error(`[${provider} cap binds] ${BINDING.messages} to one recipient: ${b.maxPerMinuteWindow} max in any 60 s, message ${b.cap + 1} sent ${b.firstOverCapDelayS?.toFixed(3)} s (virtual) after the first; ${bind.check}${bind.ok ? "" : " — CHECK FAILED"}`);
    let profile: ProfileSummary | undefined;
    if (process.env.BENCH_CPU_PROF) {
      profile = (await dispatcherRun(provider, n, recipients, false, { profileAs: `drain-${provider}-limits-off` })).profile;
      if (profile) printSummary(profile);
    }
    const target = 0.7 * floor.rate;
    lines.push(row([provider, "limits off", `${n} msgs, ${recipients} recipients`, `${off.rate.toFixed(0)} sends/s`, `${floor.rate.toFixed(0)} (goal ≥ ${target.toFixed(0)} = 70%)`, (off.rate / floor.rate).toFixed(2), off.ok ? "ok" : "FAILED"]));
    lines.push(row([provider, "limits on (not binding)", `${perRecipient}/recipient < 30/min`, `${on.rate.toFixed(0)} sends/s`, `${floor.rate.toFixed(0)} (goal ≥ ${target.toFixed(0)} = 70%)`, (on.rate / floor.rate).toFixed(2), on.ok ? "ok" : "FAILED"]));
    lines.push(row([provider, "limits on (cap binds)", `${BINDING.messages} msgs to 1 recipient`, `${b.maxPerMinuteWindow} sends in any 60 s`, `cap ${b.cap}/min`, (b.maxPerMinuteWindow / b.cap).toFixed(2), bind.ok ? `ok (#${b.cap + 1} at +${b.firstOverCapDelayS?.toFixed(1)} s)` : "FAILED"]));
    results.push(
      { case: "limits off", provider, messages: n, recipients, sendsPerS: off.rate, seconds: off.s, ratioToFloor: off.rate / floor.rate, ok: off.ok, runs: off.runs },
      { case: "limits on", provider, messages: n, recipients, sendsPerS: on.rate, seconds: on.s, ratioToFloor: on.rate / floor.rate, ok: on.ok, runs: on.runs },
      { case: "cap binds", provider, messages: BINDING.messages, recipients: BINDING.recipients, ...b, ok: bind.ok, check: bind.check },
      ...(profile ? [{ case: "cpu profile (limits off)", provider, ...profile }] : []),
    );
  }
  mkdirSync("bench-results", { recursive: true });
  writeFileSync("bench-results/drain.json", JSON.stringify({ scenario: "drain", at: new Date().toISOString(), node: process.version, loadAvg: loadavg(), cpus: cpus().length, messages: n, recipients, runs, concurrency: CONCURRENCY, results }, null, 2));
  console.log(["", row(["db", "case", "workload", "figure (median)", "floor", "ratio", "check"]), row(Array(7).fill("---")), ...lines, "", "JSON: bench-results/drain.json"].join("\n"));
  if (![floor, ...results].every((r) => (r as { ok?: boolean }).ok !== false)) process.exitCode = 1;
}
