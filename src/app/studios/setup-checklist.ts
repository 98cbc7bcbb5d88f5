import { businessDate } from "../../domain/calendar/working-days.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { isSetupItem, SETUP_ITEMS, setupItemsMissing, type SetupItemCode } from "../../domain/studio/studio-setup.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { Tx } from "../../storage/database.ts";
import { enqueue, messagesTo } from "../../storage/outbox.ts";
import { findStudio, recipientsOfPeople, studioCityIpOfficers, studioManagers, type StudioActor, type StudioRow } from "./studio-records.ts";
import { setupConfirmedText, setupReturnedText } from "./studio-texts.ts";

// The set-up checklist (6.3 b): the manager records the workplace, the equipment and the sign
// (a note or a photo); submits; the studio's city IP officer confirms (→ OPERATING) or returns
// it with a reason. Confirm and return take the round the card was sent for and win by a
// conditional update, so a double tap or an old card records nothing twice.

export interface SetupPhoto {
  channel: string;
  mediaId: string;
  /** The fetched file's storage key, when already fetched. */
  key?: string | null;
}

const ADMIN_API = "admin-api";

async function isAdmin(tx: Tx, actor: StudioActor): Promise<boolean> {
  if (actor.personId === null) return actor.channel === ADMIN_API && actor.role === "ADMIN";
  return (await tx.roleGrant.count({ where: { personId: actor.personId, role: "ADMIN", revokedAt: null } })) > 0;
}

async function settingUp(tx: Tx, idOrNumber: string): Promise<StudioRow> {
  const studio = await findStudio(tx, idOrNumber);
  if (!studio) throw new NotFoundError("no such studio");
  if (studio.status !== "SETTING_UP") throw new ConflictError(`studio ${studio.number} is ${studio.status}, not being set up`);
  return studio;
}

/** The studio's enterprise members (its manager first of all) keep the checklist. */
async function requireEnterpriseSide(tx: Tx, studio: StudioRow, actor: StudioActor): Promise<void> {
  if (await isAdmin(tx, actor)) return;
  const member = actor.personId && (await tx.studioMember.count({ where: { studioId: studio.id, personId: actor.personId, side: "ENTERPRISE", leftAt: null } }));
  if (!member) throw new ForbiddenError("only the studio's enterprise members keep its set-up checklist");
}

/** Only the studio's city IP officer (or ADMIN) confirms or returns (6.3 b). */
async function requireCityIp(tx: Tx, studio: StudioRow, actor: StudioActor): Promise<void> {
  if (await isAdmin(tx, actor)) return;
  if (!actor.personId || !(await studioCityIpOfficers(tx, studio.id)).includes(actor.personId)) throw new ForbiddenError("only the studio's city IP officer confirms its set-up");
}

const enterpriseName = async (tx: Tx, studio: StudioRow) => (await tx.enterprise.findUnique({ where: { id: studio.enterpriseId }, select: { name: true } }))?.name ?? "";

/** The checklist as it stands: each item's row (or null) and what is still to record. */
export async function setupStatus(tx: Tx, idOrNumber: string) {
  const studio = await findStudio(tx, idOrNumber);
  if (!studio) throw new NotFoundError("no such studio");
  const rows = await tx.studioSetupItem.findMany({ where: { studioId: studio.id } });
  return { studio, items: SETUP_ITEMS.map((code) => ({ code, row: rows.find((r) => r.item === code) ?? null })), missing: setupItemsMissing(rows), submitted: studio.setupSubmittedAt !== null };
}

/**
 * Records one item with a note and/or a photo. A change after submission withdraws it (the
 * round moves on, so cards already sent for confirmation are stale).
 */
export async function recordSetupItem(tx: Tx, input: { studio: string; item: SetupItemCode; note?: string | null; photo?: SetupPhoto | null }, actor: StudioActor, now: Date) {
  if (!isSetupItem(input.item)) throw new ValidationError(`item must be one of ${SETUP_ITEMS.join(", ")}`);
  const note = input.note?.trim() || null;
  if (!note && !input.photo) throw new ValidationError("a note or a photo is needed");
  if (note && note.length > 500) throw new ValidationError("note: at most 500 characters");
  const studio = await settingUp(tx, input.studio);
  await requireEnterpriseSide(tx, studio, actor);
  const data = { note, photoChannel: input.photo?.channel ?? null, photoMediaId: input.photo?.mediaId ?? null, photoKey: input.photo?.key ?? null, completedAt: now, recordedById: actor.personId, returnedAt: null, returnedById: null, returnReason: null, confirmedAt: null, confirmedById: null };
  const row = await tx.studioSetupItem.upsert({ where: { studioId_item: { studioId: studio.id, item: input.item } }, create: { studioId: studio.id, item: input.item, ...data }, update: data });
  if (studio.setupSubmittedAt) await tx.studio.update({ where: { id: studio.id }, data: { setupSubmittedAt: null, setupRound: { increment: 1 } } });
  await appendAudit(tx, { at: now, action: "studio.setup_item_recorded", subjectType: "Studio", subjectId: studio.id, actorId: actor.personId, actorRole: actor.role ?? null, channel: actor.channel, detail: { item: input.item, note: note !== null, photo: input.photo ? { channel: input.photo.channel } : null, withdrewSubmission: studio.setupSubmittedAt !== null } });
  return row;
}

/** The fetched photo's storage key, once the media was downloaded (only for the same media id). */
export async function attachSetupPhotoKey(tx: Tx, input: { studioId: string; item: SetupItemCode; mediaId: string; key: string }): Promise<boolean> {
  const r = await tx.studioSetupItem.updateMany({ where: { studioId: input.studioId, item: input.item, photoMediaId: input.mediaId }, data: { photoKey: input.key } });
  return r.count === 1;
}

/**
 * Submits the checklist for confirmation: every item recorded and none returned. Returns the new
 * round (bind the confirm cards to it) and the city IP officers to send them to.
 */
export async function submitSetup(tx: Tx, idOrNumber: string, actor: StudioActor, now: Date): Promise<{ studio: StudioRow; round: number; officerIds: string[] }> {
  const studio = await settingUp(tx, idOrNumber);
  await requireEnterpriseSide(tx, studio, actor);
  const missing = setupItemsMissing(await tx.studioSetupItem.findMany({ where: { studioId: studio.id } }));
  if (missing.length > 0) throw new ConflictError(`set-up items still to record: ${missing.join(", ")}`, { missing });
  const round = studio.setupRound + 1;
  const r = await tx.studio.updateMany({ where: { id: studio.id, status: "SETTING_UP", setupRound: studio.setupRound }, data: { setupRound: round, setupSubmittedAt: now } });
  if (r.count !== 1) throw new ConflictError("the checklist changed meanwhile; try again");
  await appendAudit(tx, { at: now, action: "studio.setup_submitted", subjectType: "Studio", subjectId: studio.id, actorId: actor.personId, actorRole: actor.role ?? null, channel: actor.channel, detail: { round } });
  return { studio: { ...studio, setupRound: round, setupSubmittedAt: now }, round, officerIds: await studioCityIpOfficers(tx, studio.id) };
}

/** Why a confirm/return for `round` cannot apply now (it lost a race, or the card is old). */
async function staleReason(tx: Tx, studioId: string, round: number): Promise<string> {
  const s = await tx.studio.findUniqueOrThrow({ where: { id: studioId } });
  if (s.status !== "SETTING_UP") return `已确认：工作室已于 ${s.setupConfirmedAt ? businessDate(s.setupConfirmedAt) : "此前"} 正式运行`;
  if (s.setupRound !== round) return "建设清单已更新，请以最新的确认卡片为准";
  return "建设清单已退回企业补充，尚未重新提交";
}

/** 6.3 b confirmed: the studio becomes OPERATING; the manager is told. */
export async function confirmSetup(tx: Tx, input: { studio: string; round: number }, actor: StudioActor, now: Date, by: { name: string }): Promise<StudioRow> {
  const studio = await findStudio(tx, input.studio);
  if (!studio) throw new NotFoundError("no such studio");
  await requireCityIp(tx, studio, actor);
  const r = await tx.studio.updateMany({ where: { id: studio.id, status: "SETTING_UP", setupRound: input.round, setupSubmittedAt: { not: null } }, data: { status: "OPERATING", setupConfirmedAt: now, setupConfirmedById: actor.personId } });
  if (r.count !== 1) throw new ConflictError(await staleReason(tx, studio.id, input.round));
  await tx.studioSetupItem.updateMany({ where: { studioId: studio.id }, data: { confirmedAt: now, confirmedById: actor.personId } });
  await appendAudit(tx, { at: now, action: "studio.setup_confirmed", subjectType: "Studio", subjectId: studio.id, actorId: actor.personId, actorRole: actor.role ?? null, channel: actor.channel, detail: { round: input.round } });
  const to = await recipientsOfPeople(tx, await studioManagers(tx, studio.id));
  await enqueue(tx, messagesTo(to, { kind: "text", text: setupConfirmedText({ number: studio.number, enterpriseName: await enterpriseName(tx, studio) }, by.name) }), now);
  return tx.studio.findUniqueOrThrow({ where: { id: studio.id } });
}

/** 退回补充: the named items (default: all) go back to the manager with the reason. */
export async function returnSetup(tx: Tx, input: { studio: string; round: number; reason: string; items?: SetupItemCode[] }, actor: StudioActor, now: Date, by: { name: string }): Promise<StudioRow> {
  const reason = input.reason.trim();
  if (reason.length < 2 || reason.length > 500) throw new ValidationError("reason: 2–500 characters");
  const items = input.items?.length ? input.items : [...SETUP_ITEMS];
  for (const i of items) if (!isSetupItem(i)) throw new ValidationError(`item must be one of ${SETUP_ITEMS.join(", ")}`);
  const studio = await findStudio(tx, input.studio);
  if (!studio) throw new NotFoundError("no such studio");
  await requireCityIp(tx, studio, actor);
  const r = await tx.studio.updateMany({ where: { id: studio.id, status: "SETTING_UP", setupRound: input.round, setupSubmittedAt: { not: null } }, data: { setupSubmittedAt: null } });
  if (r.count !== 1) throw new ConflictError(await staleReason(tx, studio.id, input.round));
  await tx.studioSetupItem.updateMany({ where: { studioId: studio.id, item: { in: items } }, data: { returnedAt: now, returnedById: actor.personId, returnReason: reason } });
  await appendAudit(tx, { at: now, action: "studio.setup_returned", subjectType: "Studio", subjectId: studio.id, actorId: actor.personId, actorRole: actor.role ?? null, channel: actor.channel, detail: { round: input.round, reason, items } });
  const to = await recipientsOfPeople(tx, await studioManagers(tx, studio.id));
  await enqueue(tx, messagesTo(to, { kind: "text", text: setupReturnedText({ number: studio.number, enterpriseName: await enterpriseName(tx, studio) }, by.name, reason, items) }), now);
  return tx.studio.findUniqueOrThrow({ where: { id: studio.id } });
}
