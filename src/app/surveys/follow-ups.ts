// 8.2 the improvement loop: a low score opens a follow-up for the studio's city IP officer (card
// with the scores and the comment), due in FOLLOW_UP_WORKING_DAYS working days; a reminder on its
// last day, then escalation to ADMIN; closed once with the action taken, and the respondent told —
// or, when the answer was anonymous, the studio's managers.
import { FOLLOW_UP_FLOW } from "../../../bot-flows/follow-up-close.ts";
import { businessDate, isWorkingHours, type WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { followUpDueOn, followUpStep, type SurveySettings } from "../../domain/surveys/survey-rules.ts";
import type { CompletionHandler } from "../../flows/conversation-runner.ts";
import type { Logger } from "../../log/logger.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import { enqueue, messagesTo, type OutgoingMessage } from "../../storage/outbox.ts";
import { findSentCard, finishCards, recordSentCard } from "../../storage/sent-cards.ts";
import * as store from "../../storage/survey-store.ts";
import { adminIds, personName } from "../../storage/survey-people.ts";
import type { Db } from "../bot/conversations.ts";
import { recipientsOfPeople, studioCityIpOfficers, studioManagers } from "../studios/studio-records.ts";
import { followUpCard, followUpTexts, type FollowUpView } from "./survey-texts.ts";

export const FOLLOW_UP_SUBJECT = "follow-up";

export interface FollowUpDeps {
  prisma: PrismaClient;
  calendar: WorkingCalendar;
  timeZone: string;
  settings: SurveySettings;
  newId: () => string;
  logger?: Logger;
}

export function createFollowUps(deps: FollowUpDeps) {
  const { prisma, calendar, timeZone } = deps;

  async function view(db: PrismaClient | Tx, f: { id: string; responseId: string; studioId: string; dueOn: string }): Promise<FollowUpView> {
    const full = (await store.findFollowUp(db, f.id))!;
    const survey = (await store.findSurvey(db, full.response.surveyId))!;
    const r = full.response;
    return {
      followUpId: f.id,
      studioNumber: survey.studio.number,
      enterpriseName: survey.studio.enterprise.name,
      services: survey.services.map((s) => s.serviceRequest),
      scores: { overall: r.overall, timeliness: r.timeliness, professionalism: r.professionalism, recommend: r.recommend },
      comment: r.comment,
      respondent: r.anonymous || !r.personId ? null : await personName(db, r.personId),
      dueOn: f.dueOn,
    };
  }

  async function cards(tx: Tx, v: FollowUpView, personIds: string[], now: Date, heading?: string): Promise<OutgoingMessage[]> {
    const out: OutgoingMessage[] = [];
    for (const r of await recipientsOfPeople(tx, personIds)) {
      const cardId = `fu-${deps.newId()}`.slice(0, 64);
      await recordSentCard(tx, { id: cardId, channel: r.channel, externalUserId: r.userId, personId: r.personId, purpose: FOLLOW_UP_SUBJECT, subjectType: FOLLOW_UP_SUBJECT, subjectId: v.followUpId, createdAt: now });
      out.push({ ...r, message: { kind: "card", card: followUpCard(cardId, v, heading) } });
    }
    return out;
  }

  /** Opens the follow-up of a low-scored response (in the response's transaction). */
  async function open(tx: Tx, o: { responseId: string; studioId: string; today: string; now: Date }): Promise<OutgoingMessage[]> {
    const f = { id: deps.newId(), responseId: o.responseId, studioId: o.studioId, openedOn: o.today, dueOn: followUpDueOn(o.today, deps.settings, calendar) };
    await store.openFollowUp(tx, f);
    await appendAudit(tx, { at: o.now, action: "follow_up.opened", subjectType: "FollowUp", subjectId: f.id, actorRole: "SYSTEM", detail: { studioId: o.studioId, dueOn: f.dueOn } });
    return cards(tx, await view(tx, f), await studioCityIpOfficers(tx, o.studioId), o.now);
  }

  /** The job: a reminder on the due day, escalation to ADMIN after it (working days, office hours). */
  async function remindAndEscalate(now: Date): Promise<{ reminded: number; escalated: number }> {
    let reminded = 0;
    let escalated = 0;
    if (!isWorkingHours(now, timeZone, calendar)) return { reminded, escalated };
    const today = businessDate(now, timeZone);
    for (const f of await store.openFollowUps(prisma)) {
      const step = followUpStep(f, today, calendar);
      if (!step) continue;
      const done = await prisma.$transaction(async (tx) => {
        if (!(await store.markFollowUpStep(tx, f.id, step, now))) return false;
        const v = await view(tx, f);
        const owners = await studioCityIpOfficers(tx, f.studioId);
        const out = messagesTo(await recipientsOfPeople(tx, owners), { kind: "text", text: step === "remind" ? followUpTexts.reminder(v) : followUpTexts.escalated(v) });
        if (step === "escalate") {
          out.push(...(await cards(tx, v, await adminIds(tx), now, "服务评价回访超时（8.2）")));
          await appendAudit(tx, { at: now, action: "follow_up.escalated", subjectType: "FollowUp", subjectId: f.id, actorRole: "SYSTEM", detail: { dueOn: f.dueOn, to: "ADMIN" } });
        }
        await enqueue(tx, out, now);
        return true;
      });
      if (done) step === "remind" ? reminded++ : escalated++;
    }
    if (reminded + escalated > 0) deps.logger?.info({ reminded, escalated }, "follow-up reminders");
    return { reminded, escalated };
  }

  /** The follow-up a card was sent for, if the card went to this person. */
  async function ofCard(cardId: string | undefined, personId: string) {
    const card = cardId ? await findSentCard(prisma, cardId) : null;
    if (card?.subjectType !== FOLLOW_UP_SUBJECT || card.personId !== personId || !card.subjectId) return null;
    return store.findFollowUp(prisma, card.subjectId);
  }

  /** 8.2: closed once with the action taken; every card finished; the respondent (or managers) told. */
  async function close(tx: Tx, followUpId: string, resolution: string, actor: { id: string; name: string; channel: string }, now: Date): Promise<{ ok: boolean; text: string; out: OutgoingMessage[] }> {
    const f = await store.findFollowUp(tx, followUpId);
    if (!f) return { ok: false, text: "找不到这条回访。", out: [] };
    if (!(await store.closeFollowUp(tx, followUpId, { resolution, closedById: actor.id, now }))) return { ok: false, text: followUpTexts.alreadyClosed(f.closedById ? await personName(tx, f.closedById) : ""), out: [] };
    await appendAudit(tx, { at: now, action: "follow_up.closed", subjectType: "FollowUp", subjectId: followUpId, actorId: actor.id, channel: actor.channel, detail: { length: resolution.length, late: businessDate(now, timeZone) > f.dueOn } });
    const out = await finishCards(tx, { type: FOLLOW_UP_SUBJECT, id: followUpId }, now, (c) => (c.personId === actor.id ? "已登记处理结果" : `已由 ${actor.name} 登记处理结果`));
    const anonymous = f.response.anonymous || !f.response.personId;
    const v = await view(tx, f);
    const told = anonymous ? await studioManagers(tx, f.studioId) : [f.response.personId!];
    out.push(...messagesTo(await recipientsOfPeople(tx, told), { kind: "text", text: anonymous ? followUpTexts.toManagers(v.studioNumber, resolution) : followUpTexts.toRespondent(resolution) }));
    return { ok: true, text: anonymous ? followUpTexts.closedAnonymous : followUpTexts.closed, out };
  }

  /** The close dialog's completion (in the session's transaction). */
  function completion(): CompletionHandler<Db, PersonView> {
    return async (c) => {
      const r = await close(c.tx as Tx, String(c.context.followUpId), String(c.answers.resolution ?? "").trim(), { id: c.person.id, name: c.person.name, channel: c.sender.channel }, c.now);
      return [...r.out, { channel: c.sender.channel, userId: c.sender.userId, personId: c.person.id, message: { kind: "text", text: r.text } }];
    };
  }

  return { open, remindAndEscalate, ofCard, close, completion, flowId: FOLLOW_UP_FLOW };
}

export type FollowUps = ReturnType<typeof createFollowUps>;
