// The demo studio's history of services and their surveys (8.1, 8.2), so the simulator's
// 服务评价 and 服务评价 图表 have months to show: five services closed over the last five months,
// each surveyed and answered (two anonymously, one low score with its follow-up closed), and one
// closed yesterday whose survey the surveys job sends at the next office-hours run.
import { businessDate } from "../domain/calendar/working-days.ts";
import type { Tx } from "./database.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MANAGER = "demo-manager-xiaolan";
const AGENCY = "demo-agency-staff";

const HISTORY = [
  { category: "a", subItem: "7.2.1 a", text: "协助建立知识产权管理制度", scores: [3, 2, 3, 5], comment: "制度文本不够贴合企业实际", anonymous: true },
  { category: "d", subItem: "7.2.4 b", text: "广交会前专利风险排查", scores: [4, 4, 4, 8], comment: null, anonymous: false },
  { category: "b", subItem: "7.2.2 a", text: "新产品专利挖掘", scores: [4, 5, 4, 9], comment: "响应很快", anonymous: true },
  { category: "c", subItem: "7.2.3 a", text: "商标侵权维权咨询", scores: [5, 4, 5, 9], comment: null, anonymous: false },
  { category: "f", subItem: "7.2.6 a", text: "知识产权质押融资对接", scores: [5, 5, 5, 10], comment: "非常专业", anonymous: false },
] as const;

export async function seedDemoServiceHistory(tx: Tx, o: { studioId: string; enterpriseId: string; now: Date; timeZone: string }): Promise<void> {
  for (const [i, h] of HISTORY.entries()) {
    const created = new Date(o.now.getTime() - (HISTORY.length - i) * 30 * DAY);
    const closed = new Date(created.getTime() + 2 * DAY);
    const sent = new Date(closed.getTime() + HOUR);
    const id = `demo-sr-${i + 1}`;
    await tx.serviceRequest.create({ data: { id, studioId: o.studioId, category: h.category, subItem: h.subItem, description: h.text, requestedById: MANAGER, ownerId: AGENCY, status: "CLOSED", acceptedAt: created, acceptedById: AGENCY, outcome: "已办结", closedById: AGENCY, closedAt: closed, createdAt: created } });
    const surveyId = `demo-survey-${i + 1}`;
    await tx.survey.create({ data: { id: surveyId, kind: "SERVICE", studioId: o.studioId, enterpriseId: o.enterpriseId, flowId: "service-survey", flowVersion: 1, title: "服务评价", status: "ANSWERED", sentAt: sent, expiresAt: new Date(sent.getTime() + 7 * DAY) } });
    await tx.surveyService.create({ data: { serviceRequestId: id, surveyId } });
    const answeredOn = businessDate(new Date(sent.getTime() + DAY), o.timeZone);
    await tx.surveyInvitation.create({ data: { id: `demo-inv-${i + 1}`, surveyId, personId: MANAGER, sentAt: sent, answeredOn } });
    const [overall, timeliness, professionalism, recommend] = h.scores;
    const responseId = `demo-resp-${crypto.randomUUID()}`;
    await tx.surveyResponse.create({ data: { id: responseId, surveyId, personId: h.anonymous ? null : MANAGER, anonymous: h.anonymous, overall, timeliness, professionalism, recommend, comment: h.comment, answersJson: JSON.stringify({ overall, timeliness, professionalism, recommend, comment: h.comment }), flowVersion: 1, answeredOn } });
    if (recommend <= 6 || Math.min(overall, timeliness, professionalism) <= 2) {
      await tx.followUp.create({ data: { id: `demo-fu-${i + 1}`, responseId, studioId: o.studioId, status: "CLOSED", openedOn: answeredOn, dueOn: answeredOn, resolution: "已约谈服务机构，修订制度文本后再次上门讲解", closedById: "demo-city-ip", closedAt: new Date(sent.getTime() + 3 * DAY), toldAt: new Date(sent.getTime() + 3 * DAY) } });
    }
  }
  const closed = new Date(o.now.getTime() - DAY);
  await tx.serviceRequest.create({ data: { id: "demo-sr-6", studioId: o.studioId, category: "d", subItem: "7.2.4 c", description: "海外参展知识产权保险咨询", requestedById: MANAGER, ownerId: AGENCY, status: "CLOSED", acceptedAt: closed, acceptedById: AGENCY, outcome: "已介绍海外知识产权保险方案", closedById: AGENCY, closedAt: closed, createdAt: new Date(closed.getTime() - 2 * HOUR) } });
}
