import type { PrismaClient } from "../../storage/database.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import { seedDemoStudio } from "../../storage/demo-studio.ts";
import { seedDatabase } from "../../storage/seed.ts";
import type { Services } from "../services.ts";

// The simulator's "重置演示数据" (development only).

/**
 * Empties everything a demo run creates, children before parents (FK order), then seeds the
 * demo directory again. Towns, job bookkeeping and cached tokens stay; the audit log is
 * append-only, so the reset is recorded in it instead of erasing it. The demo's running studio
 * (seedDemoStudio) comes back too.
 */
export async function resetDemo(prisma: PrismaClient, services: Pick<Services, "settle">, studio: Parameters<typeof seedDemoStudio>[1]): Promise<void> {
  await services.settle(); // let in-flight handling finish so it does not write into the fresh data
  await prisma.$transaction(async (tx) => {
    for (const step of [
    tx.followUp.deleteMany(),
    tx.surveyResponse.deleteMany(),
    tx.surveyInvitation.deleteMany(),
    tx.surveyService.deleteMany(),
    tx.survey.deleteMany(),
    tx.serviceLog.deleteMany(),
    tx.serviceRequest.deleteMany(),
    tx.studioMember.deleteMany(),
    tx.studioSetupItem.deleteMany(),
    tx.studio.deleteMany(),
    tx.sentCard.deleteMany(),
    tx.approvalStep.deleteMany(),
    tx.application.deleteMany(),
    tx.studioNumberSequence.deleteMany(),
    tx.reminderDelivery.deleteMany(),
    tx.reminderDigest.deleteMany(),
    tx.reminder.deleteMany(),
    tx.ipAsset.deleteMany(),
    tx.conversationSession.deleteMany(),
    tx.inboundEvent.deleteMany(),
    tx.outboxMessage.deleteMany(),
    tx.roleGrant.deleteMany(),
    tx.channelIdentity.deleteMany(),
    tx.person.deleteMany(),
    tx.enterprise.deleteMany(),
    tx.agency.deleteMany(),
    ]) await step;
    await appendAudit(tx, { action: "simulator.reset", subjectType: "demo", subjectId: "demo", channel: "web", at: new Date() });
  });
  await seedDatabase(prisma, { production: false });
  await seedDemoStudio(prisma, studio);
}
