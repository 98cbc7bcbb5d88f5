import type { WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { describeService, eligibility, serviceCategory, serviceSubItem } from "../../domain/studio/service-catalogue.ts";
import { acceptanceDue, dueEscalation } from "../../domain/studio/service-deadline.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import { enqueue, messagesTo, type OutgoingMessage } from "../../storage/outbox.ts";
import { finishCards, recordSentCard } from "../../storage/sent-cards.ts";
import { recipientsOfPeople, studioCityIpOfficers } from "../studios/studio-records.ts";
import { requestCard, requestNo, texts } from "./service-texts.ts";

// Service requests (clause 4 主动服务、有需必应; 7.1 a–g, 7.2): every request has an owner — the
// studio's agency staff by default (or-sign), or whom it was transferred to — and must be
// accepted within its working-hours deadline, else it goes up to the studio's city IP officer,
// then to ADMIN. Every card is bound to the request's version (round): acceptance is claimed
// once by a conditional update; old cards, foreign cards and late taps are refused and audited.

export const SUBJECT = "service-request";

export interface ServiceDeskDeps {
  prisma: PrismaClient;
  calendar: WorkingCalendar;
  timeZone: string;
  now: () => Date;
  newId: () => string;
}

/** Who acts from chat: the person and the channel identity the message came from. */
export interface DeskActor {
  person: { id: string; name: string };
  channel: string;
  userId: string;
  actingAdmin?: string;
}

export interface NewRequest {
  studioId: string;
  category: string;
  subItem: string | null;
  description: string;
  attachment?: { channel: string; mediaId: string; kind: "image" | "file" } | null;
}

export type RequestRow = NonNullable<Awaited<ReturnType<Tx["serviceRequest"]["findUnique"]>>>;

export function createServiceDesk(deps: ServiceDeskDeps) {
  const { prisma } = deps;

  async function audit(tx: Tx, action: string, requestId: string, actor: DeskActor | null, detail: Record<string, unknown>) {
    await appendAudit(tx, { at: deps.now(), action, subjectType: "ServiceRequest", subjectId: requestId, actorId: actor?.person.id ?? null, channel: actor?.channel ?? null, detail: { ...detail, ...(actor?.actingAdmin ? { actingAdmin: actor.actingAdmin } : {}) } });
  }

  async function log(tx: Tx, requestId: string, action: string, actor: DeskActor | null, extra: { note?: string | null; toPersonId?: string | null } = {}) {
    await tx.serviceLog.create({ data: { requestId, action, actorId: actor?.person.id ?? null, channel: actor?.channel ?? null, note: extra.note ?? null, toPersonId: extra.toPersonId ?? null, createdAt: deps.now() } });
  }

  /** The studio's agency staff on its roster: the default owners (or-sign). */
  async function agencyStaff(tx: Tx, studioId: string): Promise<string[]> {
    const rows = await tx.studioMember.findMany({ where: { studioId, side: "AGENCY", leftAt: null }, select: { personId: true } });
    return [...new Set(rows.map((r) => r.personId))];
  }

  async function admins(tx: Tx): Promise<string[]> {
    return [...new Set((await tx.roleGrant.findMany({ where: { role: "ADMIN", revokedAt: null }, select: { personId: true } })).map((g) => g.personId))];
  }

  /** Who may accept or transfer the request now: its owner(s), plus whoever it was escalated to. */
  async function holders(tx: Tx, req: RequestRow): Promise<string[]> {
    const owners = req.ownerId ? [req.ownerId] : await agencyStaff(tx, req.studioId);
    const up = req.escalationLevel >= 1 ? await studioCityIpOfficers(tx, req.studioId) : [];
    const top = req.escalationLevel >= 2 ? await admins(tx) : [];
    const all = [...new Set([...owners, ...up, ...top])];
    // No agency staff on the roster yet: the studio's city IP officer holds it from the start.
    return all.length > 0 ? all : studioCityIpOfficers(tx, req.studioId);
  }

  async function cardContext(tx: Tx, req: RequestRow) {
    const studio = await tx.studio.findUniqueOrThrow({ where: { id: req.studioId }, include: { enterprise: { select: { name: true } } } });
    const requester = await tx.person.findUnique({ where: { id: req.requestedById }, select: { name: true } });
    return { studioNumber: studio.number, enterpriseName: studio.enterprise.name, requester: requester?.name ?? "" };
  }

  /** Cards for the request's current round to `personIds` (every channel identity of each). */
  async function sendCards(tx: Tx, req: RequestRow, personIds: string[], stage: "open" | "accepted", only?: { channel: string; userId: string }): Promise<OutgoingMessage[]> {
    const ctx = await cardContext(tx, req);
    const out: OutgoingMessage[] = [];
    for (const r of await recipientsOfPeople(tx, personIds)) {
      if (only && (r.channel !== only.channel || r.userId !== only.userId)) continue;
      const cardId = `sr-${deps.newId()}`.slice(0, 64);
      await recordSentCard(tx, { id: cardId, channel: r.channel, externalUserId: r.userId, personId: r.personId, purpose: SUBJECT, subjectType: SUBJECT, subjectId: req.id, round: req.version, createdAt: deps.now() });
      out.push({ ...r, message: { kind: "card", card: requestCard({ cardId, req, ...ctx, stage, timeZone: deps.timeZone }) } });
    }
    return out;
  }

  /** The round's cards not yet final show `text` (updated where WeCom still allows, else a line of text). */
  function finalizeCards(tx: Tx, requestId: string, text: (c: { personId: string | null }) => string, exceptCardId?: string): Promise<OutgoingMessage[]> {
    return finishCards(tx, { type: SUBJECT, id: requestId }, deps.now(), text, (c, t) => (c.id !== exceptCardId ? { kind: "text", text: `【服务申请 ${requestNo(requestId)}】${t}` } : null));
  }

  const toRequester = async (tx: Tx, req: RequestRow, text: string) => messagesTo(await recipientsOfPeople(tx, [req.requestedById]), { kind: "text", text });

  /**
   * 7.1 / 7.2: the enterprise's side asks its OPERATING studio for a service. The sub-item must
   * belong to the service and be offered to the enterprise (7.2.3 b: its industry).
   */
  async function create(tx: Tx, input: NewRequest, actor: DeskActor): Promise<{ request: RequestRow; out: OutgoingMessage[] }> {
    const category = serviceCategory(input.category);
    if (!category) throw new ValidationError(`unknown service ${input.category}`);
    const item = input.subItem ? serviceSubItem(input.subItem) : undefined;
    if (input.subItem && (!item || item.category !== category.letter)) throw new ValidationError(`sub-item ${input.subItem} is not part of ${category.clause}`);
    if (!item && category.subItems.length > 0) throw new ValidationError(`${category.clause}: pick one of its 7.2 sub-items`);
    const description = input.description.trim();
    if (description.length < 2 || description.length > 2000) throw new ValidationError("description: 2–2000 characters");
    const studio = await tx.studio.findUnique({ where: { id: input.studioId }, include: { enterprise: true } });
    if (!studio) throw new NotFoundError("no such studio");
    await requireEnterpriseSide(tx, studio, actor.person.id);
    if (studio.status !== "OPERATING") throw new ConflictError(`工作室 ${studio.number} 尚未正式运行（6.3 b 建设确认后才能申请服务）。`);
    if (item && eligibility(item, studio.enterprise) !== "offered") throw new ForbiddenError(`${item.code} 只面向新一代信息技术和生物医药产业的企业。`);
    const now = deps.now();
    const { urgent, dueAt } = acceptanceDue(now, item?.code, deps.calendar, deps.timeZone);
    const request = await tx.serviceRequest.create({
      data: {
        studioId: studio.id, category: category.letter, subItem: item?.code ?? null, urgent, description, requestedById: actor.person.id, status: "OPEN", dueAt, createdAt: now,
        ...(input.attachment ? { attachmentChannel: input.attachment.channel, attachmentMediaId: input.attachment.mediaId, attachmentKind: input.attachment.kind } : {}),
      },
    });
    await log(tx, request.id, "created", actor);
    await audit(tx, "service.requested", request.id, actor, { studioId: studio.id, category: category.letter, subItem: item?.code ?? null, urgent, dueAt: dueAt.toISOString(), attachment: input.attachment ? input.attachment.kind : null });
    const out = await sendCards(tx, request, await holders(tx, request), "open");
    out.push(...messagesTo([{ channel: actor.channel as OutgoingMessage["channel"], userId: actor.userId, personId: actor.person.id }], { kind: "text", text: texts.created(requestNo(request.id), describeService(request.category, request.subItem), dueAt, urgent, deps.timeZone) }));
    return { request, out };
  }

  async function requireEnterpriseSide(tx: Tx, studio: { id: string; enterpriseId: string }, personId: string) {
    const member = await tx.studioMember.count({ where: { studioId: studio.id, personId, side: "ENTERPRISE", leftAt: null } });
    const manager = await tx.roleGrant.count({ where: { personId, role: "ENTERPRISE_MANAGER", enterpriseId: studio.enterpriseId, revokedAt: null } });
    if (!member && !manager) throw new ForbiddenError("只有工作室所在企业的管理者可以申请服务。");
  }

  /** The request a card was sent for, if the card is this actor's and of the request's current round. */
  async function cardFor(actor: DeskActor, cardId: string | undefined, key: string) {
    const card = cardId ? await prisma.sentCard.findUnique({ where: { id: cardId } }) : null;
    const req = card?.subjectType === SUBJECT && card.subjectId ? await prisma.serviceRequest.findUnique({ where: { id: card.subjectId } }) : null;
    const refuse = async (reason: string, message: string, Err: new (m: string) => Error = ForbiddenError): Promise<never> => {
      await prisma.$transaction((tx) => appendAudit(tx, { at: deps.now(), action: "service.refused", subjectType: req ? "ServiceRequest" : "SentCard", subjectId: req?.id ?? cardId ?? "none", actorId: actor.person.id, channel: actor.channel, detail: { reason, key, cardId: cardId ?? null, round: card?.round ?? null, ...(actor.actingAdmin ? { actingAdmin: actor.actingAdmin } : {}) } }));
      throw new Err(message);
    };
    if (!card || !req) return refuse(cardId ? "unknown_card" : "card_id_missing", "找不到这张服务卡片，请回复“我的服务”获取最新卡片。");
    if (card.personId !== actor.person.id) return refuse("card_not_addressed_to_actor", "这张服务卡片不是发给您的，不能操作。");
    if (card.channel !== actor.channel || card.externalUserId !== actor.userId) return refuse("card_sent_to_another_channel_identity", "这张服务卡片不是发给您当前使用的账号的，请在收到卡片的应用里操作。");
    if (card.round !== req.version) return refuse("stale_card", `${await stateLine(req)}这张卡片已失效，请回复“我的服务”获取最新卡片。`, ConflictError);
    return { card, req, refuse };
  }

  /** What happened to a request, for a late or stale tapper. */
  async function stateLine(req: RequestRow): Promise<string> {
    const fresh = await prisma.serviceRequest.findUniqueOrThrow({ where: { id: req.id } });
    const name = async (id: string | null) => (id ? ((await prisma.person.findUnique({ where: { id }, select: { name: true } }))?.name ?? "") : "");
    if (fresh.status === "ACCEPTED") return `该服务申请已由 ${await name(fresh.acceptedById)} 受理。`;
    if (fresh.status === "CLOSED") return `该服务申请已由 ${await name(fresh.closedById)} 办结。`;
    if (fresh.ownerId) return `该服务申请已转派给 ${await name(fresh.ownerId)}。`;
    return "该服务申请已更新。";
  }

  /** 受理 from a card: exactly once among everyone holding a card of the current round. */
  async function accept(actor: DeskActor, cardId: string | undefined): Promise<string> {
    const { card, req, refuse } = await cardFor(actor, cardId, "accept");
    if (req.status !== "OPEN") return refuse("already_accepted", `${await stateLine(req)}无需再受理。`, ConflictError);
    const done = await prisma.$transaction(async (tx) => {
      const claimed = await tx.serviceRequest.updateMany({ where: { id: req.id, status: "OPEN", version: card.round! }, data: { status: "ACCEPTED", ownerId: actor.person.id, acceptedAt: deps.now(), acceptedById: actor.person.id } });
      if (claimed.count !== 1) return false;
      const now = { ...req, status: "ACCEPTED", ownerId: actor.person.id };
      await log(tx, req.id, "accepted", actor);
      await audit(tx, "service.accepted", req.id, actor, { round: card.round, cardId: card.id, escalationLevel: req.escalationLevel, late: req.dueAt ? deps.now() > req.dueAt : false });
      const out = await finalizeCards(tx, req.id, (c) => (c.personId === actor.person.id ? "已受理" : `已由 ${actor.person.name} 受理`), card.id);
      out.push(...(await toRequester(tx, req, texts.acceptedToRequester(requestNo(req.id), describeService(req.category, req.subItem), actor.person.name))));
      out.push(...(await sendCards(tx, now, [actor.person.id], "accepted", actor)));
      await enqueue(tx, out, deps.now());
      return true;
    });
    if (!done) return refuse("already_accepted", `${await stateLine(req)}无需再受理。`, ConflictError);
    // The owner hears it once: as the reply to the tap (it was also queued here, so it came twice).
    return texts.acceptedToOwner(requestNo(req.id));
  }

  /** 转派 from an open card: the request goes to `toPersonId` (the studio's members), who must accept it. */
  async function transfer(actor: DeskActor, cardId: string | undefined, toPersonId: string): Promise<string> {
    const { card, req, refuse } = await cardFor(actor, cardId, "transfer");
    if (req.status !== "OPEN") return refuse("not_open", `${await stateLine(req)}不能再转派。`, ConflictError);
    const candidates = (await transferCandidates(prisma, req.studioId)).filter((c) => c.id !== actor.person.id);
    const to = candidates.find((c) => c.id === toPersonId);
    if (!to) return refuse("not_a_studio_member", "只能转派给本工作室的服务机构人员或市局知识产权科室成员。", ValidationError);
    const ok = await prisma.$transaction(async (tx) => {
      const moved = await tx.serviceRequest.updateMany({ where: { id: req.id, status: "OPEN", version: card.round! }, data: { ownerId: to.id, version: { increment: 1 } } });
      if (moved.count !== 1) return false;
      const fresh = await tx.serviceRequest.findUniqueOrThrow({ where: { id: req.id } });
      await log(tx, req.id, "transferred", actor, { toPersonId: to.id });
      await audit(tx, "service.transferred", req.id, actor, { round: card.round, toPersonId: to.id, cardId: card.id });
      const out = await finalizeCards(tx, req.id, () => `已由 ${actor.person.name} 转派给 ${to.name}`, card.id);
      out.push(...(await sendCards(tx, fresh, [to.id], "open")));
      out.push(...(await toRequester(tx, req, texts.transferredToRequester(requestNo(req.id), to.name))));
      await enqueue(tx, out, deps.now());
      return true;
    });
    if (!ok) return refuse("already_moved", `${await stateLine(req)}`, ConflictError);
    return texts.transferredToActor(requestNo(req.id), to.name);
  }

  /** Whom a request of this studio can be transferred to: its agency staff and its city IP members. */
  async function transferCandidates(db: Tx | PrismaClient, studioId: string): Promise<{ id: string; name: string }[]> {
    const ids = [...new Set([...(await agencyStaff(db as Tx, studioId)), ...(await studioCityIpOfficers(db as Tx, studioId))])];
    return db.person.findMany({ where: { id: { in: ids } }, select: { id: true, name: true }, orderBy: { name: "asc" } });
  }

  /** The owner's accepted requests (for 进展 / 办结 typed in chat). */
  function ownedOpen(db: Tx | PrismaClient, personId: string) {
    return db.serviceRequest.findMany({ where: { ownerId: personId, status: "ACCEPTED" }, orderBy: { createdAt: "asc" } });
  }

  async function ownedRequest(tx: Tx, requestId: string, actor: DeskActor): Promise<RequestRow> {
    const req = await tx.serviceRequest.findUnique({ where: { id: requestId } });
    if (!req) throw new NotFoundError("找不到这项服务申请。");
    if (req.ownerId !== actor.person.id) throw new ForbiddenError("只有受理人可以登记进展或办结。");
    if (req.status !== "ACCEPTED") throw new ConflictError(`服务申请 ${requestNo(req.id)} 当前${req.status === "CLOSED" ? "已办结" : "尚未受理"}，不能登记。`);
    return req;
  }

  /** The owner logs progress; the requester is told. */
  async function progress(tx: Tx, requestId: string, note: string, actor: DeskActor): Promise<OutgoingMessage[]> {
    const text = note.trim();
    if (text.length < 2 || text.length > 1000) throw new ValidationError("请填写进展内容（2–1000 个字）。");
    const req = await ownedRequest(tx, requestId, actor);
    await log(tx, req.id, "progress", actor, { note: text });
    await audit(tx, "service.progress", req.id, actor, { length: text.length });
    return toRequester(tx, req, texts.progressToRequester(requestNo(req.id), actor.person.name, text));
  }

  /** 办结 with an outcome note: CLOSED exactly once; the requester gets the outcome. */
  async function close(tx: Tx, requestId: string, outcome: string, actor: DeskActor): Promise<OutgoingMessage[]> {
    const text = outcome.trim();
    if (text.length < 2 || text.length > 2000) throw new ValidationError("请填写办理结果（2–2000 个字）。");
    const req = await ownedRequest(tx, requestId, actor);
    const r = await tx.serviceRequest.updateMany({ where: { id: req.id, status: "ACCEPTED", ownerId: actor.person.id }, data: { status: "CLOSED", outcome: text, closedAt: deps.now(), closedById: actor.person.id } });
    if (r.count !== 1) throw new ConflictError(`服务申请 ${requestNo(req.id)} 刚刚已办结。`);
    await log(tx, req.id, "closed", actor, { note: text });
    await audit(tx, "service.closed", req.id, actor, { length: text.length });
    const out = await finalizeCards(tx, req.id, () => "已办结");
    out.push(...(await toRequester(tx, req, texts.closedToRequester(requestNo(req.id), describeService(req.category, req.subItem), actor.person.name, text))));
    return out;
  }

  /**
   * Clause 4: one escalation step for a request past its due time, claimed by a conditional update
   * on (status, escalationLevel), so a re-run or a second instance sends nothing twice. The new
   * round's cards go to everyone who holds it now (owners and the level reached).
   */
  async function escalate(req: RequestRow, now: Date): Promise<number | null> {
    const step = dueEscalation(req, now, deps.calendar, deps.timeZone);
    if (!step) return null;
    return prisma.$transaction(async (tx) => {
      const r = await tx.serviceRequest.updateMany({ where: { id: req.id, status: "OPEN", escalationLevel: req.escalationLevel }, data: { escalationLevel: step.level, escalatedAt: now, dueAt: step.nextDueAt ?? req.dueAt, version: { increment: 1 } } });
      if (r.count !== 1) return null;
      const fresh = await tx.serviceRequest.findUniqueOrThrow({ where: { id: req.id } });
      await log(tx, req.id, "escalated", null, { note: step.to });
      await appendAudit(tx, { at: now, action: "service.escalated", subjectType: "ServiceRequest", subjectId: req.id, actorRole: "SYSTEM", detail: { level: step.level, to: step.to, dueAt: req.dueAt?.toISOString() ?? null, urgent: req.urgent } });
      const ctx = await cardContext(tx, fresh);
      const out = await finalizeCards(tx, req.id, () => "已超时升级，请以最新卡片为准");
      const targets = step.level === 1 ? await studioCityIpOfficers(tx, req.studioId) : await admins(tx);
      out.push(...messagesTo(await recipientsOfPeople(tx, targets), { kind: "text", text: texts.escalated(requestNo(req.id), describeService(req.category, req.subItem), `工作室 ${ctx.studioNumber}（${ctx.enterpriseName}）`, step.level) }));
      out.push(...(await sendCards(tx, fresh, await holders(tx, fresh), "open")));
      out.push(...(await toRequester(tx, req, texts.escalatedToRequester(requestNo(req.id)))));
      await enqueue(tx, out, now);
      return step.level;
    });
  }

  return { create, accept, transfer, transferCandidates, ownedOpen, progress, close, escalate, sendCards, holders, cardFor };
}

export type ServiceDesk = ReturnType<typeof createServiceDesk>;
