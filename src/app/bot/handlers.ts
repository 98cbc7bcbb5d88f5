import { allFlows } from "../../../bot-flows/index.ts";
import { APPROVAL_OPINION_FLOW } from "../../../bot-flows/approval-opinion.ts";
import type { FlowInput } from "../../flows/engine-types.ts";
import { createFlowRegistry, type FlowRegistry } from "../../flows/flow-registry.ts";
import { buttonRoom } from "../../flows/render.ts";
import { createYearCalendar, type YearCalendar } from "../calendar/year-calendar.ts";
import { listCalendarYears } from "../../storage/calendar-years.ts";
import { createApprovalService, type ApprovalService } from "../approvals/approval-service.ts";
import { createLinkSigner } from "../link-signer.ts";
import { randomId, type CoreDeps, type Services } from "../services.ts";
import { APPLICATION_FLOW, applicationCompletion, applicationStatus, revisionStarter } from "./application-handler.ts";
import { applicantActionsHandler } from "./applicant-actions-handler.ts";
import { approvalActions, KEY_TO_DECISION, opinionCompletion } from "./approval-handler.ts";
import { wordOfButton } from "../approvals/approval-texts.ts";
import type { BotHandler } from "./bot-context.ts";
import { createConversations, turnOf, type Conversations } from "./conversations.ts";
import { headConfirmHandler, isHeadWaitWord } from "./head-confirm-handler.ts";
import { applicationStarter } from "./application-starter.ts";
import { createHeadConfirmation, type HeadConfirmation } from "../approvals/head-confirmation.ts";
import { applicationAwaitingHead } from "../../storage/head-confirmations.ts";
import { classify } from "./intent-router.ts";
import { isApprover } from "./menu.ts";
import { designationStarter } from "./manager-designation-handler.ts";
import { registerStudioCompletions, studioHandler } from "./studio-commands.ts";
import { registerServiceDesk, serviceRequestHandler } from "./service-request-handler.ts";
import type { ServiceDesk } from "../service-requests/service-desk.ts";
import { SURVEY_FLOW } from "../../../bot-flows/service-survey.ts";
import { FOLLOW_UP_FLOW } from "../../../bot-flows/follow-up-close.ts";
import { createFollowUps, type FollowUps } from "../surveys/follow-ups.ts";
import { surveyCompletion } from "../surveys/survey-answers.ts";
import { createSurveyService, type SurveyService } from "../surveys/survey-service.ts";
import { chatReports } from "../reports/chat-reports.ts";
import { surveyHandler } from "./survey-handler.ts";
import { ipAssetCompletion, ipAssetHandler } from "./ip-asset-handler.ts";
import { IP_ASSET_FLOW } from "../../../bot-flows/ip-asset.ts";
import { createReminderActions, type ReminderActions } from "../ip/reminder-actions.ts";
import { createReminderDigest, type ReminderDigest } from "../ip/reminder-digest.ts";
import { ipReminderHandler } from "./ip-reminder-handler.ts";
import { identityLinkHandler } from "./identity-link-handler.ts";

export interface Domain {
  flows: FlowRegistry;
  calendar: YearCalendar;
  approvals: ApprovalService;
  /** A.1 负责人签名 in chat. */
  heads: HeadConfirmation;
  linkSigner: ReturnType<typeof createLinkSigner>;
  /** The one conversation runner every flow runs on. */
  conversations: Conversations;
  /** Service requests (clause 4, 7.1, 7.2). */
  serviceDesk: ServiceDesk;
  /** Feedback surveys (8.1) and their follow-ups (8.2). */
  surveys: SurveyService;
  followUps: FollowUps;
  /** IP risk reminders: the daily digest pass and what a manager does with an item. */
  reminders: ReminderDigest;
  reminderActions: ReminderActions;
}

/** The product's services behind the bot: flows, approvals, signed links. */
export function createDomain(deps: CoreDeps & Pick<Services, "directory" | "adapters">): Domain {
  const now = () => deps.clock.now();
  const newId = deps.newId ?? randomId;
  const flows = createFlowRegistry(deps.flows ?? allFlows);
  const linkSigner = createLinkSigner(deps.config.signingSecret, now);
  const capabilitiesOf = (channel: string) => deps.adapters[channel as keyof typeof deps.adapters]?.capabilities ?? { buttons: false, markdown: false, cardUpdate: false, maxButtons: 0 };
  const calendar = deps.calendar ?? createYearCalendar({ logger: deps.logger, load: () => listCalendarYears(deps.db.prisma) });
  const printUrl = (id: string, personId: string) => `${deps.config.publicBaseUrl}/applications/${id}/print?t=${linkSigner.sign(`print:${id}`, personId)}`;
  const heads = createHeadConfirmation({ newId, now, helpContact: deps.config.helpContact, printUrl });
  const conversations = createConversations({ prisma: deps.db.prisma, flows, helpContact: deps.config.helpContact, newId, capabilitiesOf });
  const approvals = createApprovalService({
    prisma: deps.db.prisma,
    calendar,
    now,
    newId,
    logger: deps.logger,
    timeZone: deps.config.timeZone,
    slaWorkingDays: deps.config.approvalSlaWorkingDays,
    studioNumberFormat: deps.config.studioNumberFormat,
    printUrl,
    onReturned: revisionStarter({ conversations: () => conversations, flows, now }),
    onApplicantNotice: (tx, app, notice, opinion) => heads.tellOutcome(tx, app, notice, opinion),
    onApproved: designationStarter({ prisma: deps.db.prisma, conversations: () => conversations, newId, timeZone: deps.config.timeZone, now }),
  });
  // What each flow does on completion (a new flow: its file in bot-flows/ and one line here).
  conversations.registerCompletion(APPLICATION_FLOW, applicationCompletion({ approvals, heads, hasButtons: (channel) => buttonRoom({ capabilities: capabilitiesOf(channel) }) >= 2 }));
  conversations.registerCompletion(APPROVAL_OPINION_FLOW, opinionCompletion(approvals), { afterCommit: true });
  registerStudioCompletions(conversations, { prisma: deps.db.prisma, conversations: () => conversations, newId, timeZone: deps.config.timeZone });
  const serviceDesk = registerServiceDesk({ prisma: deps.db.prisma, calendar, timeZone: deps.config.timeZone, now, newId, conversations });
  const surveyDeps = { prisma: deps.db.prisma, calendar, timeZone: deps.config.timeZone, settings: deps.config.surveys, newId, logger: deps.logger };
  const surveys = createSurveyService({ ...surveyDeps, flows });
  const followUps = createFollowUps(surveyDeps);
  conversations.registerCompletion(SURVEY_FLOW, surveyCompletion({ surveys, followUps, newId, timeZone: deps.config.timeZone }));
  conversations.registerCompletion(FOLLOW_UP_FLOW, followUps.completion());
  conversations.registerCompletion(IP_ASSET_FLOW, ipAssetCompletion({ timeZone: deps.config.timeZone, calendar }));
  const reminders = createReminderDigest({ prisma: deps.db.prisma, calendar, timeZone: deps.config.timeZone, newId, logger: deps.logger });
  const reminderActions = createReminderActions({ calendar, desk: serviceDesk });
  return { flows, calendar, approvals, heads, linkSigner, conversations, serviceDesk, surveys, followUps, reminders, reminderActions };
}

/**
 * The bot's one handler: classify() decides the message's intent once, and exactly one of these
 * answers it (the menu, in bot.ts, when the intent is "menu").
 */
export function defaultHandlers(deps: CoreDeps & Pick<Services, "directory" | "adapters">, domain: Domain): BotHandler[] {
  const { prisma } = deps.db;
  const conversations = domain.conversations;
  const approval = approvalActions({ prisma, approvals: domain.approvals, flows: domain.flows, conversations });
  const startApplication = applicationStarter({ prisma, conversations: () => conversations, newId: deps.newId ?? randomId });
  const headConfirm = headConfirmHandler({ prisma, approvals: domain.approvals, heads: domain.heads, conversations });
  const applicantActions = applicantActionsHandler({ prisma, approvals: domain.approvals });
  const service = serviceRequestHandler({ prisma, desk: domain.serviceDesk, conversations });
  const ipReminder = ipReminderHandler({ prisma, actions: domain.reminderActions, timeZone: deps.config.timeZone });
  const ip = ipAssetHandler({ prisma, conversations });
  const survey = surveyHandler({ prisma, surveys: domain.surveys, followUps: domain.followUps, conversations, reports: chatReports({ prisma, timeZone: deps.config.timeZone, chartRenderer: deps.chartRenderer }), timeZone: deps.config.timeZone });

  const studio = studioHandler({ prisma, conversations: () => conversations, newId: deps.newId ?? randomId, timeZone: deps.config.timeZone });

  const route: BotHandler = async (ctx) => {
    // A word button (催办, 撤回, 工作室建设 on a card) is that word typed.
    const said = ctx.event.kind === "button" ? wordOfButton(ctx.event.key) : null;
    if (said !== null) return route({ ...ctx, event: { ...ctx.event, kind: "text", text: said }, text: said });
    const session = await conversations.current(ctx.person, ctx.now);
    const textIn = ctx.text;
    const facts = {
      active: session ? { session, flow: conversations.flowOf(session) } : null,
      approver: isApprover(ctx.person),
      // A.1: 声明授权, 确认声明, "修改 15" … for an application waiting for its head.
      draftAwaitingHead: textIn !== null && (textIn.trim() === "声明授权" || (!session && isHeadWaitWord(textIn))) && (await applicationAwaitingHead(prisma, ctx.person.id)) !== null,
      flowStartedBy: (word: string) => domain.flows.list().find((f) => f.conversation?.startWords?.some((w) => w.normalize("NFKC").trim().toLowerCase() === word))?.id ?? null,
      cancelledDraft: !session && (await conversations.resumable(ctx.person.id, APPLICATION_FLOW))?.status === "CANCELLED",
    };
    const intent = classify(ctx.event, facts);
    const turn = turnOf(ctx);
    switch (intent.kind) {
      case "approval-card": {
        const e = ctx.event as Extract<typeof ctx.event, { kind: "button" }>;
        await approval.onCardTap(ctx, KEY_TO_DECISION.get(e.key)!);
        return true;
      }
      case "head-confirm":
        return headConfirm(ctx);
      case "conversation": {
        const e = ctx.event;
        const input: FlowInput = e.kind === "button" ? { kind: "button", key: e.key } : e.kind === "media" ? { kind: "media", mediaId: e.mediaId, mediaType: e.mediaType } : { kind: "text", text: textIn ?? "" };
        if ((await conversations.answer(turn, intent.session, input)) === "handled") return true;
        // A menu word left a dialog: it is that command now, decided afresh.
        return route(ctx);
      }
      case "stale-flow-button":
        await ctx.commit([{ kind: "text", text: "这个按钮已失效。回复“申请工作室”继续您的申请，或回复“菜单”。" }]);
        return true;
      case "pending":
        await approval.onPending(ctx);
        return true;
      case "declare":
        return (await headConfirm(ctx)) || applicantActions(ctx);
      case "applicant-action":
        return applicantActions(ctx);
      case "status":
        await applicationStatus(prisma, ctx);
        return true;
      case "apply": {
        const draft = await conversations.resumable(ctx.person.id, APPLICATION_FLOW);
        if (draft?.status === "ACTIVE") await conversations.answer(turn, draft, { kind: "text", text: "继续" });
        else if (draft?.status === "CANCELLED") await conversations.reopen(turn, draft);
        else await startApplication(ctx);
        return true;
      }
      case "start-flow":
        await conversations.start(turn, intent.flowId);
        return true;
      case "service":
        return service(ctx);
      case "studio":
        return studio(ctx);
      case "survey":
        return survey(ctx);
      case "ip":
        return ip(ctx);
      case "ip-reminder":
        return ipReminder(ctx);
      case "menu":
        return false;
    }
  };
  return [identityLinkHandler({ helpContact: deps.config.helpContact, signingSecret: deps.config.signingSecret, newId: deps.newId ?? randomId, adapters: deps.adapters }), route];
}
