import { HAPPY } from "../flows/helpers.ts";
import type { WecomHarness } from "./wecom-harness.ts";

/** The demo officers (src/storage/demo-directory.ts) and the WeCom UserIDs tests give them. */
export const OFFICERS = { town: ["demo-town-xiaolan", "zhoumin"], cityIp: ["demo-city-ip", "zhanglei"], leader: ["demo-city-leader", "wangfang"] } as const;

/** Links the demo officers to WeCom, as an admin would. */
export async function linkOfficers(h: WecomHarness): Promise<void> {
  for (const [personId, wecomId] of Object.values(OFFICERS)) {
    await h.t.db.prisma.channelIdentity.create({ data: { personId, channel: "wecom", externalId: wecomId } });
  }
}

/** The applicant's typed answers; the town question accepts the suggestion from the address. */
export function typedAnswers(): string[] {
  return HAPPY.map(([field, typed]) => (field === "townId" ? "是" : typed));
}

export function lastCardId(h: WecomHarness, userId: string): string {
  const cards = h.to(userId).filter((s) => s.msgtype === "template_card");
  const card = cards.at(-1)?.templateCard as { task_id?: string } | undefined;
  if (!card?.task_id) throw new Error(`no card sent to ${userId}`);
  return card.task_id;
}

/** A whole application → three approvals through the real WeCom route. */
export async function applyAndApprove(h: WecomHarness, applicant: string): Promise<void> {
  await h.text(applicant, "申请工作室");
  for (const a of typedAnswers()) await h.text(applicant, a);
  await h.text(applicant, "确认提交");
  for (const [, officer] of [OFFICERS.town, OFFICERS.cityIp, OFFICERS.leader]) {
    await h.click(officer, "ap:approve", lastCardId(h, officer));
  }
}
