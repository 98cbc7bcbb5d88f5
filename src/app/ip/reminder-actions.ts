// What a manager does with a reminder (a digest button, or 已处理 N / 稍后提醒 N / 需要帮助 N typed):
// 已处理 marks the annuity paid / the renewal done and stops that deadline (the next one is
// computed); 稍后提醒 snoozes 3 days, never past the deadline; 需要帮助 opens a service request of
// the right kind at the enterprise's studio (clause 4: 有需必应).
import type { WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { ForbiddenError } from "../../domain/errors.ts";
import { addDays, addYears } from "../../domain/ip/ip-dates.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { Tx } from "../../storage/database.ts";
import type { OutgoingMessage } from "../../storage/outbox.ts";
import * as store from "../../storage/reminders.ts";
import type { DeskActor, ServiceDesk } from "../service-requests/service-desk.ts";
import { requestNo } from "../service-requests/service-texts.ts";
import { syncAssetDeadlines } from "./asset-deadlines.ts";
import { reminderTexts } from "./reminder-texts.ts";

export type ReminderAction = "done" | "snooze" | "help";
export const SNOOZE_DAYS = 3;

/** The service a deadline's 需要帮助 asks for (7.1 / 7.2). */
export const HELP_SERVICE: Record<string, { category: string; subItem: string | null }> = {
  ANNUITY: { category: "g", subItem: null },
  PATENT_TERM: { category: "g", subItem: null },
  TM_RENEWAL: { category: "g", subItem: null },
  PCT_NATIONAL_PHASE: { category: "d", subItem: "7.2.4 a" },
  PRIORITY: { category: "d", subItem: "7.2.4 a" },
  HIGH_TECH_ANNUAL_REPORT: { category: "a", subItem: "7.2.1 a" },
  HIGH_TECH_RENEWAL: { category: "a", subItem: "7.2.1 a" },
  GBT_SURVEILLANCE: { category: "a", subItem: "7.2.1 a" },
  GBT_RENEWAL: { category: "a", subItem: "7.2.1 a" },
  TRADE_FAIR_CHECK: { category: "d", subItem: "7.2.4 b" },
  INSURANCE_RENEWAL: { category: "d", subItem: "7.2.4 c" },
};

export function createReminderActions(deps: { calendar: WorkingCalendar; desk: ServiceDesk }) {
  /** Carries out `action` on the reminder for `actor`; the reply text and the messages to queue. */
  async function act(tx: Tx, reminderId: string, action: ReminderAction, actor: DeskActor, now: Date, today: string): Promise<{ text: string; out: OutgoingMessage[] }> {
    const r = await store.reminderById(tx, reminderId);
    if (!r || !(await store.speaksForEnterprise(tx, actor.person.id, r.enterpriseId))) throw new ForbiddenError(reminderTexts.notYours);
    if (r.status !== "PENDING") return { text: reminderTexts.already, out: [] };
    const detail = JSON.parse(r.detailJson) as Record<string, unknown>;
    const label = `${r.asset?.title ?? ""} ${String(detail.label ?? r.kind)}`.trim();
    const audit = (what: string, extra: Record<string, unknown> = {}) => appendAudit(tx, { at: now, action: `ip_reminder.${what}`, subjectType: "Reminder", subjectId: r.id, actorId: actor.person.id, channel: actor.channel, detail: { kind: r.kind, dueDate: r.dueDate, ...extra } });
    if (action === "done") {
      if (!(await store.ackReminder(tx, r.id, actor.person.id, now))) return { text: reminderTexts.already, out: [] };
      // What 已处理 means for the asset: this year's annuity paid, the trademark renewed for 10 years.
      if (r.assetId && r.kind === "ANNUITY" && typeof detail.year === "number") await store.updateAsset(tx, r.assetId, { annuityPaidYear: detail.year });
      if (r.assetId && r.kind === "TM_RENEWAL" && typeof detail.nominalDate === "string") await store.updateAsset(tx, r.assetId, { expiryDate: addYears(String(detail.nominalDate), 10) });
      if (r.assetId) await syncAssetDeadlines(tx, r.assetId, { today, calendar: deps.calendar });
      await audit("done");
      return { text: reminderTexts.done(label), out: [] };
    }
    if (action === "snooze") {
      const end = r.graceEndDate && today > r.dueDate ? r.graceEndDate : r.dueDate;
      const until = addDays(today, SNOOZE_DAYS) < end ? addDays(today, SNOOZE_DAYS) : end;
      await store.snoozeReminder(tx, r.id, until);
      await audit("snoozed", { until });
      return { text: until === end ? reminderTexts.snoozeAtDeadline(until) : reminderTexts.snoozed(until), out: [] };
    }
    const studio = await store.operatingStudioOf(tx, r.enterpriseId);
    if (!studio) return { text: reminderTexts.noStudio, out: [] };
    const service = HELP_SERVICE[r.kind] ?? { category: "g", subItem: null };
    const description = `【知识产权风险提醒】${label}（${r.asset?.number ?? "无编号"}），期限 ${r.dueDate}${r.graceEndDate ? `，宽限期至 ${r.graceEndDate}` : ""}。请协助办理。`;
    const { request, out } = await deps.desk.create(tx, { studioId: studio.id, category: service.category, subItem: service.subItem, description }, actor);
    await audit("help", { requestId: request.id });
    // The desk's own confirmation to the requester says it; ours names the number only once.
    return { text: reminderTexts.help(requestNo(request.id)), out: out.filter((m) => !(m.personId === actor.person.id && m.message.kind === "text")) };
  }

  return { act };
}

export type ReminderActions = ReturnType<typeof createReminderActions>;
