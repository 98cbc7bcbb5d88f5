import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInboundPipeline } from "../../src/app/inbound-pipeline.ts";
import { TaskTracker } from "../../src/app/task-tracker.ts";
import type { InboundEvent } from "../../src/domain/chat.ts";
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

  it("does not replay an old message after the person has moved on, and says so", async () => {
    const { pipeline, tasks } = make();
    failNext = 1;
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
