import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, testProviders, type TestDatabase } from "../support/test-db.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Issue 9, defect 1: with one better-sqlite3 connection, a plain write made while another
// caller's interactive transaction was open ran inside it and was undone with it.
describe.each(testProviders())("database access whatever else is in flight, on %s", (provider) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(provider);
  });
  afterEach(async () => {
    await t.drop();
  });

  const event = (key: string) => ({ channel: "wecom", dedupeKey: key, payloadJson: "{}", userId: "u" });

  it("keeps a plain write made while another transaction awaits real I/O and then rolls back", async () => {
    const { prisma } = t.db;
    let inside!: () => void;
    const opened = new Promise<void>((r) => (inside = r));
    const doomed = prisma
      .$transaction(async (tx) => {
        await tx.inboundEvent.create({ data: event("doomed") });
        inside();
        await sleep(300); // a fetch, WebCrypto, a timer: anything that yields to the event loop
        throw new Error("handler failed");
      })
      .catch((err: Error) => err);
    await opened;
    // E.g. the webhook route storing a callback before answering 200.
    const acked = await prisma.inboundEvent.create({ data: event("acknowledged") });
    expect((await doomed) as Error).toBeInstanceOf(Error);
    const rows = await prisma.inboundEvent.findMany({ select: { dedupeKey: true } });
    expect(rows.map((r) => r.dedupeKey)).toEqual(["acknowledged"]);
    expect(acked.dedupeKey).toBe("acknowledged");
  });

  it("keeps a plain update (a SENT mark) made during another transaction that rolls back", async () => {
    const { prisma } = t.db;
    const row = await prisma.outboxMessage.create({ data: { channel: "wecom", externalUserId: "u", payloadJson: "{}" } });
    let inside!: () => void;
    const opened = new Promise<void>((r) => (inside = r));
    const doomed = prisma
      .$transaction(async (tx) => {
        await tx.outboxMessage.create({ data: { channel: "wecom", externalUserId: "v", payloadJson: "{}" } });
        inside();
        await sleep(200);
        throw new Error("rolled back");
      })
      .catch(() => undefined);
    await opened;
    await prisma.outboxMessage.update({ where: { id: row.id }, data: { status: "SENT", sentAt: new Date() } });
    await doomed;
    expect((await prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("SENT");
    expect(await prisma.outboxMessage.count()).toBe(1);
  });

  it("runs concurrent transactions and plain statements to a consistent end", async () => {
    const { prisma } = t.db;
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      work.push(
        prisma
          .$transaction(async (tx) => {
            await tx.inboundEvent.create({ data: event(`tx-${i}`) });
            await sleep(5);
            if (i % 3 === 0) throw new Error("rollback");
          })
          .catch(() => undefined),
      );
      work.push(prisma.inboundEvent.create({ data: event(`plain-${i}`) }));
    }
    await Promise.all(work);
    const keys = new Set((await prisma.inboundEvent.findMany({ select: { dedupeKey: true } })).map((r) => r.dedupeKey));
    for (let i = 0; i < 20; i++) {
      expect(keys.has(`plain-${i}`)).toBe(true);
      expect(keys.has(`tx-${i}`)).toBe(i % 3 !== 0);
    }
  });
});
