// Issue 10, scenario `inbound`: WeCom callbacks fully handled by the real product (ack → flow step
// stored → reply received by the WeCom API) against a floor measured in the same run: a bare Hono
// route that only verifies the signature and decrypts (test/bench/floor-server.ts).
//
// Each run (median of --runs=3, each on a fresh database, fresh server and fresh fake API):
//  1. floor: the same callbacks, same concurrency, to the floor server (passes repeated: ≥ 1 s warm-up, ≥ 2 s timed);
//  2. burst: --users=500 distinct users each send 申请工作室 and then --answers=3 answers of the
//     application form, a user's messages one after another (each after the previous 200), all users
//     at once with --concurrency=64 requests in flight over keep-alive connections; every callback
//     is signed before the clock starts;
//  3. half rate: open loop at half the burst's fully-handled rate for --half-seconds=10, fresh users;
//  4. every user got exactly the replies one conversation produces (counted once, sequentially, on
//     the first run's server), none twice; RSS of the server afterwards.
// SQLite (a temp file) always; PostgreSQL when BENCH_DATABASE_URL / TEST_DATABASE_URL is set or
// --db=postgresql / --db=postgres://… (a throwaway schema). BENCH_CPU_PROF=dir: the server runs
// with --cpu-prof (one profile per run; summarise with test/bench/profile-summary.ts). --count-sql:
// the server counts its SQL statements (test/bench/count-sql.ts preload) → statements per message.
// --quick: 50 users, 1 run, 3 s at half rate. Loopback only.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { textMessageXml } from "../fakes/wecom-callback-signer.ts";
import type { FakeSent } from "../fakes/fake-wecom-api.ts";
import { serveFakeWecom, signedCallback, wecomEnv } from "../support/child-server.ts";
import { typedAnswers } from "../support/journey.ts";
import { createTestDatabase } from "../support/test-db.ts";
import { WECOM } from "../support/wecom-harness.ts";
import { closedLoop, epochMs, keepAliveClient, median, openLoop, quantile, rssMb, sqlCounts, startProcess, type Message, type Sent } from "./inbound-load.ts";

type Provider = "sqlite" | "postgresql";

interface Options {
  users: number;
  answers: number;
  concurrency: number;
  runs: number;
  halfSeconds: number;
  providers: Provider[];
  countSql: boolean;
}

function optionsOf(args: string[]): Options {
  const val = (name: string): string | undefined => {
    const eq = args.find((a) => a.startsWith(`--${name}=`));
    if (eq) return eq.slice(name.length + 3);
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] && !args[i + 1]!.startsWith("--") ? args[i + 1] : undefined;
  };
  const quick = args.includes("--quick");
  const num = (name: string, dflt: number) => {
    const v = val(name);
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got "${v}"`);
    return n;
  };
  const db = val("db");
  let providers: Provider[];
  if (db === undefined) providers = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? ["sqlite", "postgresql"] : ["sqlite"];
  else if (db === "sqlite") providers = ["sqlite"];
  else if (db === "postgresql" || db === "postgres") providers = ["postgresql"];
  else if (/^postgres(ql)?:\/\//.test(db)) {
    process.env.BENCH_DATABASE_URL = db;
    providers = ["postgresql"];
  } else throw new Error(`--db: sqlite, postgresql or postgres://…, got "${db}"`);
  if (providers.includes("postgresql")) {
    const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
    if (!url) throw new Error("PostgreSQL needs --db=postgres://… or BENCH_DATABASE_URL (or TEST_DATABASE_URL)");
    process.env.TEST_DATABASE_URL = url; // createTestDatabase makes its throwaway schema there
  }
  return {
    users: num("users", quick ? 50 : 500),
    answers: num("answers", 3),
    concurrency: num("concurrency", 64),
    runs: num("runs", quick ? 1 : 3),
    halfSeconds: num("half-seconds", quick ? 3 : 10),
    providers,
    countSql: args.includes("--count-sql"),
  };
}

let msgSeq = 9_000_000_000 + Math.floor(Math.random() * 1_000_000);

/** One conversation per user: 申请工作室, then the first `answers` answers of the form, each signed now. */
function conversations(prefix: string, users: number, answers: number): Message[][] {
  const texts = ["申请工作室", ...typedAnswers().slice(0, answers)];
  if (texts.length !== answers + 1) throw new Error(`--answers: the form has ${typedAnswers().length} answers`);
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: users }, (_, u) => {
    const user = `${prefix}${u}`;
    return texts.map((content, index) => {
      const cb = signedCallback(textMessageXml({ toUser: WECOM.corpId, fromUser: user, content, msgId: String(++msgSeq), createTime: now, agentId: WECOM.agentId }), now);
      return { user, index, path: cb.path, body: cb.body };
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Replies to users whose id starts with `prefix`, as the fake API received them. */
const repliesOf = (sent: FakeSent[], prefix: string) => sent.filter((s) => s.touser.startsWith(prefix));

/** Waits until `expected` replies to `prefix…` users have arrived and then `settleMs` more without any; false if none came for `stallMs`. */
async function awaitReplies(sent: FakeSent[], prefix: string, expected: number, settleMs: number, stallMs = 30_000): Promise<boolean> {
  let seen = 0;
  let cursor = 0;
  let lastChange = epochMs();
  for (;;) {
    const before = seen;
    for (; cursor < sent.length; cursor++) if (sent[cursor]!.touser.startsWith(prefix)) seen++;
    if (seen !== before) lastChange = epochMs();
    const quiet = epochMs() - lastChange;
    if (seen >= expected && quiet >= settleMs) return true;
    if (quiet > stallMs) return false;
    await sleep(10);
  }
}

/** What one conversation produces: replies after each message, sent one at a time and let settle. */
async function calibrate(url: string, sent: FakeSent[], answers: number): Promise<{ perMessage: number[]; kinds: string[] }> {
  const [conv] = conversations("calib-", 1, answers);
  const client = keepAliveClient(url, 1);
  const perMessage: number[] = [];
  let before = 0;
  for (const m of conv!) {
    const status = await client.post(m.path, m.body);
    if (status !== 200) throw new Error(`calibration: HTTP ${status}`);
    // settle: nothing new for 1.5 s
    let n = -1;
    let since = epochMs();
    for (;;) {
      const now = repliesOf(sent, "calib-").length;
      if (now !== n) {
        n = now;
        since = epochMs();
      } else if (epochMs() - since > 1500) break;
      await sleep(20);
    }
    perMessage.push(n - before);
    before = n;
  }
  client.close();
  const kinds = repliesOf(sent, "calib-").map(kindOf);
  if (perMessage[0] === 0) throw new Error("calibration: 申请工作室 produced no reply");
  return { perMessage, kinds };
}

/** A reply's shape with digits masked (ids and times differ between users). */
const kindOf = (s: FakeSent) => `${s.msgtype}:${(s.content ?? JSON.stringify(s.templateCard ?? {})).replace(/\d+/g, "#").slice(0, 60)}`;

interface PhaseFigures {
  messages: number;
  ackPerS: number;
  handledPerS: number;
  ackP50: number;
  ackP99: number;
  /** Messages whose last reply had not arrived when the last ack returned. */
  backlog: number;
  /** Last reply − last ack, s (negative: everything answered before the last ack). */
  drainS: number;
  /** Send (or slot) → the message's last reply, ms. */
  replyP50: number;
  replyP99: number;
  errors: string[];
}

/** Figures of a phase from its acks and the replies the fake received; checks every user's replies. */
function figures(sentLog: Sent[], replies: FakeSent[], cal: { perMessage: number[]; kinds: string[] }): PhaseFigures {
  const errors: string[] = [];
  const cum = cal.perMessage.reduce<number[]>((a, n) => [...a, (a.at(-1) ?? 0) + n], []);
  const byUser = new Map<string, FakeSent[]>();
  for (const r of replies) (byUser.get(r.touser) ?? byUser.set(r.touser, []).get(r.touser)!).push(r);
  const users = new Set(sentLog.map((s) => s.msg.user));
  for (const u of users) {
    const got = byUser.get(u) ?? [];
    if (got.length !== cum.at(-1)) errors.push(`${u}: ${got.length} replies, expected ${cum.at(-1)}`);
    const bodies = new Set(got.map((g) => JSON.stringify(g.body)));
    if (bodies.size !== got.length) errors.push(`${u}: a reply sent twice`);
    const kinds = got.map(kindOf);
    if (got.length === cum.at(-1) && kinds.some((k, i) => k !== cal.kinds[i])) errors.push(`${u}: replies differ from the calibration (${kinds.join(" / ")})`);
  }
  for (const u of byUser.keys()) if (!users.has(u)) errors.push(`${u}: replies to a user who wrote nothing`);
  const firstSend = Math.min(...sentLog.map((s) => s.start));
  const lastAck = Math.max(...sentLog.map((s) => s.ack));
  const lastReply = Math.max(...replies.map((r) => r.at.getTime()));
  const lat = sentLog.map((s) => s.ack - s.start);
  let backlog = 0;
  const replyLat: number[] = [];
  for (const s of sentLog) {
    const got = (byUser.get(s.msg.user) ?? []).map((r) => r.at.getTime()).sort((a, b) => a - b);
    const need = cum[s.msg.index]!;
    const answered = cal.perMessage[s.msg.index] === 0 ? s.ack : (got[need - 1] ?? Infinity);
    if (answered > lastAck) backlog++;
    replyLat.push(answered - s.start);
  }
  const n = sentLog.length;
  return {
    messages: n,
    ackPerS: n / ((lastAck - firstSend) / 1000),
    handledPerS: n / ((Math.max(lastReply, lastAck) - firstSend) / 1000),
    ackP50: quantile(lat, 0.5),
    ackP99: quantile(lat, 0.99),
    backlog,
    drainS: (lastReply - lastAck) / 1000,
    replyP50: quantile(replyLat, 0.5),
    replyP99: quantile(replyLat, 0.99),
    errors,
  };
}

interface RunFigures {
  floorPerS: number;
  floorP50: number;
  floorP99: number;
  burst: PhaseFigures;
  halfRate: number;
  half: PhaseFigures;
  rssMb: number;
  startS: number;
  /** --count-sql: statements the server sent during the burst and half-rate phases, by first keyword, and per message. */
  sql?: { counts: Record<string, number>; perMessage: number };
}

async function floorPass(conv: Message[][], concurrency: number): Promise<{ perS: number; p50: number; p99: number }> {
  const floor = await startProcess("test/bench/floor-server.ts", { FLOOR_TOKEN: WECOM.token, FLOOR_AES_KEY: WECOM.encodingAesKey, FLOOR_CORP_ID: WECOM.corpId });
  const client = keepAliveClient(floor.url, concurrency);
  try {
    // The same callbacks (the floor keeps no state), same concurrency. A pass of a few hundred
    // requests lasts a few tens of ms, so: warm-up passes for ≥ 1 s, then timed passes for ≥ 2 s.
    for (const w0 = epochMs(); epochMs() - w0 < 1000; ) await closedLoop(client, conv, concurrency);
    const lat: number[] = [];
    const t0 = epochMs();
    let n = 0;
    while (epochMs() - t0 < 2000) {
      const log = await closedLoop(client, conv, concurrency);
      n += log.length;
      for (const l of log) lat.push(l.ack - l.start);
    }
    const s = (epochMs() - t0) / 1000;
    return { perS: n / s, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
  } finally {
    client.close();
    await floor.stop();
  }
}

let calibration: { perMessage: number[]; kinds: string[] } | undefined;

async function oneRun(provider: Provider, o: Options, run: number): Promise<RunFigures> {
  const tag = `[${provider} run ${run + 1}]`;
  const burstConv = conversations(`b${run}-`, o.users, o.answers);
  const floor = await floorPass(burstConv, o.concurrency);
  console.error(`${tag} floor ${floor.perS.toFixed(0)} req/s (p50 ${floor.p50.toFixed(1)} ms, p99 ${floor.p99.toFixed(1)} ms)`);

  const t = await createTestDatabase(provider);
  await t.db.close(); // the server has the database to itself
  const wecom = await serveFakeWecom();
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  if (prof.length) mkdirSync(process.env.BENCH_CPU_PROF!, { recursive: true });
  const s0 = epochMs();
  const countFile = join(tmpdir(), `inbound-sql-${process.pid}.json`);
  const server = await startProcess("scripts/reliability-server.ts", wecomEnv(t.url, wecom.base, o.countSql ? { BENCH_SQL_COUNT_FILE: countFile, ...(process.env.BENCH_SQL_TOP ? { BENCH_SQL_TOP: process.env.BENCH_SQL_TOP } : {}) } : {}), prof, o.countSql ? ["./test/bench/count-sql.ts"] : []);
  const startS = (epochMs() - s0) / 1000;
  const client = keepAliveClient(server.url, o.concurrency);
  try {
    calibration ??= await calibrate(server.url, wecom.fake.sent, o.answers);
    const perUser = calibration.perMessage.reduce((a, b) => a + b, 0);

    // Burst: fresh MsgIds and users (the floor pass had its own).
    const conv = conversations(`r${run}-`, o.users, o.answers);
    const sqlBefore = o.countSql ? await sqlCounts(server.pid, countFile) : undefined;
    const log = await closedLoop(client, conv, o.concurrency);
    if (!(await awaitReplies(wecom.fake.sent, `r${run}-`, o.users * perUser, 1000))) console.error(`${tag} burst: replies stalled`);
    const burst = figures(log, repliesOf(wecom.fake.sent, `r${run}-`), calibration);
    console.error(`${tag} burst: ${burst.messages} msgs, acks ${burst.ackPerS.toFixed(0)}/s, handled ${burst.handledPerS.toFixed(1)}/s (${((100 * burst.handledPerS) / floor.perS).toFixed(2)}% of floor), ack p50 ${burst.ackP50.toFixed(0)} p99 ${burst.ackP99.toFixed(0)} ms, backlog ${burst.backlog}, drain ${burst.drainS.toFixed(2)} s`);

    // Half rate, open loop, fresh users: about one second's worth of users share a block.
    const halfRate = burst.handledPerS / 2;
    const msgsPerUser = o.answers + 1;
    const halfUsers = Math.max(1, Math.round((halfRate * o.halfSeconds) / msgsPerUser));
    const block = Math.max(1, Math.round(halfRate / msgsPerUser) * 2);
    const hconv = conversations(`h${run}-`, halfUsers, o.answers);
    const hlog = await openLoop(client, hconv, halfRate, block);
    if (!(await awaitReplies(wecom.fake.sent, `h${run}-`, halfUsers * perUser, 1000))) console.error(`${tag} half rate: replies stalled`);
    const half = figures(hlog, repliesOf(wecom.fake.sent, `h${run}-`), calibration);
    console.error(`${tag} half rate ${halfRate.toFixed(1)}/s × ${o.halfSeconds} s: ack p50 ${half.ackP50.toFixed(1)} p99 ${half.ackP99.toFixed(1)} ms, reply p99 ${half.replyP99.toFixed(0)} ms, backlog ${half.backlog}, drain ${half.drainS.toFixed(2)} s`);

    const rss = rssMb(server.pid);
    let sql: RunFigures["sql"];
    if (sqlBefore) {
      const after = await sqlCounts(server.pid, countFile);
      const counts = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (sqlBefore[k] ?? 0)]).filter(([, v]) => Number(v) > 0));
      sql = { counts, perMessage: (counts["total"] ?? 0) / (burst.messages + half.messages) };
      console.error(`${tag} SQL statements per message ${sql.perMessage.toFixed(1)}: ${JSON.stringify(counts)}`);
    }
    const errors = [...burst.errors, ...half.errors];
    if (wecom.fake.dropped.length) errors.push(`${wecom.fake.dropped.length} replies dropped by the fake's per-member limits`);
    if (errors.length) throw new Error(`${tag} ${errors.length} users did not get exactly their replies:\n${errors.slice(0, 20).join("\n")}`);
    return { floorPerS: floor.perS, floorP50: floor.p50, floorP99: floor.p99, burst, halfRate, half, rssMb: rss, startS, ...(sql ? { sql } : {}) };
  } finally {
    client.close();
    await server.stop();
    await wecom.close();
    await t.drop().catch(() => undefined);
  }
}

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "–");
const row = (cells: string[]) => `| ${cells.join(" | ")} |`;

export async function run(args: string[]): Promise<void> {
  const o = optionsOf(args);
  const results: Record<string, { runs: RunFigures[]; median: Record<string, number> }> = {};
  const lines: string[] = [];
  for (const provider of o.providers) {
    const runs: RunFigures[] = [];
    for (let i = 0; i < o.runs; i++) runs.push(await oneRun(provider, o, i));
    const m = (pick: (r: RunFigures) => number) => median(runs.map(pick));
    const med = {
      floorPerS: m((r) => r.floorPerS),
      floorP50: m((r) => r.floorP50),
      floorP99: m((r) => r.floorP99),
      ackPerS: m((r) => r.burst.ackPerS),
      ackRatio: m((r) => r.burst.ackPerS / r.floorPerS),
      handledPerS: m((r) => r.burst.handledPerS),
      handledRatio: m((r) => r.burst.handledPerS / r.floorPerS),
      ackP50: m((r) => r.burst.ackP50),
      ackP99: m((r) => r.burst.ackP99),
      ackP99Ratio: m((r) => r.burst.ackP99 / r.floorP99),
      replyP99: m((r) => r.burst.replyP99),
      backlog: m((r) => r.burst.backlog),
      drainS: m((r) => r.burst.drainS),
      halfRate: m((r) => r.halfRate),
      halfAckP50: m((r) => r.half.ackP50),
      halfAckP99: m((r) => r.half.ackP99),
      halfReplyP99: m((r) => r.half.replyP99),
      halfBacklog: m((r) => r.half.backlog),
      halfDrainS: m((r) => r.half.drainS),
      rssMb: m((r) => r.rssMb),
      startS: m((r) => r.startS),
      sqlPerMessage: m((r) => r.sql?.perMessage ?? NaN),
    };
    results[provider] = { runs, median: med };
    const pct = (x: number) => `${f(100 * x, 2)}%`;
    const n = runs[0]!.burst.messages;
    const goalHandled = provider === "sqlite" ? "≥ 10%" : "≥ 6%";
    lines.push(
      row([provider, "verify+decrypt floor, req/s", f(med.floorPerS), "", "", ""]),
      row([provider, "acks/s (burst)", f(med.ackPerS), f(med.floorPerS), pct(med.ackRatio), ""]),
      row([provider, "fully handled msg/s (burst)", f(med.handledPerS, 1), f(med.floorPerS), pct(med.handledRatio), goalHandled]),
      row([provider, "ack p50 ms (burst)", f(med.ackP50, 1), f(med.floorP50, 1), `${f(med.ackP50 / med.floorP50, 1)}×`, ""]),
      row([provider, "ack p99 ms (burst)", f(med.ackP99, 1), f(med.floorP99, 1), `${f(med.ackP99Ratio, 1)}×`, ""]),
      row([provider, "send → reply p99 ms (burst)", f(med.replyP99), "", "", ""]),
      row([provider, `backlog at last ack (of ${n} msgs)`, f(med.backlog), "", pct(med.backlog / n), "no growing backlog"]),
      row([provider, "drain s (last reply − last ack)", f(med.drainS, 2), "", "", provider === "postgresql" ? "≤ 2 s" : ""]),
      row([provider, "half rate, msg/s (open loop)", f(med.halfRate, 1), "", "", ""]),
      row([provider, "ack p50 ms (half rate)", f(med.halfAckP50, 1), "", "", ""]),
      row([provider, "ack p99 ms (half rate)", f(med.halfAckP99, 1), "", "", provider === "sqlite" ? "< 50 ms" : ""]),
      row([provider, "send → reply p99 ms (half rate)", f(med.halfReplyP99), "", "", ""]),
      row([provider, "backlog at last ack / drain s (half rate)", `${f(med.halfBacklog)} / ${f(med.halfDrainS, 2)}`, "", "", ""]),
      row([provider, "server RSS MB after", f(med.rssMb), "", "", "≤ 250"]),
    );
    if (o.countSql) lines.push(row([provider, "SQL statements per message (--count-sql)", f(med.sqlPerMessage, 1), "", "", ""]));
  }
  const table = ["", `inbound: ${o.users} users × (1 + ${o.answers}) messages, ${o.concurrency} in flight, median of ${o.runs}; replies per message ${calibration?.perMessage.join("+")}`, row(["db", "figure", "value", "floor", "ratio", "goal"]), row(Array(6).fill("---")), ...lines].join("\n");
  console.log(table);
  const dir = join(import.meta.dirname, "../../bench-results");
  mkdirSync(dir, { recursive: true });
  // One file for both databases: a run on one keeps the other's last figures (each with its own date and options).
  const file = join(dir, "inbound.json");
  let previous: Record<string, unknown> = {};
  try {
    previous = (JSON.parse(readFileSync(file, "utf8")) as { results?: Record<string, unknown> }).results ?? {};
  } catch {
    // none yet
  }
  const at = new Date().toISOString();
  const fresh = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { at, options: o, calibration, ...v }]));
  writeFileSync(file, JSON.stringify({ scenario: "inbound", at, results: { ...previous, ...fresh } }, null, 2));
  console.error(`wrote ${join(dir, "inbound.json")}`);
}
