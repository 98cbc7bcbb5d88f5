// Surveys and follow-ups in chat (8.1, 8.2): the invitation card's 实名评价 / 匿名评价 (or typed
// 评价 / 匿名评价) start the survey flow; the follow-up card's 登记处理结果 starts the close dialog;
// officers ask 服务评价 (this month's figures for their scope), 服务评价 图表 (the chart as a
// picture) and 发起满意度调查 <工作室编号> [标题] (a studio-wide survey to its managers).
import { FOLLOW_UP_FLOW } from "../../../bot-flows/follow-up-close.ts";
import { SURVEY_FLOW } from "../../../bot-flows/service-survey.ts";
import { businessDate } from "../../domain/calendar/working-days.ts";
import type { InboundEvent, OutboundMessage } from "../../domain/chat.ts";
import type { PrismaClient } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import { personName, studioByNumber } from "../../storage/survey-people.ts";
import type { FollowUps } from "../surveys/follow-ups.ts";
import type { SurveyService } from "../surveys/survey-service.ts";
import { CHART_WORDS, FOLLOW_UP_KEYS, followUpTexts, REPORT_WORD, STUDIO_SURVEY_WORD, SURVEY_KEYS, SURVEY_WORDS, surveyTexts } from "../surveys/survey-texts.ts";
import type { BotContext } from "./bot-context.ts";
import type { Conversations } from "./conversations.ts";
import { refuseInChat } from "./refuse-in-chat.ts";

const norm = (t: string) => t.normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();
const KEYS = new Set<string>([SURVEY_KEYS.named, SURVEY_KEYS.anonymous, FOLLOW_UP_KEYS.close]);
const REPORT_WORDS = new Set([REPORT_WORD, ...CHART_WORDS].map(norm));
const ANSWER_WORDS = new Set([...SURVEY_WORDS.named, ...SURVEY_WORDS.anonymous].map(norm));
const OFFICER_ROLES = new Set(["TOWN_OFFICER", "CITY_IP_OFFICER", "CITY_LEADER", "ADMIN"]);
const CITY_ROLES = new Set(["CITY_IP_OFFICER", "CITY_LEADER", "ADMIN"]);

/** Does this message belong to surveys? (the intent router asks once per message) */
export function isSurveyMessage(event: InboundEvent): boolean {
  if (event.kind === "button") return KEYS.has(event.key);
  if (event.kind !== "text") return false;
  const w = norm(event.text);
  return ANSWER_WORDS.has(w) || REPORT_WORDS.has(w) || w.startsWith(STUDIO_SURVEY_WORD);
}

/** What officers get for 服务评价 / 服务评价 图表 (the reports module, passed in). */
export interface SurveyReports {
  /** This month's figures for the officer's scope, as text. */
  monthText(person: PersonView, now: Date): Promise<string>;
  /** The scores-per-month chart for the officer's scope, as a message (a picture where the channel shows one). */
  chartMessage(person: PersonView, now: Date): Promise<OutboundMessage>;
}

export function surveyHandler(deps: { prisma: PrismaClient; surveys: SurveyService; followUps: FollowUps; conversations: Conversations; reports: SurveyReports; timeZone: string }) {
  const { surveys } = deps;
  const me = (ctx: BotContext) => ({ personId: ctx.person.id, channel: ctx.event.sender.channel, userId: ctx.event.sender.userId });

  async function answer(ctx: BotContext, surveyId: string, anonymous: boolean) {
    const why = await surveys.refusal(deps.prisma, surveyId, ctx.person.id, ctx.now);
    if (why === "answered") return ctx.commit([{ kind: "text", text: surveyTexts.alreadyAnswered }]);
    if (why === "you_answered") return ctx.commit([{ kind: "text", text: surveyTexts.youAnswered }]);
    if (why === "expired") return ctx.commit([{ kind: "text", text: surveyTexts.expired((await surveys.findSurvey(surveyId))!.expiresAt, deps.timeZone) }]);
    if (why) return refuseInChat(ctx, { action: "survey.refused", reason: "not_invited", subject: { type: "Survey", id: surveyId }, text: surveyTexts.notInvited });
    await ctx.commit([{ kind: "text", text: surveyTexts.start(anonymous) }], (tx) =>
      deps.conversations.startConversation(tx, { ...me(ctx), flowId: SURVEY_FLOW, context: { surveyId, anonymous, startedAt: ctx.now.toISOString() }, now: ctx.now }),
    );
  }

  async function closeFollowUp(ctx: BotContext, cardId: string | undefined) {
    const f = await deps.followUps.ofCard(cardId, ctx.person.id);
    if (!f) return refuseInChat(ctx, { action: "follow_up.refused", reason: "card_not_addressed_to_actor", text: "这张回访卡片不是发给您的，不能操作。" });
    if (f.status !== "OPEN") return ctx.commit([{ kind: "text", text: followUpTexts.alreadyClosed(f.closedById ? await personName(deps.prisma, f.closedById) : "他人") }]);
    await ctx.commit([], (tx) => deps.conversations.startConversation(tx, { ...me(ctx), flowId: FOLLOW_UP_FLOW, context: { followUpId: f.id }, now: ctx.now }));
  }

  /** 发起满意度调查 <编号> [标题]: city officers for any studio, a town officer for its town's. */
  async function studioWide(ctx: BotContext, rest: string) {
    const roles = ctx.person.roles;
    if (!roles.some((r) => OFFICER_ROLES.has(r.role) && r.role !== "CITY_LEADER")) return refuseInChat(ctx, { action: "survey.refused", reason: "not_an_officer", text: "只有市局知识产权科室、镇街分局人员可以发起满意度调查。" });
    const [number, ...titleWords] = rest.split(" ").filter(Boolean);
    if (!number) return ctx.commit([{ kind: "text", text: `请注明工作室编号，如“${STUDIO_SURVEY_WORD} ZSIPS-2026-001 2026 年度满意度调查”。` }]);
    const studio = await studioByNumber(deps.prisma, number);
    if (!studio) return ctx.commit([{ kind: "text", text: `找不到编号为 ${number} 的工作室。` }]);
    const city = roles.some((r) => CITY_ROLES.has(r.role));
    if (!city && !roles.some((r) => r.role === "TOWN_OFFICER" && r.townId && r.townId === studio.enterprise.townId)) {
      return refuseInChat(ctx, { action: "survey.refused", reason: "studio_outside_town", subject: { type: "Studio", id: studio.id }, text: `工作室 ${studio.number} 不在您负责的镇街。` });
    }
    if (studio.status !== "OPERATING") return ctx.commit([{ kind: "text", text: `工作室 ${studio.number} 尚未正式运行，暂不能发起调查。` }]);
    const title = titleWords.join(" ").slice(0, 60) || `${businessDate(ctx.now, deps.timeZone).slice(0, 4)} 年度工作室服务满意度调查`;
    const sent = await surveys.sendStudioWide({ studioId: studio.id, title, byPersonId: ctx.person.id, now: ctx.now });
    await ctx.commit([{ kind: "text", text: sent ? `已向工作室 ${studio.number}（${studio.enterprise.name}）的 ${sent.invited} 位管理者发出“${title}”（8.1）。` : `工作室 ${studio.number} 还没有可以联系的管理者，调查未发出。` }]);
  }

  return async function handle(ctx: BotContext): Promise<boolean> {
    const e = ctx.event;
    if (e.kind === "button") {
      if (e.key === FOLLOW_UP_KEYS.close) {
        await closeFollowUp(ctx, e.cardId);
        return true;
      }
      const surveyId = await surveys.surveyOfCard(e.cardId, ctx.person.id);
      if (!surveyId) await refuseInChat(ctx, { action: "survey.refused", reason: "card_not_addressed_to_actor", text: "这张评价卡片不是发给您的，不能操作。" });
      else await answer(ctx, surveyId, e.key === SURVEY_KEYS.anonymous);
      return true;
    }
    if (e.kind !== "text") return false;
    const w = norm(e.text);
    if (ANSWER_WORDS.has(w)) {
      const inv = await surveys.openInvitationFor(ctx.person.id, ctx.now);
      if (!inv) await ctx.commit([{ kind: "text", text: surveyTexts.none }]);
      else await answer(ctx, inv.surveyId, (SURVEY_WORDS.anonymous as readonly string[]).map(norm).includes(w));
      return true;
    }
    if (REPORT_WORDS.has(w)) {
      if (!ctx.person.roles.some((r) => OFFICER_ROLES.has(r.role))) {
        await refuseInChat(ctx, { action: "report.refused", reason: "not_an_officer", text: "服务评价统计面向镇街分局、市局知识产权科室和市局领导。企业可在服务办结后回复“评价”参与评价。" });
        return true;
      }
      const chart = CHART_WORDS.map(norm).includes(w);
      await ctx.commit([chart ? await deps.reports.chartMessage(ctx.person, ctx.now) : { kind: "text", text: await deps.reports.monthText(ctx.person, ctx.now) }]);
      return true;
    }
    if (w.startsWith(STUDIO_SURVEY_WORD)) {
      await studioWide(ctx, e.text.normalize("NFKC").trim().slice(STUDIO_SURVEY_WORD.length).trim());
      return true;
    }
    return false;
  };
}
