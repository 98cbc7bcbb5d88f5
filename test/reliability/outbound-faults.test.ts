// Outbound faults: a WeCom API failing ~30% of calls at random (5xx and timeouts before and after
// delivery, 42001, 45009), N messages enqueued in transactions of 1–4. Every message is seen by
// its recipient exactly once, in enqueue order; permanent failures are dead letters, listed by
// the admin API, and ADMIN is told. Time is a test clock: advanced, never slept.
import { mulberry32 } from "../support/prng.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config/config.ts";
import type { OutboundMessage } from "../../src/domain/chat.ts";
import { enqueue, type OutgoingMessage } from "../../src/storage/outbox.ts";
import { createFakeWecom, type FakeFailure, type FakeWecom } from "../fakes/fake-wecom-api.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, testProviders, type TestDatabase } from "../support/test-db.ts";
import { testClock, WECOM, wecomVars } from "../support/wecom-harness.ts";
import { size } from "./size.ts";

const N = size(300, 10_000);
const RECIPIENTS = Math.max(6, Math.ceil(N / 400)); // below WeCom's 1000/h per member
const PERMANENT = Math.max(3, Math.round(N / 200));
const SEED = Number(process.env.FAULT_SEED ?? 20_261_129);
const ADMIN_TOKEN = "outbound-faults-admin-token";
const PERM_MARK = "⛔";
const SAME = "同样的提醒：请尽快处理"; // identical texts: each must still be seen


const SEND_FAULTS: FakeFailure[] = [
  { kind: "http500", when: "before" },
  { kind: "http500", when: "after" },
  { kind: "timeout", when: "before" },
  { kind: "timeout", when: "after" },
  { kind: "errcode", errcode: 42001 },
  { kind: "errcode", errcode: 45009 },
];

describe.each(testProviders())("outbound faults on %s", (provider) => {
  let t: TestDatabase;
  let fake: FakeWecom;
  let runtime: ReturnType<typeof createRuntime>;
  const clock = testClock(new Date("2026-03-02T01:00:00Z"));
  const random = mulberry32(SEED); // reproducible for a given FAULT_SEED
  let injected = 0;

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    fake = createFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId, now: clock.now, hangMs: 0 });
    const config = loadConfig({
      ...wecomVars(), // the fake fetch answers; nothing listens
      ADMIN_TOKEN,
    });
    runtime = createRuntime({ config, db: t.db, logger: memoryLogger("fatal").logger, clock, fetch: fake.fetch });
  }, 120_000);
  afterAll(async () => {
    await runtime?.services.settle();
    await t?.drop();
  });

  const admin = (path: string, init: RequestInit = {}) =>
    runtime.app.request(path, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", ...init.headers } });

  /** Drains with the runtime's own dispatcher, moving the clock to the next due moment. */
  async function drainToCompletion(maxRounds: number): Promise<number> {
    const { prisma } = t.db;
    for (let round = 0; round < maxRounds; round++) {
      await runtime.services.dispatcher.drain();
      if ((await prisma.outboxMessage.count({ where: { status: { in: ["PENDING", "SENDING"] } } })) === 0) return round;
      const now = clock.now();
      const retry = await prisma.outboxMessage.findFirst({ where: { status: "PENDING", nextAttemptAt: { gt: now } }, orderBy: { nextAttemptAt: "asc" }, select: { nextAttemptAt: true } });
      const lock = await prisma.outboxMessage.findFirst({ where: { status: "SENDING", lockedUntil: { gte: now } }, orderBy: { lockedUntil: "asc" }, select: { lockedUntil: true } });
      const times = [retry?.nextAttemptAt.getTime(), lock?.lockedUntil ? lock.lockedUntil.getTime() + 1 : undefined].filter((x): x is number => x !== undefined);
      clock.set(new Date(times.length > 0 ? Math.min(...times) : now.getTime() + 1_000));
    }
    throw new Error(`outbox not drained after ${maxRounds} rounds (seed ${SEED})`);
  }

  it(`${N} messages to ${RECIPIENTS} recipients through ~30% faults: each seen once, in order; permanent failures dead, listed, ADMIN told`, async () => {
    const { prisma } = t.db;
    const created = await admin("/admin/people", {
      method: "POST",
      body: JSON.stringify({ name: "值班管理员", identities: [{ channel: "wecom", externalId: "admin01" }], roles: [{ role: "ADMIN" }] }),
    });
    expect(created.status).toBeLessThan(300);

    fake.setFaultPolicy((call) => {
      if (call.content?.includes(PERM_MARK)) return { kind: "errcode", errcode: 40003 }; // invalid UserID: final
      if (random() >= 0.3) return undefined;
      injected++;
      if (call.path === "gettoken") return { kind: random() < 0.5 ? "http500" : "timeout" };
      return SEND_FAULTS[Math.floor(random() * SEND_FAULTS.length)];
    });

    // What each recipient should see, in enqueue order (visible text, or card:task_id).
    const expected = new Map<string, string[]>();
    const permanent = new Set<number>();
    while (permanent.size < PERMANENT) permanent.add(Math.floor(random() * N));
    let i = 0;
    let transactions = 0;
    while (i < N) {
      const batch: OutgoingMessage[] = [];
      const n = Math.min(N - i, 1 + Math.floor(random() * 4));
      for (let k = 0; k < n; k++, i++) {
        const userId = `member${String(Math.floor(random() * RECIPIENTS)).padStart(2, "0")}`;
        const r = random();
        let message: OutboundMessage;
        let seen: string;
        if (permanent.has(i)) {
          message = { kind: "text", text: `${PERM_MARK} #${i} 无法送达` };
          seen = "";
        } else if (r < 0.15) {
          message = { kind: "text", text: SAME };
          seen = SAME;
        } else if (r < 0.25) {
          message = { kind: "card", card: { id: `card_${i}`, title: `待审批 #${i}`, buttons: [{ key: `ok_${i}`, label: "同意" }] } };
          seen = `card:card_${i}`;
        } else if (r < 0.35) {
          message = { kind: "markdown", markdown: `**第 ${i} 条**` };
          seen = `**第 ${i} 条**`;
        } else {
          message = { kind: "text", text: `消息 #${i}` };
          seen = `消息 #${i}`;
        }
        batch.push({ channel: "wecom", userId, message });
        if (seen) expected.set(userId, [...(expected.get(userId) ?? []), seen]);
      }
      await prisma.$transaction((tx) => enqueue(tx, batch, clock.now()));
      // Traffic keeps arriving while the outbox works through faults.
      if (++transactions % 25 === 0) {
        await runtime.services.dispatcher.drain();
        clock.advance(2_000);
      }
    }
    const rounds = await drainToCompletion(20_000);

    const seen = new Map<string, string[]>();
    for (const s of fake.sent) {
      const v = s.templateCard ? `card:${String(s.templateCard["task_id"])}` : (s.content ?? "").replaceAll("\u2060", "");
      seen.set(s.touser, [...(seen.get(s.touser) ?? []), v]);
    }
    expect(fake.dropped).toHaveLength(0); // WeCom's rate limits were respected, nothing silently lost
    for (const [userId, want] of expected) expect(seen.get(userId) ?? [], `${userId} (seed ${SEED})`).toEqual(want);

    const dead = await prisma.outboxMessage.findMany({ where: { status: "DEAD" } });
    expect(dead.map((d) => JSON.parse(d.payloadJson).text as string).sort()).toEqual([...permanent].map((p) => `${PERM_MARK} #${p} 无法送达`).sort());
    expect(await prisma.outboxMessage.count({ where: { status: { not: "SENT" }, id: { notIn: dead.map((d) => d.id) } } })).toBe(0);

    const listed = (await (await admin("/admin/outbox?status=DEAD")).json()) as { messages: { id: string }[] };
    expect(new Set(listed.messages.map((m) => m.id))).toEqual(new Set(dead.map((d) => d.id)));

    const notices = seen.get("admin01") ?? [];
    expect(notices).toHaveLength(PERMANENT);
    expect(notices.every((n) => n.startsWith("【消息未送达】") && n.includes("40003") && !/member\d\d/.test(n))).toBe(true);

    expect(injected).toBeGreaterThan(N * 0.2); // the faults really happened
    // Figures for RELIABILITY.md under `npm run stress`.
    if (process.env.STRESS === "1") console.info(JSON.stringify({ provider, N, recipients: RECIPIENTS, seed: SEED, faults: injected, calls: fake.events.filter((e) => e.type === "call").length, duplicatesSuppressed: fake.events.filter((e) => e.type === "duplicate").length, dead: dead.length, rounds }));
  }, 600_000);
});
