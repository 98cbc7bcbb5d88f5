// [8.2] Image messages through the real outbox dispatcher: WeCom sees a chart once even when an
// answer is lost, and a channel without images gets the alt text.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChannelAdapter } from "../../src/channels/channel.ts";
import { createWecomAdapter } from "../../src/channels/wecom/wecom-adapter.ts";
import { imageMessage, type OutboundMessage } from "../../src/domain/chat.ts";
import { createOutboxDispatcher } from "../../src/jobs/outbox-dispatcher.ts";
import { enqueue } from "../../src/storage/outbox.ts";
import { testPng } from "../channels/channel-contract.ts";
import { createFakeWecom, type FakeWecom } from "../fakes/fake-wecom-api.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { testClock, WECOM } from "../support/wecom-harness.ts";

describe("[8.2] outbox: image messages", () => {
  let t: TestDatabase;
  let fake: FakeWecom;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    t = await createTestDatabase();
    clock = testClock(new Date("2026-03-02T02:00:00Z"));
    fake = createFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId, now: clock.now, hangMs: 5 });
  });
  afterEach(async () => {
    await t.drop();
  });

  const put = (channel: "wecom" | "telegram", userId: string, message: OutboundMessage) =>
    t.db.prisma.$transaction((tx) => enqueue(tx, [{ channel, userId, message }], clock.now()));

  async function drainAll(d: { drain(): Promise<unknown> }) {
    for (let i = 0; i < 50; i++) {
      await d.drain();
      const open = await t.db.prisma.outboxMessage.findMany({ where: { status: { in: ["PENDING", "SENDING"] } } });
      if (open.length === 0) return;
      clock.set(new Date(Math.max(clock.now().getTime() + 1000, ...open.map((r) => r.nextAttemptAt.getTime()))));
    }
    throw new Error("outbox did not drain");
  }

  it("[8.2] a chart whose message/send answer was lost after delivery is seen once, from one upload", async () => {
    const wecom = createWecomAdapter({ ...WECOM, fetch: fake.fetch, now: clock.now });
    const d = createOutboxDispatcher({ prisma: t.db.prisma, adapters: { wecom }, now: clock.now, logger: memoryLogger("silent").logger });
    fake.injectFailure({ kind: "timeout", when: "after", path: "message/send" });
    const png = testPng(9);
    await put("wecom", "zhoumin", imageMessage(png, "服务评价图表"));
    await drainAll(d);
    expect(fake.uploads).toHaveLength(1);
    expect(Buffer.from(fake.uploads[0]!.bytes).equals(Buffer.from(png))).toBe(true);
    expect(fake.sent.filter((s) => s.msgtype === "image").map((s) => s.mediaId)).toEqual([fake.uploads[0]!.mediaId]);
    expect(fake.events.filter((e) => e.type === "duplicate")).toHaveLength(1);
    expect(await t.db.prisma.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "SENT", attempts: 2 });
  });

  it("[8.2] an upload refused as busy is retried later and then sent", async () => {
    const wecom = createWecomAdapter({ ...WECOM, fetch: fake.fetch, now: clock.now });
    const d = createOutboxDispatcher({ prisma: t.db.prisma, adapters: { wecom }, now: clock.now, logger: memoryLogger("silent").logger });
    fake.injectFailure({ kind: "errcode", errcode: 45009, path: "media/upload" });
    await put("wecom", "zhoumin", imageMessage(testPng(2), "服务评价图表"));
    await drainAll(d);
    expect(fake.sent.map((s) => s.msgtype)).toEqual(["image"]);
    expect(await t.db.prisma.outboxMessage.findFirstOrThrow()).toMatchObject({ status: "SENT", attempts: 2 });
  });

  it("[8.2] a channel without images is sent the alt text instead", async () => {
    const got: Array<{ userId: string; message: OutboundMessage }> = [];
    const textOnly: ChannelAdapter = {
      name: "telegram",
      capabilities: { buttons: false, markdown: false, cardUpdate: false, maxButtons: 0 },
      handleRequest: () => Promise.reject(new Error("not used")),
      send: async (userId, message) => {
        got.push({ userId, message });
        return { externalId: `tg-${got.length}` };
      },
    };
    const d = createOutboxDispatcher({ prisma: t.db.prisma, adapters: { telegram: textOnly }, now: clock.now, logger: memoryLogger("silent").logger });
    await put("telegram", "4242", imageMessage(testPng(4), "服务评价 2026-11：整体满意度 4.2，NPS 35"));
    await drainAll(d);
    expect(got).toEqual([{ userId: "4242", message: { kind: "text", text: "服务评价 2026-11：整体满意度 4.2，NPS 35" } }]);
  });
});
