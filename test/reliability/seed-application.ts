// Puts an application at a given point of its life quickly, through the approval service itself
// (submit, then the stage officers' decisions from their own cards), so a test can start there.
// The actions under test still go through the real webhook route.
import { applicationFields } from "../../src/app/applications/application-record.ts";
import { eligibleRoleForStage, type Stage } from "../../src/domain/approval/approval-machine.ts";
import { enqueue } from "../../src/storage/outbox.ts";
import { HAPPY_ANSWERS } from "../flows/helpers.ts";
import type { WecomHarness } from "../support/wecom-harness.ts";

export interface SeedOptions {
  applicantId: string;
  /** 0: a DRAFT (not submitted); 1–3: pending at that stage. */
  stage: 0 | Stage;
  enterpriseName?: string;
  /** Draft only: HEAD_IN_CHAT with the head reached by a card (`headCardTo`) or not at all. */
  headConfirmation?: "SELF" | "HEAD_IN_CHAT";
  headCardTo?: { personId: string; userId: string };
}

/** Returns the application id (and the head-confirm card id, when one was sent). */
export async function seedApplication(h: WecomHarness, o: SeedOptions): Promise<{ id: string; headCardId?: string }> {
  const prisma = h.t.db.prisma;
  const { approvals } = h.runtime.domain;
  // The flow fixtures number their towns; the seeded 小榄 is "xiaolan" (the address says 小榄镇).
  const fields = applicationFields({ ...HAPPY_ANSWERS, townId: "xiaolan", ...(o.enterpriseName ? { enterpriseName: o.enterpriseName } : {}) });
  const headCardId = o.headCardTo ? `hc-seed-${Math.random().toString(36).slice(2, 10)}` : undefined;
  const id = await prisma.$transaction(async (tx) => {
    const app = await tx.application.create({ data: { ...fields, headConfirmation: o.headConfirmation ?? "SELF", applicantId: o.applicantId, status: "DRAFT", version: 1 } });
    if (o.headCardTo) {
      // As requestHeadConfirmation records it (the card itself is not needed: the test taps by id).
      await tx.sentCard.create({ data: { id: headCardId!, channel: "wecom", externalUserId: o.headCardTo.userId, personId: o.headCardTo.personId, purpose: `head-confirm:${app.id}` } });
    }
    if (o.stage > 0) await enqueue(tx, await approvals.submitted(tx, app, { id: o.applicantId, channel: "wecom" }), h.clock.now());
    return app.id;
  });
  for (let s = 1; s < o.stage; s++) {
    const card = await prisma.sentCard.findFirstOrThrow({
      where: { channel: "wecom", approvalStep: { applicationId: id, stage: s, status: "PENDING", role: eligibleRoleForStage(s as Stage) } },
    });
    const person = (await h.runtime.services.directory.get(card.personId!))!;
    await approvals.decide({ person, channel: "wecom", userId: card.externalUserId, cardId: card.id, decision: "APPROVE" });
  }
  await h.settle();
  return { id, headCardId };
}

/** The WeCom card (task_id) of a pending stage sent to one person. */
export async function stageCard(h: WecomHarness, applicationId: string, stage: Stage, personId: string): Promise<string> {
  const card = await h.t.db.prisma.sentCard.findFirstOrThrow({ where: { channel: "wecom", personId, approvalStep: { applicationId, stage, status: "PENDING" } }, orderBy: { createdAt: "desc" } });
  return card.id;
}
