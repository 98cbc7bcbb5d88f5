import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lastCardId, linkOfficers, typedAnswers } from "../support/journey.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

// Or-sign: every eligible officer gets the card; when one decides, the others' cards change to
// the outcome. That needs each card's send-time response_code, which the adapter must keep.
describe("[6.3 a] the other officers' cards show who decided", () => {
  let h: WecomHarness;
  beforeEach(async () => {
    h = await createWecomHarness();
    await linkOfficers(h);
    await h.t.db.prisma.person.create({
      data: { name: "周二", identities: { create: [{ channel: "wecom", externalId: "zhou2" }] }, roles: { create: [{ role: "TOWN_OFFICER", townId: "xiaolan" }] } },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it("updates the card of an officer who never tapped it, instead of sending a text", async () => {
    await h.text("chenxm", "申请工作室");
    for (const a of typedAnswers()) await h.text("chenxm", a);
    await h.text("chenxm", "确认提交");
    const other = lastCardId(h, "zhou2");
    const card = await h.t.db.prisma.sentCard.findUniqueOrThrow({ where: { id: other } });
    expect(card.responseCode).toBeTruthy(); // kept from the send

    await h.click("zhoumin", "ap:approve", lastCardId(h, "zhoumin"));
    const update = h.fake.updates.find((u) => u.taskId === other);
    expect(update?.replaceName).toMatch(/^已由 周敏 于 .+ 同意$/);
    expect(h.to("zhou2").some((m) => m.content?.startsWith("【审批已处理】"))).toBe(false);
  });
});
