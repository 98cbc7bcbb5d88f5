// A card tap whose handling dies at its commit (a crash, a lost database connection) is replayed
// by the inbound pipeline. The decision, its answer to the officer and the event's completion must
// be one transaction: otherwise the replay finds the step decided and answers "already decided"
// (an extra message, and the officer never sees "已记录").
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedApplication, stageCard } from "../reliability/seed-application.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";
import { defaultTestProvider } from "../support/test-db.ts";

/** Makes writing the officer's "已记录" answer fail, as a crash at that commit would. */
async function failTheAnswer(h: WecomHarness, on: boolean) {
  const prisma = h.t.db.prisma;
  if (h.t.provider !== "postgresql") {
    if (on) await prisma.$executeRawUnsafe(`CREATE TRIGGER fail_answer BEFORE INSERT ON "OutboxMessage" WHEN NEW."payloadJson" LIKE '%已记录%' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`);
    else await prisma.$executeRawUnsafe(`DROP TRIGGER fail_answer`);
    return;
  }
  const schema = `"${new URL(h.t.url).searchParams.get("schema")}"`; // the test's own schema (dropped with it)
  if (on) {
    await prisma.$executeRawUnsafe(`CREATE FUNCTION ${schema}.fail_answer() RETURNS trigger AS $$ BEGIN IF NEW."payloadJson" LIKE '%已记录%' THEN RAISE EXCEPTION 'simulated crash'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER fail_answer BEFORE INSERT ON ${schema}."OutboxMessage" FOR EACH ROW EXECUTE FUNCTION ${schema}.fail_answer()`);
  } else {
    await prisma.$executeRawUnsafe(`DROP TRIGGER fail_answer ON ${schema}."OutboxMessage"`);
    await prisma.$executeRawUnsafe(`DROP FUNCTION ${schema}.fail_answer()`);
  }
}

// The decision and its cards are one unit: on the run's database, and on the Workers path (D1 + undo journal).
describe.each([...new Set([defaultTestProvider(), "d1" as const])])("a replayed approval tap (%s)", (provider) => {
  let h: WecomHarness;
  beforeEach(async () => {
    h = await createWecomHarness({ logLevel: "fatal", provider });
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-town-xiaolan", channel: "wecom", externalId: "zhoumin" } });
  });
  afterEach(async () => {
    await h.close();
  });

  it("decides once and answers once: no extra 'already decided' message", async () => {
    const prisma = h.t.db.prisma;
    const { id } = await seedApplication(h, { applicantId: "demo-manager-xiaolan", stage: 1 });
    const card = await stageCard(h, id, 1, "demo-town-xiaolan");
    await failTheAnswer(h, true);
    await h.click("zhoumin", "ap:approve", card);
    await h.settle();
    expect(await prisma.inboundEvent.count({ where: { status: "FAILED" } })).toBe(1);
    await failTheAnswer(h, false);

    h.clock.advance(5 * 60_000); // past the pipeline's retry wait
    expect(await h.runtime.services.pipeline.retryStuck()).toBe(1);
    await h.settle();

    const texts = h.to("zhoumin").flatMap((s) => (s.content ? [s.content] : []));
    expect(texts.filter((t) => t.includes("无需再处理") || t.includes("其他人处理"))).toEqual([]);
    expect(texts.filter((t) => t.includes("已记录"))).toHaveLength(1);
    expect(await prisma.approvalStep.count({ where: { applicationId: id, stage: 1, status: "APPROVED" } })).toBe(1);
    const actions = (await prisma.auditLog.findMany({ where: { action: { startsWith: "approval." } } })).map((a) => a.action);
    expect(actions).toEqual(["approval.approve"]);
  });
});
