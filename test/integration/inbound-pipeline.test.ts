import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInboundPipeline, type EventHandler } from "../../src/app/inbound-pipeline.ts";
import { TaskTracker } from "../../src/app/task-tracker.ts";
import type { InboundEvent } from "../../src/domain/chat.ts";
import { enqueue } from "../../src/storage/outbox.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { testClock } from "../support/wecom-harness.ts";

// The pipeline's promises: stored before the answer, handled once, retried after a failure by
// exactly one retrier, never replayed onto a conversation that moved on, never silently dropped.
describe("inbound pipeline", () => {
  let t: TestDatabase;
  const clock = testClock(new Date("2026-11-25T02:00:00Z"));
  let handled: string[];
  let failNext: number;
  const make = () => {
    const { logger } = memoryLogger();
    const tasks = new TaskTracker(logger);
    const pipeline = createInboundPipeline({
      prisma: t.db.prisma,
      tasks,
      logger,
      now: clock.now,
      helpContact: "知识产权科",
      handler: async (e) => {
        if (failNext > 0) {
          failNext--;
          throw new Error("database hiccup");
        }
        handled.push(e.kind === "text" ? e.text : e.kind);
      },
    });
    return { pipeline, tasks };
  };
  let n = 0;
  const text = (userId: string, body: string): InboundEvent => ({ kind: "text", text: body, sender: { channel: "wecom", userId }, dedupeKey: `msg:${++n}`, receivedAt: clock.now() });
  const outbox = async () => (await t.db.prisma.outboxMessage.findMany({ orderBy: { createdAt: "asc" } })).map((r) => (JSON.parse(r.payloadJson) as { text: string }).text);

  beforeEach(async () => {
    t = await createTestDatabase();
    handled = [];
    failNext = 0;
  });
  afterEach(async () => {
    await t.drop();
  });

  it("retries a failed event once its wait is over, by one retrier only", async () => {
    const { pipeline, tasks } = make();
    failNext = 1;
    await pipeline.accept([text("u1", "你好")]);
    await tasks.drain();
    expect(handled).toEqual([]);
    expect(await pipeline.retryStuck()).toBe(0); // still inside its retry wait
    clock.advance(61_000);
    const [a, b] = await Promise.all([pipeline.retryStuck(), pipeline.retryStuck()]);
    expect(a + b).toBe(1);
    expect(handled).toEqual(["你好"]);
    expect((await t.db.prisma.inboundEvent.findFirstOrThrow()).status).toBe("DONE");
  });

  it("retries a person's failed message before their newer one, so the newer one answers the next question", async () => {
    const { pipeline, tasks } = make();
    failNext = 1;
    await pipeline.accept([text("u2", "500")]);
    await tasks.drain();
    clock.advance(1_000);
    await pipeline.accept([text("u2", "600")]);
    await tasks.drain();
    expect(handled).toEqual(["500", "600"]);
    expect((await t.db.prisma.inboundEvent.findMany({ orderBy: { receivedAt: "asc" } })).map((r) => r.status)).toEqual(["DONE", "DONE"]);
    clock.advance(61_000);
    expect(await pipeline.retryStuck()).toBe(0); // nothing left to retry
    expect(handled).toEqual(["500", "600"]);
  });

  it("does not replay an old message after the person has moved on, and says so", async () => {
    const { pipeline, tasks } = make();
    failNext = 2; // fails, and fails again when retried in the newer message's turn
    await pipeline.accept([text("u2", "500")]);
    await tasks.drain();
    clock.advance(1_000);
    await pipeline.accept([text("u2", "600")]);
    await tasks.drain();
    clock.advance(61_000);
    expect(await pipeline.retryStuck()).toBe(0);
    expect(handled).toEqual(["600"]);
    expect((await t.db.prisma.inboundEvent.findMany({ orderBy: { receivedAt: "asc" } })).map((r) => r.status)).toEqual(["SKIPPED", "DONE"]);
    expect(await outbox()).toEqual(["抱歉，您刚才发送的“500”当时没能处理，请按当前的提问重新回复。"]);
  });

  it("tells the person after the last attempt instead of dropping the message", async () => {
    const { pipeline, tasks } = make();
    failNext = 99;
    await pipeline.accept([text("u3", "申请工作室")]);
    await tasks.drain();
    for (let i = 0; i < 6; i++) {
      clock.advance(61_000);
      await pipeline.retryStuck();
    }
    const row = await t.db.prisma.inboundEvent.findFirstOrThrow();
    expect(row).toMatchObject({ status: "FAILED", attempts: 5 });
    expect(await outbox()).toEqual(["抱歉，您刚才发送的“申请工作室”没能处理成功，请稍后再发一次。如一直不行，请联系知识产权科。"]);
  });

  it("leaves an event still being handled elsewhere alone until its lease runs out", async () => {
    const { pipeline } = make();
    // As if another process accepted it a moment ago and is still working on it.
    await t.db.prisma.inboundEvent.create({ data: { channel: "wecom", userId: "u4", dedupeKey: "msg:x", payloadJson: JSON.stringify(text("u4", "在处理")), leaseUntil: new Date(clock.now().getTime() + 300_000) } });
    expect(await pipeline.retryStuck()).toBe(0);
    clock.advance(301_000);
    expect(await pipeline.retryStuck()).toBe(1);
    expect(handled).toEqual(["在处理"]);
  });
});

// Defect 7b: what a process accepted (stored, 200 answered) and then died on must not wait
// minutes; but a live process's work must never be taken from it. Two pipelines over one
// database stand for two processes (or a crashed one and its successor).
describe("inbound pipeline across processes", () => {
  let t: TestDatabase;
  const clock = testClock(new Date("2026-11-25T02:00:00Z"));
  let n = 0;
  const text = (userId: string, body: string): InboundEvent => {
    clock.advance(10);
    return { kind: "text", text: body, sender: { channel: "wecom", userId }, dedupeKey: `m:${++n}`, receivedAt: clock.now() };
  };
  const never = new Promise<void>(() => undefined);
  /** A process: `handler` decides what handling does; a handler that never returns is a crash. */
  const proc = (handler: EventHandler) => {
    const { logger, text: logText } = memoryLogger();
    const tasks = new TaskTracker(logger);
    return { pipeline: createInboundPipeline({ prisma: t.db.prisma, tasks, logger, now: clock.now, handler }), tasks, logText };
  };
  /** A handler committing one outbox row per event, DONE in the same transaction. */
  const committing = (log: string[]): EventHandler => async (e, ctx) => {
    await t.db.prisma.$transaction(async (tx) => {
      await ctx!.complete(tx);
      await enqueue(tx, [{ channel: "wecom", userId: e.sender.userId, message: { kind: "text", text: `re:${e.kind === "text" ? e.text : ""}` } }], clock.now());
    });
    log.push(`${e.sender.userId}:${e.kind === "text" ? e.text : ""}`);
  };
  const statuses = async () => (await t.db.prisma.inboundEvent.findMany({ orderBy: { receivedAt: "asc" } })).map((r) => r.status);
  const replies = async () => (await t.db.prisma.outboxMessage.findMany()).map((r) => (JSON.parse(r.payloadJson) as { text: string }).text).sort();

  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.drop();
  });

  it("a successor takes over a dead process's events within a short lease, in order per user", async () => {
    const dead = proc(() => never);
    await dead.pipeline.accept([text("u1", "a1"), text("u2", "b1"), text("u1", "a2"), text("u1", "a3"), text("u2", "b2")]);
    const log: string[] = [];
    const next = proc(committing(log));
    expect(await next.pipeline.retryStuck()).toBe(0); // the lease is still running
    clock.advance(31_000); // not 5 minutes
    expect(await next.pipeline.retryStuck()).toBe(5);
    expect(log.filter((l) => l.startsWith("u1"))).toEqual(["u1:a1", "u1:a2", "u1:a3"]);
    expect(log.filter((l) => l.startsWith("u2"))).toEqual(["u2:b1", "u2:b2"]);
    expect(await statuses()).toEqual(["DONE", "DONE", "DONE", "DONE", "DONE"]);
    expect((await t.db.prisma.inboundEvent.findMany()).every((r) => r.leaseOwner === next.pipeline.instanceId)).toBe(true);
  });

  it("keeps a person's order across processes: a newer event waits for an older one held elsewhere, and takes it over once its owner is gone", async () => {
    const dead = proc(() => never);
    await dead.pipeline.accept([text("u1", "申请工作室")]);
    const log: string[] = [];
    const next = proc(committing(log));
    await next.pipeline.accept([text("u1", "中山市某某科技有限公司"), text("u2", "你好")]);
    await new Promise((r) => setTimeout(r, 600));
    expect(log).toEqual(["u2:你好"]); // u1's answer waits behind the start of the form
    clock.advance(31_000); // the dead process stops renewing
    await next.tasks.drain();
    expect(log).toEqual(["u2:你好", "u1:申请工作室", "u1:中山市某某科技有限公司"]);
    expect(await statuses()).toEqual(["DONE", "DONE", "DONE"]);
  });

  it("at start-up with the database to itself (SQLite), handles every pending event at once", async () => {
    const dead = proc(() => never);
    await dead.pipeline.accept([text("u1", "a1"), text("u1", "a2")]);
    const log: string[] = [];
    const next = proc(committing(log));
    expect(await next.pipeline.recover({ exclusive: false })).toBe(0); // someone may still hold them
    expect(await next.pipeline.recover({ exclusive: true })).toBe(2);
    expect(log).toEqual(["u1:a1", "u1:a2"]);
    expect(await next.pipeline.recover({ exclusive: true })).toBe(0);
    expect(await replies()).toEqual(["re:a1", "re:a2"]);
  });

  it("never takes a live owner's events: it renews its leases while it works", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const liveLog: string[] = [];
    const live = proc(async (e, ctx) => {
      await gate;
      await committing(liveLog)(e, ctx);
    });
    await live.pipeline.accept([text("u1", "slow"), text("u1", "queued")]);
    const otherLog: string[] = [];
    const other = proc(committing(otherLog));
    for (let i = 0; i < 6; i++) {
      clock.advance(10_000);
      expect(await live.pipeline.renewLeases()).toBe(2);
      expect(await other.pipeline.retryStuck()).toBe(0);
    }
    release();
    await live.tasks.drain();
    expect(liveLog).toEqual(["u1:slow", "u1:queued"]);
    expect(otherLog).toEqual([]);
    expect(await live.pipeline.renewLeases()).toBe(0);
  });

  it("an owner that stalled past its lease loses the event: its late commit is rolled back, the effect happens once", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const stalledLog: string[] = [];
    const stalled = proc(async (e, ctx) => {
      await gate;
      await committing(stalledLog)(e, ctx);
    });
    await stalled.pipeline.accept([text("u1", "hello")]);
    clock.advance(31_000);
    const log: string[] = [];
    const other = proc(committing(log));
    expect(await other.pipeline.retryStuck()).toBe(1);
    release();
    await stalled.tasks.drain();
    expect(stalledLog).toEqual([]);
    expect(stalled.logText()).toContain("taken over by another instance");
    expect(await replies()).toEqual(["re:hello"]);
    expect(await statuses()).toEqual(["DONE"]);
  });

  it("does not replay an event whose effects committed just before the crash", async () => {
    const log: string[] = [];
    const dying = proc(async (e, ctx) => {
      await committing(log)(e, ctx);
      await never; // killed after the commit, before anything else
    });
    await dying.pipeline.accept([text("u1", "张三")]);
    for (let i = 0; i < 20 && log.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual(["u1:张三"]);
    const next = proc(committing(log));
    expect(await next.pipeline.recover({ exclusive: true })).toBe(0);
    expect(log).toEqual(["u1:张三"]);
    expect(await replies()).toEqual(["re:张三"]);
  });
});
