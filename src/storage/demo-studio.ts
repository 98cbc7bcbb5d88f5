import { formatStudioNumber } from "../domain/approval/studio-number.ts";
import { businessDate } from "../domain/calendar/working-days.ts";
import type { PrismaClient } from "./database.ts";
import { DEMO_ENTERPRISES, DEMO_PEOPLE } from "./demo-directory.ts";
import { seedDemoServiceHistory } from "./demo-surveys.ts";

// The simulator's running studio: 榄盛五金 (demo-ent-xiaolan) approved, set up (6.3 b confirmed),
// OPERATING, its manager 梁婉仪 designated with the three 6.4 b facts, and a roster one city IP
// officer short of 6.4 a — so a visitor can ask for a service at once, see the agency's 受理 card,
// and see 工作室情况 name a gap; with months of answered surveys (8.1, 8.2) for 服务评价 图表.
// Kept apart from seedDemo so tests that count the demo directory's
// rows (and studio numbers) see no studio; only the simulator adds it.

export const DEMO_APPLICATION_ID = "demo-app-xiaolan";
const ENTERPRISE = DEMO_ENTERPRISES[1];
const MANAGER = "demo-manager-xiaolan";
const HEAD = DEMO_PEOPLE.find((p) => p.id === "demo-head-xiaolan")!;

/** Adds the demo studio once, into a demo directory only; true when it was added now. */
export async function seedDemoStudio(prisma: PrismaClient, deps: { now: Date; timeZone: string; studioNumberFormat: string }): Promise<boolean> {
  const people = await prisma.person.count({ where: { id: { in: [MANAGER, "demo-city-ip", "demo-town-xiaolan", "demo-agency-staff", "demo-agency-staff-2"] } } });
  if (people < 5) return false; // not the demo directory (or edited away): add nothing
  if (await prisma.application.findUnique({ where: { id: DEMO_APPLICATION_ID }, select: { id: true } })) return false;
  // Approved last year, so its number (from last year's sequence) leaves this year's 001 to the
  // studio a visitor approves in the simulator; set up a month after approval.
  const approvedAt = new Date(deps.now.getTime() - 366 * 86_400_000);
  const now = new Date(approvedAt.getTime() + 30 * 86_400_000);
  const manager = DEMO_PEOPLE.find((p) => p.id === MANAGER)!;
  try {
    await prisma.$transaction(async (tx) => {
      const year = Number(businessDate(approvedAt, deps.timeZone).slice(0, 4));
      const seq = await tx.studioNumberSequence.upsert({ where: { year }, create: { year, last: 1 }, update: { last: { increment: 1 } } });
      const number = formatStudioNumber(deps.studioNumberFormat, { year, seq: seq.last });
      await tx.application.create({
        data: {
          id: DEMO_APPLICATION_ID,
          applicantId: MANAGER,
          enterpriseId: ENTERPRISE.id,
          status: "APPROVED",
          studioNumber: number,
          enterpriseName: ENTERPRISE.name,
          registeredAddress: ENTERPRISE.registeredAddress,
          townId: ENTERPRISE.townId,
          listingStatus: "unlisted",
          registeredCapitalYuan: 30_000_000n,
          headcount: 260,
          isAboveScale: true,
          specialisedLevel: "provincial",
          isLeadingReserve: false,
          isIpKeyProtection: true,
          headName: HEAD.name,
          headTitle: HEAD.title,
          headMobile: HEAD.mobile,
          contactName: manager.name,
          contactTitle: manager.title,
          contactMobile: manager.mobile,
          hasIpDepartment: true,
          ipStaffCount: 2,
          validInvention: 12,
          validUtility: 45,
          validDesign: 8,
          validPct: 1,
          validTrademarkDomestic: 6,
          validTrademarkOverseas: 2,
          validCopyright: 3,
          validOther: 0,
          headConfirmation: "SELF",
        },
      });
      const studio = await tx.studio.create({
        data: { number, enterpriseId: ENTERPRISE.id, applicationId: DEMO_APPLICATION_ID, status: "OPERATING", approvedAt, setupRound: 1, setupSubmittedAt: now, setupConfirmedAt: now, setupConfirmedById: "demo-city-ip" },
      });
      const setup = { completedAt: now, recordedById: MANAGER, confirmedById: "demo-city-ip", confirmedAt: now };
      await tx.studioSetupItem.createMany({
        data: [
          { studioId: studio.id, item: "WORKPLACE", note: "中山市小榄镇工业大道 12 号 综合楼 3 楼", ...setup },
          { studioId: studio.id, item: "EQUIPMENT", note: "电脑 2 台、打印机 1 台、专利检索软件", ...setup },
          { studioId: studio.id, item: "SIGN", note: "工作室标志已挂在 3 楼入口", ...setup },
        ],
      });
      await tx.studioMember.createMany({
        data: [
          { studioId: studio.id, personId: MANAGER, side: "ENTERPRISE", employment: "FULL_TIME", isManager: true, managerInManagement: true, managerTechMgmtExperience: true, managerIpKnowledge: true, managerFactsAt: now },
          { studioId: studio.id, personId: "demo-city-ip", side: "CITY_IP", employment: "PART_TIME" },
          { studioId: studio.id, personId: "demo-town-xiaolan", side: "TOWN", employment: "PART_TIME" },
          { studioId: studio.id, personId: "demo-agency-staff", side: "AGENCY", employment: "FULL_TIME", agencyId: "demo-agency" },
          { studioId: studio.id, personId: "demo-agency-staff-2", side: "AGENCY", employment: "FULL_TIME", agencyId: "demo-agency" },
        ],
      });
      await seedDemoServiceHistory(tx, { studioId: studio.id, enterpriseId: ENTERPRISE.id, now: deps.now, timeZone: deps.timeZone });
    });
  } catch (err) {
    // Two first page loads at once: the other one added it.
    if ((err as { code?: string }).code === "P2002") return false;
    throw err;
  }
  return true;
}
