// 8.1 feedback surveys: after a service is closed (the delay later, in office hours), one survey
// per enterprise at most every SURVEY_FATIGUE_DAYS — services closed meanwhile are combined into
// the next one; reminders after 1 and 3 working days; expiry; one response per service. Who was
// asked is kept apart from what was answered: an anonymous response has no person, a random id,
// the day only, and the events that carried it are redacted.
import { SURVEY_FLOW } from "../../../bot-flows/service-survey.ts";
import { isWorkingHours, type WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { fatigueAllows, remindersDue, surveyExpiresAt, surveySendableAt, type SurveySettings } from "../../domain/surveys/survey-rules.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import type { Logger } from "../../log/logger.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import { enqueue, type OutgoingMessage } from "../../storage/outbox.ts";
import { findSentCard, recordSentCard } from "../../storage/sent-cards.ts";
import * as store from "../../storage/survey-store.ts";
import { recipientsOfPeople, studioManagers } from "../studios/studio-records.ts";
import { invitationCard, type SurveyService as ServiceRef } from "./survey-texts.ts";

export const SURVEY_SUBJECT = "survey";
const DAY = 86_400_000;
/** Closed services older than this are not surveyed any more (e.g. from before surveys existed). */
const MAX_AGE_DAYS = 30;

export interface SurveyDeps {
  prisma: PrismaClient;
  calendar: WorkingCalendar;
  timeZone: string;
  settings: SurveySettings;
  flows: FlowRegistry;
  newId: () => string;
  logger?: Logger;
}

export function createSurveyService(deps: SurveyDeps) {
  const { prisma, calendar, timeZone, settings } = deps;
  const flow = () => deps.flows.get(SURVEY_FLOW);

  /** An invitation card to each channel identity of each person (a SentCard per card). */
  async function invite(tx: Tx, s: { id: string; kind: string; title: string; studioNumber: string; services: ServiceRef[]; expiresAt: Date }, personIds: string[], now: Date, reminder?: number): Promise<OutgoingMessage[]> {
    const out: OutgoingMessage[] = [];
    for (const r of await recipientsOfPeople(tx, personIds)) {
      const cardId = `sv-${deps.newId()}`.slice(0, 64);
      await recordSentCard(tx, { id: cardId, channel: r.channel, externalUserId: r.userId, personId: r.personId, purpose: SURVEY_SUBJECT, subjectType: SURVEY_SUBJECT, subjectId: s.id, createdAt: now });
      out.push({ ...r, message: { kind: "card", card: invitationCard({ cardId, ...s, timeZone, reminder }) } });
    }
    return out;
  }

  /** Creates and sends one survey (its services claimed in the same transaction). */
  async function send(s: Omit<store.NewSurvey, "flowId" | "flowVersion" | "expiresAt" | "invitees"> & { studioNumber: string; services: ServiceRef[]; invitees: string[] }): Promise<boolean> {
    const expiresAt = surveyExpiresAt(s.sentAt, settings);
    try {
      return await prisma.$transaction(async (tx) => {
        const invitees = s.invitees.map((personId) => ({ id: deps.newId(), personId }));
        await store.createSurvey(tx, { ...s, flowId: flow().id, flowVersion: flow().version, expiresAt, invitees });
        const out = await invite(tx, { ...s, expiresAt }, s.invitees, s.sentAt);
        if (out.length === 0) throw new NobodyToAsk();
        await appendAudit(tx, { at: s.sentAt, action: "survey.sent", subjectType: "Survey", subjectId: s.id, actorId: s.createdById ?? null, actorRole: s.createdById ? null : "SYSTEM", detail: { kind: s.kind, studioId: s.studioId, services: s.serviceIds, invitations: invitees.length } });
        await enqueue(tx, out, s.sentAt);
        return true;
      });
    } catch (err) {
      if (err instanceof NobodyToAsk) return false;
      if ((err as { code?: string }).code === "P2002") return false; // another run covered these services
      throw err;
    }
  }

  /**
   * The scheduled send (8.1): in office hours, each enterprise with closed services past the
   * delay gets one survey naming them all — unless it had one within the fatigue window; then
   * they wait and go out together once the window has passed.
   */
  async function sendDue(now: Date): Promise<{ sent: number; deferred: number }> {
    if (!isWorkingHours(now, timeZone, calendar)) return { sent: 0, deferred: 0 };
    const pending = (await store.unsurveyedClosedServices(prisma, new Date(now.getTime() - MAX_AGE_DAYS * DAY))).filter((s) => surveySendableAt(s.closedAt, settings, calendar, timeZone) <= now);
    const byStudio = new Map<string, store.ClosedService[]>();
    for (const s of pending) byStudio.set(s.studioId, [...(byStudio.get(s.studioId) ?? []), s]);
    let sent = 0;
    let deferred = 0;
    for (const [studioId, services] of byStudio) {
      const enterpriseId = services[0]!.enterpriseId;
      if (!fatigueAllows(await store.lastSurveySentAt(prisma, enterpriseId), now, settings)) {
        deferred += services.length;
        continue;
      }
      const studio = await store.studioNumberOf(prisma, studioId);
      // The requesters are asked; one who has no channel left is replaced by the studio's managers.
      let invitees = [...new Set(services.map((s) => s.requestedById))];
      if ((await recipientsOfPeople(prisma, invitees)).length === 0) invitees = await studioManagers(prisma, studioId);
      const title = services.length > 1 ? `${services.length} 项服务评价` : "服务评价";
      if (await send({ id: deps.newId(), kind: "SERVICE", studioId, enterpriseId, title, sentAt: now, serviceIds: services.map((s) => s.id), studioNumber: studio.number, services, invitees })) sent++;
    }
    if (sent > 0 || deferred > 0) deps.logger?.info({ sent, deferred }, "surveys sent");
    return { sent, deferred };
  }

  /** Officers: a studio-wide survey (e.g. yearly satisfaction) to all managers of a studio. */
  async function sendStudioWide(o: { studioId: string; title: string; byPersonId: string; now: Date }): Promise<{ surveyId: string; invited: number } | null> {
    const studio = await store.studioNumberOf(prisma, o.studioId);
    const invitees = await studioManagers(prisma, o.studioId);
    const id = deps.newId();
    const ok = await send({ id, kind: "STUDIO", studioId: o.studioId, enterpriseId: studio.enterpriseId, title: o.title, sentAt: o.now, createdById: o.byPersonId, serviceIds: [], studioNumber: studio.number, services: [], invitees });
    return ok ? { surveyId: id, invited: invitees.length } : null;
  }

  /** Reminders after 1 and 3 working days to whoever has not answered (office hours); expiry. */
  async function remindAndExpire(now: Date): Promise<{ reminded: number; expired: number }> {
    const expired = await store.expireSurveys(prisma, now);
    let reminded = 0;
    if (isWorkingHours(now, timeZone, calendar)) {
      for (const inv of await store.unansweredInvitations(prisma, now)) {
        const due = remindersDue(inv.sentAt, now, calendar, timeZone);
        if (inv.remindersSent >= due) continue;
        const s = await store.findSurvey(prisma, inv.surveyId);
        if (!s) continue;
        const done = await prisma.$transaction(async (tx) => {
          // Two reminders owed at once (the job was off): one message, both counted.
          if (!(await store.claimReminder(tx, inv.id, inv.remindersSent))) return false;
          if (due - inv.remindersSent > 1) await store.claimReminder(tx, inv.id, inv.remindersSent + 1);
          const out = await invite(tx, { id: s.id, kind: s.kind, title: s.title, studioNumber: s.studio.number, services: s.services.map((x) => x.serviceRequest), expiresAt: s.expiresAt }, [inv.personId], now, due);
          await enqueue(tx, out, now);
          return out.length > 0;
        });
        if (done) reminded++;
      }
    }
    if (reminded > 0 || expired > 0) deps.logger?.info({ reminded, expired }, "survey reminders");
    return { reminded, expired };
  }

  /**
   * Whether `personId` may answer `surveyId` now: null when yes, else why not (a kind refusal).
   * Service surveys take one response; studio-wide ones one per invited manager.
   */
  async function refusal(db: PrismaClient | Tx, surveyId: string, personId: string, now: Date): Promise<"not_invited" | "answered" | "you_answered" | "expired" | null> {
    const s = await store.surveyState(db, surveyId);
    const inv = s ? await store.invitationOf(db, surveyId, personId) : null;
    if (!s || !inv) return "not_invited";
    if (inv.answeredOn) return "you_answered";
    if (s.status === "ANSWERED") return "answered";
    if (s.status === "EXPIRED" || s.expiresAt <= now) return "expired";
    return null;
  }

  /** The survey an invitation card was sent for, if it was sent to this person. */
  async function surveyOfCard(cardId: string | undefined, personId: string): Promise<string | null> {
    const card = cardId ? await findSentCard(prisma, cardId) : null;
    return card?.subjectType === SURVEY_SUBJECT && card.personId === personId ? card.subjectId : null;
  }

  return { sendDue, sendStudioWide, remindAndExpire, refusal, surveyOfCard, openInvitationFor: (personId: string, now: Date) => store.openInvitationFor(prisma, personId, now), findSurvey: (id: string) => store.findSurvey(prisma, id), settings };
}

class NobodyToAsk extends Error {}

export type SurveyService = ReturnType<typeof createSurveyService>;
