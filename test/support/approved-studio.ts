// An approved studio, through the approval service itself: an application seeded at stage 3,
// then city leadership's decision from its own card (found-studio creates the Studio in
// SETTING_UP with the applicant as a full-time enterprise member).
import { seedApplication, stageCard } from "../reliability/seed-application.ts";
import type { WecomHarness } from "./wecom-harness.ts";

/** WeCom UserIDs given to the demo officers, so their cards go to the fake WeCom. */
export const OFFICER_USERS = { "demo-town-xiaolan": "zhoumin", "demo-city-ip": "zhanglei", "demo-city-leader": "wangfang", "demo-agency-staff": "liuyang", "demo-admin": "admin1" } as const;

export async function linkDemoOfficers(h: WecomHarness): Promise<void> {
  for (const [personId, userId] of Object.entries(OFFICER_USERS)) await h.t.db.prisma.channelIdentity.create({ data: { personId, channel: "wecom", externalId: userId } });
}

export async function approvedStudio(h: WecomHarness, applicantUser = "applicant1", enterpriseName?: string) {
  const applicant = await h.runtime.services.directory.resolve({ channel: "wecom", userId: applicantUser });
  const { id } = await seedApplication(h, { applicantId: applicant.id, stage: 3, enterpriseName });
  const leader = (await h.runtime.services.directory.get("demo-city-leader"))!;
  await h.runtime.domain.approvals.decide({ person: leader, channel: "wecom", userId: OFFICER_USERS["demo-city-leader"], cardId: await stageCard(h, id, 3, leader.id), decision: "APPROVE" });
  await h.settle();
  const studio = await h.t.db.prisma.studio.findUniqueOrThrow({ where: { applicationId: id } });
  return { studio, applicant };
}
