// 8.1 the survey flow's completion: the response is recorded in the session's transaction — once
// per service (a second answer is refused kindly), once per manager for a studio-wide survey —
// and a low score opens a follow-up (8.2). Anonymous: no person on the response, a random id,
// the day only, the person's invitation marked on its own, and the answering events redacted.
import { businessDate } from "../../domain/calendar/working-days.ts";
import { isLowScore } from "../../domain/surveys/survey-rules.ts";
import type { CompletionHandler } from "../../flows/conversation-runner.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { Tx } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import type { OutgoingMessage } from "../../storage/outbox.ts";
import * as store from "../../storage/survey-store.ts";
import type { Db } from "../bot/conversations.ts";
import type { FollowUps } from "./follow-ups.ts";
import type { SurveyService } from "./survey-service.ts";
import { surveyTexts } from "./survey-texts.ts";

const score = (v: unknown, min: number, max: number): number | null => (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : null);

export function surveyCompletion(deps: { surveys: SurveyService; followUps: FollowUps; newId: () => string; timeZone: string }): CompletionHandler<Db, PersonView> {
  return async (c) => {
    const tx = c.tx as Tx;
    const surveyId = String(c.context.surveyId ?? "");
    const anonymous = c.context.anonymous === true;
    const reply = (text: string): OutgoingMessage[] => [{ channel: c.sender.channel, userId: c.sender.userId, personId: c.person.id, message: { kind: "text", text } }];
    const why = await deps.surveys.refusal(tx, surveyId, c.person.id, c.now);
    const state = await store.surveyState(tx, surveyId);
    if (why === "answered") return reply(surveyTexts.alreadyAnswered);
    if (why === "you_answered") return reply(surveyTexts.youAnswered);
    if (why === "expired") return reply(surveyTexts.expired(state!.expiresAt, deps.timeZone));
    if (why || !state) return reply(surveyTexts.notInvited);
    const scores = { overall: score(c.answers.overall, 1, 5), timeliness: score(c.answers.timeliness, 1, 5), professionalism: score(c.answers.professionalism, 1, 5), recommend: score(c.answers.recommend, 0, 10) };
    if (Object.values(scores).some((v) => v === null)) throw new Error("survey completed without its scores");
    const s = scores as { overall: number; timeliness: number; professionalism: number; recommend: number };
    const today = businessDate(c.now, deps.timeZone);
    // One response per service: the survey is claimed; another manager's answer lost the race.
    if (state.kind === "SERVICE" && !(await store.claimServiceSurvey(tx, surveyId, c.now))) return reply(surveyTexts.alreadyAnswered);
    if (!(await store.markInvitationAnswered(tx, surveyId, c.person.id, today))) return reply(surveyTexts.youAnswered);
    const comment = typeof c.answers.comment === "string" && c.answers.comment.trim() ? c.answers.comment.trim() : null;
    const responseId = deps.newId();
    await store.insertResponse(tx, {
      id: responseId,
      surveyId,
      personId: anonymous ? null : c.person.id,
      anonymous,
      ...s,
      comment,
      answersJson: JSON.stringify(c.answers),
      flowVersion: Number(c.context.flowVersion ?? 1),
      answeredOn: today,
    });
    // The audit names the survey, not the response: for an anonymous answer, no person either.
    await appendAudit(tx, { at: c.now, action: "survey.answered", subjectType: "Survey", subjectId: surveyId, actorId: anonymous ? null : c.person.id, channel: anonymous ? null : c.sender.channel, detail: { anonymous } });
    const out: OutgoingMessage[] = [];
    if (isLowScore(s)) out.push(...(await deps.followUps.open(tx, { responseId, studioId: state.studioId, today, now: c.now })));
    if (anonymous && typeof c.context.startedAt === "string") await store.redactAnsweredEvents(tx, c.sender, new Date(c.context.startedAt));
    out.push(...reply(isLowScore(s) ? "感谢您的评价！您的意见已转给市局知识产权科，将在 5 个工作日内跟进（8.2）。" : "感谢您的评价！您的意见是我们改进服务的依据（8.2）。"));
    return out;
  };
}
