// An OPERATING studio for applicant1 with two agency staff (刘洋 liuyang, 陈静 chenjing) on its
// roster, and service requests made and handled through the real WeCom route.
import { approvedStudio, linkDemoOfficers } from "./approved-studio.ts";
import { createWecomHarness, testClock, type WecomHarness } from "./wecom-harness.ts";

export async function operatingStudio(opts: { start: Date; industry?: string; env?: Record<string, string> }) {
  const h = await createWecomHarness({ clock: testClock(opts.start), env: opts.env });
  const prisma = h.t.db.prisma;
  await linkDemoOfficers(h);
  const { studio, applicant } = await approvedStudio(h);
  await prisma.studio.update({ where: { id: studio.id }, data: { status: "OPERATING", setupConfirmedAt: h.clock.now() } });
  if (opts.industry) await prisma.enterprise.update({ where: { id: studio.enterpriseId }, data: { industry: opts.industry } });
  const chen = await prisma.person.create({ data: { name: "陈静", education: "bachelor", identities: { create: [{ channel: "wecom", externalId: "chenjing" }] }, roles: { create: [{ role: "AGENCY_STAFF", agencyId: "demo-agency" }] } } });
  for (const personId of ["demo-agency-staff", chen.id]) await prisma.studioMember.create({ data: { studioId: studio.id, personId, side: "AGENCY", employment: "FULL_TIME", agencyId: "demo-agency" } });
  // Conversations other flows start on approval (set-up, manager designation) are not these tests'.
  await prisma.conversationSession.updateMany({ where: { status: { in: ["ACTIVE", "PAUSED"] } }, data: { status: "DONE" } });
  h.clock.set(opts.start);
  return { h, studio, applicant, chen };
}

/** 申请服务 → service n → sub-item m (or none for 7.1 g) → need → 跳过 → 是, as applicant1. */
export async function requestService(h: WecomHarness, service: number, subItem: number | null, need = "下月参加广交会，需要排查参展产品的专利风险") {
  await h.text("applicant1", "申请服务");
  await h.text("applicant1", String(service));
  if (subItem !== null) await h.text("applicant1", String(subItem));
  await h.text("applicant1", need);
  await h.text("applicant1", "跳过");
  await h.text("applicant1", "是");
  return h.t.db.prisma.serviceRequest.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
}

/** Taps the button labelled `label` on the newest card sent to `u` (optionally: whose id starts with `prefix`). */
export async function tap(h: WecomHarness, u: string, label: string, prefix = "") {
  const cards = h.to(u).filter((s) => s.msgtype === "template_card").map((s) => s.templateCard as { task_id: string; button_list?: { key: string; text: string }[] });
  const card = cards.filter((c) => c.task_id.startsWith(prefix) && c.button_list?.some((b) => b.text === label)).at(-1);
  if (!card) throw new Error(`no card with a button ${label} sent to ${u}`);
  await h.click(u, card.button_list!.find((b) => b.text === label)!.key, card.task_id);
}
