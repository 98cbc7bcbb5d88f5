import { formatStudioNumber } from "../../domain/approval/studio-number.ts";
import { businessDate } from "../../domain/calendar/working-days.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";

type AppRow = NonNullable<Awaited<ReturnType<PrismaClient["application"]["findUnique"]>>>;

/**
 * Final approval (6.3 a, A.1 市局意见 · 编号): draws the studio number, records the enterprise's
 * A.1 facts, creates the Studio with the applicant as a full-time enterprise member (6.4 a).
 * Runs inside the decision's transaction; returns the number.
 */
export async function foundStudio(tx: Tx, app: AppRow, deps: { now: Date; timeZone: string; studioNumberFormat: string }): Promise<string> {
  const number = await nextStudioNumber(tx, deps);
  const enterpriseId = await enterpriseOf(tx, app);
  await tx.application.update({ where: { id: app.id }, data: { studioNumber: number, enterpriseId } });
  const studio = await tx.studio.create({ data: { number, enterpriseId, applicationId: app.id, status: "SETTING_UP", approvedAt: deps.now } });
  // The applicant stays on the roster meanwhile; who manages the studio (and gets ENTERPRISE_MANAGER)
  // is what the applicant confirms next (6.4 b, designateManager), not who typed the form.
  await tx.studioMember.create({ data: { studioId: studio.id, personId: app.applicantId, side: "ENTERPRISE", employment: "FULL_TIME" } });
  return number;
}

/** A.1 编号: next number of the year, never reused (one counter row per year). */
async function nextStudioNumber(tx: Tx, deps: { now: Date; timeZone: string; studioNumberFormat: string }): Promise<string> {
  const year = Number(businessDate(deps.now, deps.timeZone).slice(0, 4));
  const row = await tx.studioNumberSequence.upsert({ where: { year }, create: { year, last: 1 }, update: { last: { increment: 1 } } });
  return formatStudioNumber(deps.studioNumberFormat, { year, seq: row.last });
}

/** The approved application's enterprise, created or brought up to date with the A.1 facts. */
async function enterpriseOf(tx: Tx, app: AppRow): Promise<string> {
  const facts = {
    name: app.enterpriseName,
    townId: app.townId,
    registeredAddress: app.registeredAddress,
    listingStatus: app.listingStatus,
    registeredCapitalYuan: app.registeredCapitalYuan,
    headcount: app.headcount,
    revenueYuan: app.revenueYuan,
    isAboveScale: app.isAboveScale,
    specialisedLevel: app.specialisedLevel,
    isLeadingReserve: app.isLeadingReserve,
    isIpKeyProtection: app.isIpKeyProtection,
  };
  const byUscc = app.uscc ? await tx.enterprise.findUnique({ where: { uscc: app.uscc } }) : null;
  const id = app.enterpriseId ?? byUscc?.id;
  if (id) {
    await tx.enterprise.update({ where: { id }, data: { ...facts, ...(app.uscc && !byUscc ? { uscc: app.uscc } : {}) } });
    return id;
  }
  return (await tx.enterprise.create({ data: { ...facts, uscc: app.uscc } })).id;
}
