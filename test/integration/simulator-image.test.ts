// [8.2] An image message (the score chart) in the simulator: pushed live, kept in the history, shown
// by the page as a data: URL its Content-Security-Policy allows. Through the real app and outbox.
import { afterEach, describe, expect, it } from "vitest";
import type { WebPushEvent } from "../../src/channels/web/web-adapter.ts";
import { createRuntime } from "../../src/app/create-app.ts";
import { renderScoreChart } from "../../src/app/reports/score-chart.node.ts";
import type { HistoryItem } from "../../src/app/routes/simulator.ts";
import { loadConfig } from "../../src/config/config.ts";
import { imageMessage } from "../../src/domain/chat.ts";
import { enqueue } from "../../src/storage/outbox.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { testClock } from "../support/wecom-harness.ts";

const open: TestDatabase[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.drop();
});

async function sim() {
  const t = await createTestDatabase();
  open.push(t);
  const config = loadConfig({});
  await seedDatabase(t.db.prisma, { production: false });
  const clock = testClock();
  const { app, services } = createRuntime({ config, db: t.db, logger: memoryLogger("info").logger, clock });
  const send = async (userId: string, message: ReturnType<typeof imageMessage>) => {
    await t.db.prisma.$transaction((tx) => enqueue(tx, [{ channel: "web", userId, message }], clock.now()));
    await services.dispatcher.drain();
  };
  const history = async (userId: string) => ((await (await app.request(`/simulator/api/history?userId=${userId}`)).json()) as { items: HistoryItem[] }).items;
  return { app, send, history, prisma: t.db.prisma };
}

/** The first pushed message event of an SSE response (after the "ready" event). */
async function firstPush(res: Response): Promise<Extract<WebPushEvent, { type: "message" }>> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error("stream ended");
    buf += decoder.decode(value, { stream: true });
    for (const block of buf.split("\n\n").slice(0, -1)) {
      const data = block.split("\n").find((l) => l.startsWith("data: "))?.slice(6);
      const ev = data ? (JSON.parse(data) as WebPushEvent) : undefined;
      if (ev?.type === "message") {
        await reader.cancel();
        return ev;
      }
    }
  }
}

describe("[8.2] simulator: image messages", () => {
  it("[8.2] a chart sent to a persona is pushed live and kept in the history, bytes intact", async () => {
    const s = await sim();
    const png = await renderScoreChart({ title: "服务评价", months: [{ month: "2026-11", responses: 4, overall: 4.5, timeliness: 4, professionalism: 5, nps: 50 }], width: 480, height: 270 });
    const stream = await s.app.request("/simulator/api/stream?userId=demo-city-ip");
    const pushed = firstPush(stream);
    await s.send("demo-city-ip", imageMessage(png, "服务评价图表：2026-11 整体满意度 4.5"));
    const ev = await pushed;
    expect(ev.message).toMatchObject({ kind: "image", alt: "服务评价图表：2026-11 整体满意度 4.5" });
    const items = await s.history("demo-city-ip");
    expect(items).toHaveLength(1);
    const item = items[0]!;
    if (item.from !== "bot" || item.message.kind !== "image") throw new Error("expected the bot's image");
    expect(item.id).toBe(ev.id);
    expect(Buffer.from(item.message.png, "base64").equals(Buffer.from(png))).toBe(true);
    // The outbox row is the whole message: the PNG is in it, base64 (a chart is tens of KB).
    const row = await s.prisma.outboxMessage.findFirstOrThrow({ where: { externalUserId: "demo-city-ip" } });
    expect(row.status).toBe("SENT");
    expect(row.payloadJson.length).toBeLessThan(png.length * 1.4 + 200);
  });

  it("[8.2] the page draws images from data: URLs, which its Content-Security-Policy allows", async () => {
    const s = await sim();
    const res = await s.app.request("/simulator");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toMatch(/img-src 'self' data:/);
    const html = await res.text();
    expect(html).toContain('"data:image/png;base64," + m.png');
    expect(html).toContain('m.kind === "image"');
  });

  it("[8.2] a malformed image in the outbox is dead-lettered, never pushed to the page", async () => {
    const s = await sim();
    await s.send("demo-admin", { kind: "image", png: btoa("not a png at all, just text"), alt: "图" });
    expect(await s.prisma.outboxMessage.findFirstOrThrow({ where: { externalUserId: "demo-admin" } })).toMatchObject({ status: "DEAD" });
    expect(await s.history("demo-admin")).toEqual([]);
  });
});
