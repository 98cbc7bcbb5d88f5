import type { PrismaClient } from "../../storage/database.ts";
import { seedDatabase } from "../../storage/seed.ts";
import type { Services } from "../services.ts";

// The simulator's "重置演示数据" (development only).

/**
 * Empties everything a demo run creates, children before parents (FK order), then seeds the
 * demo directory again. Towns, job bookkeeping and cached tokens stay; the audit log is
 * append-only, so the reset is recorded in it instead of erasing it.
 */
export async function resetDemo(prisma: PrismaClient, services: Pick<Services, "settle">): Promise<void> {
  await services.settle(); // let in-flight handling finish so it does not write into the fresh data
  await prisma.$transaction([
    prisma.followUp.deleteMany(),
    prisma.surveyResponse.deleteMany(),
    prisma.surveyInvitation.deleteMany(),
    prisma.survey.deleteMany(),
    prisma.serviceLog.deleteMany(),
    prisma.serviceRequest.deleteMany(),
    prisma.studioMember.deleteMany(),
    prisma.studioSetupItem.deleteMany(),
    prisma.studio.deleteMany(),
    prisma.sentCard.deleteMany(),
    prisma.approvalStep.deleteMany(),
    prisma.application.deleteMany(),
    prisma.studioNumberSequence.deleteMany(),
    prisma.reminderDelivery.deleteMany(),
    prisma.reminder.deleteMany(),
    prisma.ipAsset.deleteMany(),
    prisma.conversationSession.deleteMany(),
    prisma.inboundEvent.deleteMany(),
    prisma.outboxMessage.deleteMany(),
    prisma.roleGrant.deleteMany(),
    prisma.channelIdentity.deleteMany(),
    prisma.person.deleteMany(),
    prisma.enterprise.deleteMany(),
    prisma.agency.deleteMany(),
    prisma.auditLog.create({ data: { action: "simulator.reset", subjectType: "demo", subjectId: "demo", channel: "web" } }),
  ]);
  await seedDatabase(prisma, { production: false });
}
