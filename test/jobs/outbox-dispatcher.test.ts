// The outbox dispatcher against the fake WeCom API: ambiguous failures, per-recipient order and
// independence, token errors, dead letters and the ADMIN notice.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramAdapter } from "../../src/channels/telegram/telegram-adapter.ts";
import { memoryButtonStore } from "../../src/channels/telegram/telegram-buttons.ts";
import { createWecomAdapter } from "../../src/channels/wecom/wecom-adapter.ts";
import type { OutboundMessage } from "../../src/domain/chat.ts";
import { createOutboxDispatcher, type DispatcherOptions } from "../../src/jobs/outbox-dispatcher.ts";
import { enqueue } from "../../src/storage/outbox.ts";
import { createFakeTelegram } from "../fakes/fake-telegram-api.ts";
import { createFakeWecom, type FakeWecom } from "../fakes/fake-wecom-api.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { createWecomHarness, testClock, WECOM, type WecomHarness } from "../support/wecom-harness.ts";

const WJ = "\u2060";
const visible = (s: string | undefined) => (s ?? "").replaceAll(WJ, "");
const text = (t: string): OutboundMessage => ({ kind: "text", text: t });

describe("outbox dispatcher", () => {
  let t: TestDatabase;
  let fake: FakeWecom;
  let clock: ReturnType<typeof testClock>;
  let logs: ReturnType<typeof memoryLogger>;

  beforeEach(async () => {
    t = await createTestDatabase();
    clock = testClock(new Date("2026-03-02T02:00:00Z"));
    fake = createFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId, now: clock.now, hangMs: 5 });
    logs = memoryLogger("info");
  });
  afterEach(async () => {
    await t.drop();
  });

  function dispatcher(o: Partial<DispatcherOptions> = {}) {
    const wecom = createWecomAdapter({ ...WECOM, fetch: fake.fetch, now: clock.now });
    return createOutboxDispatcher({ prisma: t.db.prisma, adapters: { wecom }, now: clock.now, logger: logs.logger, ...o });
  }
  const put = (userId: string, ...messages: OutboundMessage[]) =>
    t.db.prisma.$transaction((tx) => enqueue(tx, messages.map((message) => ({ channel: "wecom" as const, userId, message })), clock.now()));
  const seen = (userId: string) => fake.sent.filter((s) => s.touser === userId).map((s) => visible(s.content ?? String(s.templateCard?.["task_id"])));

  /** Drain, moving the test clock to the next retry, until nothing is pending. */
  async function drainAll(d: ReturnType<typeof dispatcher>, maxRounds = 200) {
    for (let i = 0; i < maxRounds; i++) {
      await d.drain();
      const open = await t.db.prisma.outboxMessage.findMany({ where: { status: { in: ["PENDING", "SENDING"] } } });
      if (open.length === 0) return i;
      // Jump to the next moment something becomes due (a retry, an expired lock).
      const now = clock.now().getTime();
      const times = open.flatMap((r) => [r.nextAttemptAt.getTime(), (r.lockedUntil?.getTime() ?? 0) + 1]).filter((x) => x > now);
      clock.set(new Date(times.length > 0 ? Math.min(...times) : now + 1000));
    }
    throw new Error("outbox did not drain");
  }

  describe("the per-member cap, remembered in memory (database near the cap)", () => {
    const caps = { wecom: { perMinute: 30, perHour: 1000 } };
    it("two instances sending to one member, each remembering only its own sends, never exceed 30 in any minute together", async () => {
      const [a, b] = [dispatcher({ rateLimits: caps }), dispatcher({ rateLimits: caps })];
      // Each instance has sent to this member once, so each remembers the member (and not the other's later sends).
      await put("busy", text("第1条"));
      await a.drain();
      await put("busy", text("第2条"));
      await b.drain();
      for (let i = 3; i <= 45; i++) await put("busy", text(`第${i}条`));
      for (let step = 0; step < 100 && (await t.db.prisma.outboxMessage.count({ where: { status: { not: "SENT" } } })) > 0; step++) {
        await a.drain();
        await b.drain();
        clock.advance(5_000);
      }
      const times = fake.sent.filter((m) => m.touser === "busy").map((m) => m.at.getTime());
      expect(times).toHaveLength(45);
      for (const t0 of times) expect(times.filter((t1) => t1 >= t0 && t1 < t0 + 60_000).length).toBeLessThanOrEqual(30);
    });

    it("a restarted instance remembers the sends before it (read from the database once)", async () => {
      for (let i = 0; i < 30; i++) await put("restarted", text(`旧${i}`));
      await dispatcher({ rateLimits: caps }).drain(); // 30 sent this minute by the previous process
      await put("restarted", text("新的一条"));
      const fresh = dispatcher({ rateLimits: caps });
      await fresh.drain();
      expect(seen("restarted")).toHaveLength(30); // held by the cap
      clock.advance(61_000);
      await fresh.drain();
      expect(seen("restarted").at(-1)).toBe("新的一条");
    });
  });

  it("a message queued while its recipient's lane is sending goes out when that lane finishes, not at the next periodic pass", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let sends = 0;
    const slowFetch: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes("message/send") && sends++ === 0) await gate; // the first send is slow
      return fake.fetch(input, init);
    };
    const wecom = createWecomAdapter({ ...WECOM, fetch: slowFetch, now: clock.now });
    const d = createOutboxDispatcher({ prisma: t.db.prisma, adapters: { wecom }, now: clock.now, logger: logs.logger });
    await put("u", text("第一条"));
    const lane = d.sendTo([{ channel: "wecom", userId: "u" }]);
    while (sends === 0) await new Promise((r) => setTimeout(r, 5));
    await put("u", text("第二条")); // a handler's commit while the first is on its way
    await d.sendTo([{ channel: "wecom", userId: "u" }]); // in flight: left to the lane
    open();
    await lane;
    expect(seen("u")).toEqual(["第一条", "第二条"]);
  });

  describe("ambiguous failures (delivered, answer lost) are never seen twice", () => {
    for (const kind of ["timeout", "http500"] as const) {
      it(`a text whose first send got a ${kind} after delivery is seen once`, async () => {
        const d = dispatcher();
        fake.injectFailure({ kind, when: "after", path: "message/send" });
        await put("u1", text("您的申请已提交"));
        await drainAll(d);
        expect(fake.events.filter((e) => e.type === "delivered" || e.type === "duplicate").map((e) => e.type)).toEqual(["delivered", "duplicate"]);
        expect(seen("u1")).toEqual(["您的申请已提交"]);
        expect(await t.db.prisma.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "SENT", attempts: 2 });
      });
    }

    it("a card delivered but unanswered counts as delivered when resent, also after the duplicate window (task_id exists)", async () => {
      const d = dispatcher();
      fake.injectFailure({ kind: "timeout", when: "after", path: "message/send" });
      // Its next attempt (after the backoff) meets a fake with no duplicate-check memory: only
      // the task_id tells WeCom it is the same card.
      await put("u1", { kind: "card", card: { id: "card_1", title: "待审批", buttons: [{ key: "ok", label: "同意" }] } });
      await d.drain();
      fake.setNow(() => new Date(clock.now().getTime() + 5 * 3600_000));
      await drainAll(d);
      expect(fake.events.filter((e) => e.type === "refused").map((e) => e.errcode)).toEqual([42014]);
      expect(seen("u1")).toEqual(["card_1"]);
      expect(await t.db.prisma.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "SENT" });
    });

    it("two identical legitimate messages are both seen, even when the second is retried after delivery", async () => {
      const d = dispatcher();
      await put("u1", text("格式不对，请重新输入"));
      await d.drain();
      fake.injectFailure({ kind: "timeout", when: "after", path: "message/send" });
      await put("u1", text("格式不对，请重新输入"));
      await drainAll(d);
      expect(seen("u1")).toEqual(["格式不对，请重新输入", "格式不对，请重新输入"]);
      const raw = fake.sent.map((s) => s.content);
      expect(new Set(raw).size).toBe(2); // distinct to WeCom, identical to the reader
      const rows = await t.db.prisma.outboxMessage.findMany({ orderBy: { seq: "asc" } });
      expect(rows.map((r) => r.variant)).toEqual([0, 1]);
      expect(rows[0]!.contentHash).toBe(rows[1]!.contentHash);
    });

    it("never resends after the duplicate window could have expired: dead-lettered instead", async () => {
      const d = dispatcher({ backoffBaseMs: 3600_000, backoffMaxMs: 3600_000 });
      fake.setFaultPolicy((c) => (c.path === "message/send" ? { kind: "http500", when: "after" } : undefined));
      await put("u1", text("x"));
      await drainAll(d);
      const calls = fake.events.filter((e) => e.type === "delivered" || e.type === "duplicate");
      expect(calls[0]!.type).toBe("delivered");
      expect(calls.slice(1).every((e) => e.type === "duplicate")).toBe(true);
      const row = await t.db.prisma.outboxMessage.findFirstOrThrow();
      expect(row.status).toBe("DEAD");
      expect(row.attempts).toBeLessThan(16);
      expect(seen("u1")).toEqual(["x"]);
    });
  });

  describe("the retry window counts from a message's first attempt", () => {
    it("a message that waited hours behind another still gets its retries", async () => {
      const d = dispatcher({ backoffBaseMs: 3600_000, backoffMaxMs: 3600_000 });
      let bTries = 0;
      fake.setFaultPolicy((c) => {
        if (c.path !== "message/send") return undefined;
        if (c.content === "A") return { kind: "http500" }; // A fails until dead-lettered; B waits behind it, for hours
        return bTries++ === 0 ? { kind: "timeout", when: "after" } : undefined;
      });
      await put("u1", text("A"), text("B"));
      await drainAll(d);
      const rows = await t.db.prisma.outboxMessage.findMany({ orderBy: { seq: "asc" } });
      expect(rows.map((r) => r.status)).toEqual(["DEAD", "SENT"]);
      expect(rows[1]!.attempts).toBe(2);
      expect(seen("u1")).toEqual(["B"]);
    });

    it("an admin's retry of an old dead letter starts a new series of attempts", async () => {
      const d = dispatcher();
      fake.injectFailure({ kind: "errcode", errcode: 40003, path: "message/send" });
      await put("u1", text("迟到的通知"));
      await drainAll(d);
      clock.advance(24 * 3600_000);
      // What POST /admin/outbox/:id/retry does.
      await t.db.prisma.outboxMessage.updateMany({ where: { status: "DEAD" }, data: { status: "PENDING", attempts: 0, nextAttemptAt: clock.now(), lastError: null } });
      fake.injectFailure({ kind: "http500", path: "message/send", times: 3 });
      await drainAll(d);
      expect(await t.db.prisma.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "SENT", attempts: 4 });
      expect(seen("u1")).toEqual(["迟到的通知"]);
    });
  });

  describe("order per recipient", () => {
    it("a failed heading is not overtaken by the cards written in the same transaction", async () => {
      const d = dispatcher();
      fake.injectFailure({ kind: "errcode", errcode: -1, path: "message/send" });
      const card = (n: number): OutboundMessage => ({ kind: "card", card: { id: `c_${n}`, title: `卡片${n}`, buttons: [{ key: "k", label: "看" }] } });
      await put("u1", text("【待我审批】3 件"), card(1), card(2));
      await d.drain();
      expect(seen("u1")).toEqual([]);
      await d.drain(); // the heading waits for its backoff: the cards must wait too
      expect(seen("u1")).toEqual([]);
      await drainAll(d);
      expect(seen("u1")).toEqual(["【待我审批】3 件", "c_1", "c_2"]);
    });

    it("serves at most `concurrency` recipients at once", async () => {
      // Hangs long enough (400 ms) that the second lane's send overlaps the first's on a loaded machine too.
      fake = createFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId, now: clock.now, hangMs: 400 });
      const d = dispatcher({ concurrency: 2 });
      let peak = 0;
      fake.setFaultPolicy((c) => {
        if (c.path !== "message/send") return undefined;
        peak = Math.max(peak, fake.hanging + 1);
        return { kind: "timeout" };
      });
      for (const u of ["a", "b", "c", "d", "e"]) await put(u, text("x"));
      await d.drain();
      expect(peak).toBe(2);
      expect(fake.events.filter((e) => e.type === "timeout")).toHaveLength(5);
    });

    it("enqueue assigns strictly increasing seq, also within one transaction and when the clock steps back", async () => {
      await put("u1", text("a"), text("b"));
      clock.advance(-60_000);
      await put("u1", text("c"));
      const rows = await t.db.prisma.outboxMessage.findMany({ orderBy: { seq: "asc" } });
      expect(rows.map((r) => JSON.parse(r.payloadJson).text)).toEqual(["a", "b", "c"]);
      expect(new Set(rows.map((r) => r.seq)).size).toBe(3);
    });
  });

  describe("after a crash, and recipients held back", () => {
    /** What a process killed mid-send leaves: the message SENDING under its 2-minute lock. */
    async function leftSending(userId: string, message: OutboundMessage, reachedWecom: boolean) {
      await put(userId, message);
      const row = await t.db.prisma.outboxMessage.findFirstOrThrow({ where: { externalUserId: userId }, orderBy: { seq: "desc" } });
      if (reachedWecom) await createWecomAdapter({ ...WECOM, fetch: fake.fetch, now: clock.now }).send(userId, message, { idempotencyKey: row.id, variant: 0 });
      await t.db.prisma.outboxMessage.update({ where: { id: row.id }, data: { status: "SENDING", attempts: 1, variant: 0, sentAt: clock.now(), lockedUntil: new Date(clock.now().getTime() + 120_000) } });
    }

    for (const held of ["a send lock", "a retry backoff"] as const) {
      it(`a recipient that can go is not crowded out by the due rows queued behind another's ${held}`, async () => {
        const d = dispatcher({ batchSize: 3 });
        if (held === "a send lock") await leftSending("busy", text("b0"), false);
        else {
          fake.injectFailure({ kind: "http500", path: "message/send", touser: "busy" });
          await put("busy", text("b0"));
          await d.drain();
          expect(await t.db.prisma.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "PENDING", attempts: 1 });
        }
        clock.advance(1_000);
        await put("busy", text("b1"), text("b2"), text("b3"));
        await put("free", text("f1"));
        await d.drain();
        // Before the fix the pass took the first 3 due rows (busy's, all held back) and never saw f1.
        expect(seen("free")).toEqual(["f1"]);
        expect(seen("busy")).toEqual([]);
        await drainAll(d);
        expect(seen("busy")).toEqual(["b0", "b1", "b2", "b3"]);
      });
    }

    it("at start-up on a database of its own, a killed process's send locks are released: resent once, in order, at once", async () => {
      const d = dispatcher();
      await leftSending("u1", text("sent before the kill"), true);
      await leftSending("u2", text("not sent before the kill"), false);
      clock.advance(1_000);
      await put("u1", text("next"));
      await put("u2", text("next"));
      // Not exclusive (PostgreSQL: another instance may be sending): the locks stand.
      expect(await d.releaseLocks({ exclusive: false })).toBe(0);
      await d.drain();
      expect(seen("u1")).toEqual(["sent before the kill"]);
      expect(seen("u2")).toEqual([]);
      expect(await d.releaseLocks({ exclusive: true })).toBe(2);
      await d.drain();
      expect(seen("u1")).toEqual(["sent before the kill", "next"]);
      expect(seen("u2")).toEqual(["not sent before the kill", "next"]);
      expect(fake.events.filter((e) => e.type === "duplicate")).toHaveLength(1); // WeCom's duplicate check
      expect(await t.db.prisma.outboxMessage.count({ where: { status: { not: "SENT" } } })).toBe(0);
    });
  });

  describe("token errors", () => {
    it("two token errors in a row refresh the token and send; never a dead letter", async () => {
      const d = dispatcher();
      fake.injectFailure({ kind: "errcode", errcode: 42001, times: 2, path: "message/send" });
      await put("u1", text("a"));
      await d.drain();
      expect(await t.db.prisma.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "SENT", attempts: 1 });
      fake.injectFailure({ kind: "errcode", errcode: 40014, times: 7, path: "message/send" });
      await put("u1", text("b"));
      await drainAll(d);
      expect(seen("u1")).toEqual(["a", "b"]);
      expect(await t.db.prisma.outboxMessage.count({ where: { status: "DEAD" } })).toBe(0);
    });
  });

  describe("dead letters", () => {
    it("ADMIN is told (masked recipient, reason); a failing notice starts no further notice", async () => {
      await t.db.prisma.person.create({ data: { name: "管理员", identities: { create: [{ channel: "wecom", externalId: "boss" }] }, roles: { create: [{ role: "ADMIN" }] } } });
      const d = dispatcher();
      fake.injectFailure({ kind: "errcode", errcode: 40003, path: "message/send", touser: "zhangsan01" });
      await put("zhangsan01", text("您的申请已退回"));
      await drainAll(d);
      const dead = await t.db.prisma.outboxMessage.findFirstOrThrow({ where: { status: "DEAD" } });
      expect(dead.externalUserId).toBe("zhangsan01");
      const notice = seen("boss");
      expect(notice).toHaveLength(1);
      expect(notice[0]).toContain("40003");
      expect(notice[0]).not.toContain("zhangsan01");
      expect(notice[0]).toMatch(/zh\*+1/);

      fake.setFaultPolicy((c) => (c.touser === "boss" ? { kind: "errcode", errcode: 40003 } : undefined));
      fake.injectFailure({ kind: "errcode", errcode: 40003, path: "message/send", touser: "lisi" });
      await put("lisi", text("提醒"));
      await drainAll(d);
      expect(await t.db.prisma.outboxMessage.count({ where: { status: "DEAD" } })).toBe(3); // lisi's, and boss's notice about it
      expect(await t.db.prisma.outboxMessage.count()).toBe(4);
    });
  });
});

describe("recipients are independent", () => {
  let h: WecomHarness;
  beforeEach(async () => {
    h = await createWecomHarness({ seedDemo: false });
  });
  afterEach(async () => {
    h.fake.releaseHangs();
    await h.close();
  });

  it("while one recipient's send hangs, another recipient's new message is sent", async () => {
    const { prisma } = h.t.db;
    h.fake.injectFailure({ kind: "timeout", path: "message/send", touser: "slow" });
    await enqueue(prisma, [{ channel: "wecom", userId: "slow", message: text("给慢的") }], h.clock.now());
    void h.runtime.services.kickOutbox();
    expect(await h.fake.waitForEvent((e) => e.type === "call" && e.touser === "slow")).toBe(true);
    await enqueue(prisma, [{ channel: "wecom", userId: "quick", message: text("给快的") }], h.clock.now());
    void h.runtime.services.kickOutbox();
    // Before the fix this waits behind the hanging send (WeCom's 10 s timeout in production).
    await h.fake.waitForEvent((e) => e.type === "delivered" && e.touser === "quick", 3_000);
    h.fake.releaseHangs();
    await h.runtime.services.settle();
    const order = h.fake.events.filter((e) => e.touser && e.type !== "call").map((e) => `${e.type}:${e.touser}`);
    expect(order.indexOf("delivered:quick")).toBeGreaterThanOrEqual(0);
    expect(order.indexOf("delivered:quick")).toBeLessThan(order.indexOf("timeout:slow"));
  });
});

describe("outbox dispatcher: the platform's own retry time", () => {
  it("a Telegram 429 with retry_after 120 s is not retried before it, although the backoff is shorter", async () => {
    const t = await createTestDatabase();
    try {
      const clock = testClock(new Date("2026-03-02T02:00:00Z"));
      const token = "555000222:AAOutboxRetryAfterTokenForTheFakeApi_9";
      const fake = createFakeTelegram({ token });
      const telegram = createTelegramAdapter({ botToken: token, webhookSecret: "s", apiRoot: fake.apiRoot, botInfo: fake.botInfo as never, signingSecret: "retry-after-signing-secret-0123456789", buttons: memoryButtonStore(clock.now), fetch: fake.fetch, now: clock.now });
      const d = createOutboxDispatcher({ prisma: t.db.prisma, adapters: { telegram }, now: clock.now, logger: memoryLogger("fatal").logger, backoffBaseMs: 1_000, backoffMaxMs: 1_000 });
      await t.db.prisma.$transaction((tx) => enqueue(tx, [{ channel: "telegram", userId: "1001", message: text("稍后再发") }], clock.now()));
      fake.failNext({ kind: "api", code: 429, description: "Too Many Requests: retry after 120", retryAfter: 120 }, "sendMessage");
      await d.drain();
      const row = await t.db.prisma.outboxMessage.findFirstOrThrow();
      expect(row.status).toBe("PENDING");
      expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBe(120_000);
      clock.advance(119_000);
      await d.drain();
      expect(fake.messagesTo("1001")).toHaveLength(0);
      clock.advance(1_000);
      await d.drain();
      expect(fake.messagesTo("1001").map((m) => m.text)).toEqual(["稍后再发"]);
    } finally {
      await t.drop();
    }
  });
});
