// What the surveys (8.1) and follow-ups (8.2) say in chat, and their card buttons.
import type { Card, OutboundMessage } from "../../domain/chat.ts";
import { localParts } from "../../domain/calendar/working-days.ts";
import { describeService } from "../../domain/studio/service-catalogue.ts";
import { lowScoreReasons, type SurveyScores } from "../../domain/surveys/survey-rules.ts";
import { requestNo } from "../service-requests/service-texts.ts";

export const SURVEY_KEYS = { named: "sv:named", anonymous: "sv:anon" } as const;
export const FOLLOW_UP_KEYS = { close: "fu:close" } as const;
/** Typed words: answer one's newest open survey, named or anonymously. */
export const SURVEY_WORDS = { named: ["评价", "实名评价", "服务满意度评价"], anonymous: ["匿名评价"] } as const;
/** Officers: this month's figures for their scope, the chart, a studio-wide survey. */
export const REPORT_WORD = "服务评价";
export const CHART_WORDS = ["服务评价图表", "服务评价 图表"];
export const STUDIO_SURVEY_WORD = "发起满意度调查";

const day = (d: Date, tz: string) => {
  const p = localParts(d, tz);
  return `${Number(p.month)}月${Number(p.day)}日`;
};

export interface SurveyService {
  id: string;
  category: string;
  subItem: string | null;
}

export const serviceLines = (services: SurveyService[]) => services.map((s) => `· ${requestNo(s.id)} ${describeService(s.category, s.subItem)}`);

/** The invitation: what is being asked about, until when, and the choice of anonymity. */
export function invitationCard(o: { cardId: string; kind: string; title: string; studioNumber: string; services: SurveyService[]; expiresAt: Date; timeZone: string; reminder?: number }): Card {
  const about =
    o.kind === "SERVICE"
      ? [o.services.length > 1 ? `您的 ${o.services.length} 项服务申请已办结（合并为一次评价）：` : "您的服务申请已办结：", ...serviceLines(o.services)]
      : [`工作室 ${o.studioNumber}：${o.title}`];
  return {
    id: o.cardId,
    title: `${o.reminder ? "【提醒】" : ""}服务评价邀请（8.1）`,
    description: [...about, `请花 1 分钟评价，帮助我们改进服务。可实名或匿名作答（匿名时评价内容不会与您关联），${day(o.expiresAt, o.timeZone)}截止。`].join("\n"),
    buttons: [
      { key: SURVEY_KEYS.named, label: "实名评价", style: "primary" },
      { key: SURVEY_KEYS.anonymous, label: "匿名评价" },
    ],
  };
}

/** The same invitation where no buttons can be shown. */
export const invitationFallback = (card: Card): OutboundMessage => ({ kind: "text", text: `${card.title}\n${card.description}\n回复“评价”实名作答，或“匿名评价”匿名作答。` });

export const surveyTexts = {
  alreadyAnswered: "贵企业已对这次服务作出评价，每项服务只需评价一次。感谢您的支持！",
  youAnswered: "您已完成这份调查，感谢您的支持！",
  expired: (at: Date, tz: string) => `这份调查已于 ${day(at, tz)} 截止，感谢您的关注。如有意见，可随时联系工作室或回复“申请服务”。`,
  none: "目前没有等待您评价的服务。服务办结后，我们会邀请您评价。",
  notInvited: "这份调查不是发给您的。",
  start: (anonymous: boolean) => (anonymous ? "好的，匿名作答：您的评价内容不会与您的身份关联。" : "好的，实名作答。"),
};

export interface FollowUpView {
  followUpId: string;
  studioNumber: string;
  enterpriseName: string;
  services: SurveyService[];
  scores: SurveyScores;
  comment: string | null;
  respondent: string | null;
  dueOn: string;
}

/** 8.2: the follow-up card for the studio's city IP officer (and ADMIN once escalated). */
export function followUpCard(cardId: string, v: FollowUpView, heading = "服务评价回访（8.2）"): Card {
  return {
    id: cardId,
    title: heading,
    description: `工作室 ${v.studioNumber}（${v.enterpriseName}）收到低分评价，请于 ${v.dueOn} 前采取措施并登记处理结果。`,
    facts: [
      ...(v.services.length ? [{ label: "服务", value: v.services.map((s) => `${requestNo(s.id)} ${describeService(s.category, s.subItem)}`).join("；") }] : []),
      { label: "评分", value: lowScoreReasons(v.scores).join("，") || `整体 ${v.scores.overall}/5` },
      { label: "意见", value: v.comment ?? "（未填写）" },
      { label: "评价人", value: v.respondent ?? "匿名" },
    ],
    buttons: [{ key: FOLLOW_UP_KEYS.close, label: "登记处理结果", style: "primary" }],
  };
}

export const followUpTexts = {
  reminder: (v: FollowUpView) => `【回访提醒】工作室 ${v.studioNumber}（${v.enterpriseName}）的低分评价回访今日（${v.dueOn}）到期，请尽快登记处理结果（8.2）。`,
  escalated: (v: FollowUpView) => `【回访超时】工作室 ${v.studioNumber}（${v.enterpriseName}）的低分评价回访已超过期限（${v.dueOn}），已上报系统管理员（8.2）。`,
  toRespondent: (resolution: string) => `您此前的服务评价我们已跟进处理（8.2）：${resolution}\n感谢您的意见！`,
  toManagers: (studioNumber: string, resolution: string) => `工作室 ${studioNumber} 收到的一条匿名服务评价，市局知识产权科已跟进处理（8.2）：${resolution}`,
  closed: "已记录处理结果，并已告知评价人。",
  closedAnonymous: "已记录处理结果；评价为匿名，已告知工作室管理者。",
  alreadyClosed: (by: string) => `这条回访已由 ${by} 登记处理结果，无需再登记。`,
};
