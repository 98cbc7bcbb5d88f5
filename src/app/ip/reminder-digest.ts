// The daily IP risk reminder pass: on working days 09:00–18:00 (quiet hours otherwise), every
// deadline with a milestone come due (found by its indexed nextRemindOn, in bounded batches) is
// gathered per enterprise manager into ONE digest a day — at most two messages, most urgent
// first. Idempotent by (deadline, milestone, recipient) and (recipient, day) in the database:
// reruns, overlapping runs and a second instance send nothing twice; after downtime only the
// latest milestone of each deadline goes out. Items unacknowledged 7 days before their deadline
// also go to the studio's agency staff, once.
import { businessDate, isWorkingHours, type WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { annuityLateFee } from "../../domain/ip/deadlines.ts";
import type { Deadline } from "../../domain/ip/ip-types.ts";
import { addDays, daysBetween } from "../../domain/ip/ip-dates.ts";
import { dueMilestone, nextRemindOn, type MilestoneInput } from "../../domain/ip/milestones.ts";
import type { Logger } from "../../log/logger.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { enqueue, enqueueMany, messagesTo, type OutgoingMessage } from "../../storage/outbox.ts";
import * as store from "../../storage/reminders.ts";
import { recordSentCard, recordSentCards, type SentCardRecord } from "../../storage/sent-cards.ts";
import { recipientsOfPeople } from "../studios/studio-records.ts";
import { digestCard, digestText, itemLine, reminderTexts, type DigestItem } from "./reminder-texts.ts";

export const ESCALATE_DAYS = 7;
/** People whose digests are written in one transaction. */
const DIGEST_GROUP = 100;

type PersonDigest = { personId: string; enterpriseId: string; items: { r: store.DueReminder; milestone: string }[] };

export interface ReminderDeps {
  prisma: PrismaClient;
  calendar: WorkingCalendar;
  timeZone: string;
  newId: () => string;
  logger?: Logger;
  /** Deadlines read per query (memory stays bounded by it and by what is due today). */
  batchSize?: number;
}

const inputOf = (r: store.DueReminder): MilestoneInput => {
  const detail = JSON.parse(r.detailJson) as { offsets?: string };
  const offsets = (detail.offsets ?? "90,30,7,1").split(",").filter(Boolean).map(Number);
  return { dueDate: r.dueDate, graceEndDate: r.graceEndDate, offsets, snoozedUntil: r.snoozedUntil };
};

/** Where the pass should look next: the next milestone, or the day it escalates if sooner. */
function lookAgainOn(r: store.DueReminder, today: string): string | null {
  const next = nextRemindOn(inputOf(r), today);
  const escalation = r.escalatedAt ? null : addDays(r.dueDate, -ESCALATE_DAYS);
  return escalation && escalation > today && (!next || escalation < next) ? escalation : next;
}

export function itemOf(r: store.DueReminder, today: string): DigestItem {
  const detail = JSON.parse(r.detailJson) as Record<string, unknown>;
  const late = r.graceEndDate && today > r.dueDate && r.kind === "ANNUITY" ? annuityLateFee({ kind: "ANNUITY", dueDate: r.dueDate, nominalDate: String(detail.nominalDate ?? r.dueDate), graceEndDate: r.graceEndDate, detail: detail as Deadline["detail"] } as Deadline, today).lateFeeYuan : null;
  return { reminderId: r.id, assetKind: r.asset?.kind ?? "", title: r.asset?.title ?? "", number: r.asset?.number ?? null, label: String(detail.label ?? r.kind), dueDate: r.dueDate, graceEndDate: r.graceEndDate, detail, lateFeeYuan: late };
}

export function createReminderDigest(deps: ReminderDeps) {
  const { prisma, calendar, timeZone } = deps;
  const batch = deps.batchSize ?? 500;

  async function run(now: Date): Promise<{ digests: number; items: number; escalated: number; lapsed: number }> {
    const result = { digests: 0, items: 0, escalated: 0, lapsed: 0 };
    if (!isWorkingHours(now, timeZone, calendar)) return result;
    const today = businessDate(now, timeZone);
    const managers = new Map<string, string[]>(); // enterprise → its managers
    const perPerson = new Map<string, { enterpriseId: string; items: { r: store.DueReminder; milestone: string }[] }>();
    const toEscalate: store.DueReminder[] = [];
    const seen: store.DueReminder[] = [];
    for (let cursor: string | null = null; ; ) {
      const rows = await store.dueReminders(prisma, today, cursor, batch);
      if (rows.length === 0) break;
      cursor = rows.at(-1)!.id;
      // The managers of the batch's enterprises: two queries a batch, not two per enterprise.
      const unknown = [...new Set(rows.map((r) => r.enterpriseId))].filter((id) => !managers.has(id));
      for (const [id, people] of await store.enterpriseManagersOf(prisma, unknown)) managers.set(id, people);
      for (const r of rows) {
        if (today > (r.graceEndDate ?? r.dueDate)) {
          await prisma.$transaction((tx) => store.setNextRemindOn(tx, r.id, null, "LAPSED"));
          result.lapsed++;
          continue;
        }
        seen.push(r);
        if (!r.escalatedAt && daysBetween(today, r.dueDate) <= ESCALATE_DAYS) toEscalate.push(r);
        for (const personId of managers.get(r.enterpriseId) ?? []) {
          const sent = new Set(r.deliveries.filter((d) => d.personId === personId).map((d) => d.milestone));
          const m = dueMilestone(inputOf(r), today, sent);
          if (!m) continue;
          const entry = perPerson.get(personId) ?? { enterpriseId: r.enterpriseId, items: [] };
          entry.items.push({ r, milestone: m.key });
          perPerson.set(personId, entry);
        }
      }
    }
    const digests = [...perPerson].map(([personId, { enterpriseId, items }]) => {
      // Most urgent first: past due (in grace) before upcoming, then by date.
      items.sort((a, b) => (a.r.dueDate < b.r.dueDate ? -1 : a.r.dueDate > b.r.dueDate ? 1 : 0));
      return { personId, enterpriseId, items };
    });
    for (let i = 0; i < digests.length; i += DIGEST_GROUP) {
      const sent = await sendDigests(digests.slice(i, i + DIGEST_GROUP), today, now);
      result.digests += sent.digests;
      result.items += sent.items;
    }
    result.escalated = await escalate(toEscalate, today, now);
    // Move each deadline on once everyone has its milestone (else the next run tries again):
    // deliveries read and dates written a batch at a time, not a query and a transaction per deadline.
    const escalating = new Set(toEscalate);
    for (let i = 0; i < seen.length; i += batch) {
      const part = seen.slice(i, i + batch);
      const delivered = await store.deliveriesOfMany(prisma, part.map((r) => r.id));
      const moves = new Map<string | null, string[]>();
      for (const r of part) {
        const mine = delivered.get(r.id) ?? [];
        const pending = (managers.get(r.enterpriseId) ?? []).some((p) => dueMilestone(inputOf(r), today, new Set(mine.filter((d) => d.personId === p).map((d) => d.milestone))));
        if (pending) continue;
        const next = lookAgainOn({ ...r, escalatedAt: r.escalatedAt ?? (escalating.has(r) ? now : null) }, today);
        const ids = moves.get(next) ?? [];
        moves.set(next, ids);
        ids.push(r.id);
      }
      for (const [next, ids] of moves) await store.setNextRemindOnMany(prisma, ids, next);
    }
    if (result.digests + result.escalated + result.lapsed > 0) deps.logger?.info(result, "IP risk reminders");
    return result;
  }

  /**
   * A group of people's digests in one transaction of a few statements (not ten per person: a
   * million-asset register has ~20k digests on a Monday). A group colliding with another
   * instance's pass is written again person by person, where each lost race is a duplicate.
   */
  async function sendDigests(group: PersonDigest[], today: string, now: Date): Promise<{ digests: number; items: number }> {
    try {
      return await writeDigests(group, today, now);
    } catch (err) {
      if ((err as { code?: string }).code !== "P2002") throw err;
      const out = { digests: 0, items: 0 };
      for (const p of group) {
        if (!(await sendDigest(p.personId, p.enterpriseId, p.items, today, now))) continue;
        out.digests++;
        out.items += p.items.length;
      }
      return out;
    }
  }

  async function writeDigests(group: PersonDigest[], today: string, now: Date): Promise<{ digests: number; items: number }> {
    return prisma.$transaction(async (tx) => {
      const already = await store.digestsSent(tx, group.map((p) => p.personId), today);
      const fresh = group.filter((p) => !already.has(p.personId));
      if (fresh.length === 0) return { digests: 0, items: 0 };
      const names = await store.enterpriseNames(tx, [...new Set(fresh.map((p) => p.enterpriseId))]);
      const reach = await store.recipientsOfMany(tx, fresh.map((p) => p.personId));
      const digests: Parameters<typeof store.recordDigests>[1] = [];
      const deliveries: Parameters<typeof store.recordDigests>[2] = [];
      const cards: SentCardRecord[] = [];
      const out: OutgoingMessage[] = [];
      for (const { personId, enterpriseId, items } of fresh) {
        const digestItems = items.map(({ r }) => itemOf(r, today));
        const digestId = deps.newId();
        digests.push({ id: digestId, personId, sentOn: today, items: digestItems.map((i) => i.reminderId) });
        for (const { r, milestone } of items) deliveries.push({ reminderId: r.id, personId, milestone, sentOn: today, digestId });
        for (const to of reach.get(personId) ?? []) {
          const cardId = `ipr-${deps.newId()}`.slice(0, 64);
          cards.push({ id: cardId, channel: to.channel, externalUserId: to.userId, personId, purpose: "ip-digest", subjectType: "reminder-digest", subjectId: digestId, createdAt: now });
          out.push({ ...to, message: { kind: "text", text: digestText(digestItems, today, names.get(enterpriseId) ?? "") } });
          out.push({ ...to, message: { kind: "card", card: digestCard(cardId, digestItems) } });
        }
      }
      await store.recordDigests(tx, digests, deliveries);
      await recordSentCards(tx, cards);
      await enqueueMany(tx, out, now);
      return { digests: fresh.length, items: fresh.reduce((n, p) => n + p.items.length, 0) };
    });
  }

  async function sendDigest(personId: string, enterpriseId: string, items: { r: store.DueReminder; milestone: string }[], today: string, now: Date): Promise<boolean> {
    try {
      return await writeDigest(personId, enterpriseId, items, today, now);
    } catch (err) {
      // Another instance's pass wrote this person's digest (or a delivery) at the same moment.
      if ((err as { code?: string }).code === "P2002") return false;
      throw err;
    }
  }

  async function writeDigest(personId: string, enterpriseId: string, items: { r: store.DueReminder; milestone: string }[], today: string, now: Date): Promise<boolean> {
    const digestItems = items.map(({ r }) => itemOf(r, today));
    return prisma.$transaction(async (tx) => {
      const digestId = deps.newId();
      if (!(await store.claimDigest(tx, { id: digestId, personId, sentOn: today, items: digestItems.map((i) => i.reminderId) }))) return false;
      for (const { r, milestone } of items) await store.recordDelivery(tx, { reminderId: r.id, personId, milestone, sentOn: today, digestId });
      const name = await store.enterpriseName(tx, enterpriseId);
      const out: OutgoingMessage[] = [];
      for (const to of await recipientsOfPeople(tx, [personId])) {
        const cardId = `ipr-${deps.newId()}`.slice(0, 64);
        await recordSentCard(tx, { id: cardId, channel: to.channel, externalUserId: to.userId, personId, purpose: "ip-digest", subjectType: "reminder-digest", subjectId: digestId, createdAt: now });
        out.push({ ...to, message: { kind: "text", text: digestText(digestItems, today, name) } });
        out.push({ ...to, message: { kind: "card", card: digestCard(cardId, digestItems) } });
      }
      await enqueue(tx, out, now);
      return true;
    });
  }

  /** 7 days before the deadline and still not 已处理: the studio's agency staff hear of it once. */
  async function escalate(rows: store.DueReminder[], today: string, now: Date): Promise<number> {
    const byEnterprise = new Map<string, store.DueReminder[]>();
    for (const r of rows) byEnterprise.set(r.enterpriseId, [...(byEnterprise.get(r.enterpriseId) ?? []), r]);
    const staffOf = new Map<string, string[]>();
    const ids = [...byEnterprise.keys()];
    for (let i = 0; i < ids.length; i += batch) for (const [id, staff] of await store.enterpriseAgencyStaffOf(prisma, ids.slice(i, i + batch))) staffOf.set(id, staff);
    let n = 0;
    for (const [enterpriseId, list] of byEnterprise) {
      const staff = staffOf.get(enterpriseId) ?? [];
      if (staff.length === 0) continue;
      await prisma.$transaction(async (tx) => {
        const claimed: store.DueReminder[] = [];
        for (const r of list) if (await store.claimEscalation(tx, r.id, now)) claimed.push(r);
        if (claimed.length === 0) return;
        const name = await store.enterpriseName(tx, enterpriseId);
        const lines = claimed.map((r, i) => itemLine(i + 1, itemOf(r, today), today));
        await enqueue(tx, messagesTo(await recipientsOfPeople(tx, staff), { kind: "text", text: reminderTexts.agency(name, lines) }), now);
        n += claimed.length;
      });
    }
    return n;
  }

  return { run };
}

export type ReminderDigest = ReturnType<typeof createReminderDigest>;
