import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";
import { seedApplication } from "./seed-application.ts";

// A.1 负责人签名: once the head has been asked in chat, the head decides — the applicant's
// 声明授权 is refused; a head tapping a card of an application already handled is refused. Both
// are answered and audited (reliability suite, authorization matrix).
describe("[A.1] head confirmation refusals are audited", () => {
  let h: WecomHarness;
  beforeEach(async () => {
    h = await createWecomHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("refuses 声明授权 after the head's card was sent, and a second tap after the head confirmed", async () => {
    const prisma = h.t.db.prisma;
    await prisma.channelIdentity.create({ data: { personId: "demo-head-mingzhu", channel: "wecom", externalId: "head-mz" } });
    const applicant = await h.runtime.services.directory.resolve({ channel: "wecom", userId: "appl-mz" });
    const { id, headCardId } = await seedApplication(h, { applicantId: applicant.id, stage: 0, headConfirmation: "HEAD_IN_CHAT", headCardTo: { personId: "demo-head-mingzhu", userId: "head-mz" } });

    await h.text("appl-mz", "声明授权");
    expect(h.to("appl-mz").at(-1)?.content).toBe("已请负责人在聊天中确认，请等待负责人处理。");
    expect((await prisma.application.findUniqueOrThrow({ where: { id } })).status).toBe("DRAFT");
    const declared = await prisma.auditLog.findMany({ where: { action: "declare_authority.refused", subjectId: id } });
    expect(declared).toHaveLength(1);
    expect(JSON.parse(declared[0]!.detailJson)).toMatchObject({ reason: "head_already_asked" });

    await h.click("head-mz", "hc:confirm", headCardId!);
    expect((await prisma.application.findUniqueOrThrow({ where: { id } })).status).toBe("IN_REVIEW");
    await h.click("head-mz", "hc:confirm", headCardId!);
    expect(h.to("head-mz").at(-1)?.content).toBe("这份申请已经处理过了，无需再确认。");
    expect(await prisma.auditLog.count({ where: { action: "application.head_confirm_refused", subjectId: id } })).toBe(1);
  });
});
