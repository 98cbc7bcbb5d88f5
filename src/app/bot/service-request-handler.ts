import { SERVICE_ACTION_FLOW } from "../../../bot-flows/service-action.ts";
import { SERVICE_REQUEST_FLOW, subItemStep } from "../../../bot-flows/service-request.ts";
import type { InboundEvent } from "../../domain/chat.ts";
import { describeService, serviceCategory } from "../../domain/studio/service-catalogue.ts";
import type { CompletionHandler } from "../../flows/conversation-runner.ts";
import type { PrismaClient } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import { enqueue, type OutgoingMessage } from "../../storage/outbox.ts";
import { createServiceDesk, type DeskActor, type ServiceDesk } from "../service-requests/service-desk.ts";
import type { WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { CLOSE_WORD, MENU_SERVICE_KEYS, PROGRESS_WORD, requestNo, SERVICE_KEY_SET, SERVICE_KEYS, SERVICE_WORDS, STATUS_LABELS } from "../service-requests/service-texts.ts";
import type { BotContext } from "./bot-context.ts";
import { type Conversations, type Db } from "./conversations.ts";
import { refuseInChat } from "./refuse-in-chat.ts";

// Service requests in chat (clause 4, 7.1, 7.2): 申请服务 starts the request flow for the
// enterprise's manager; the owners' card buttons (受理 / 转派 / 登记进展 / 办结), “进展 …” and
// “办结 …” typed by the owner, and 我的服务 (the requester's requests; an owner's open ones with
// fresh cards). The intent router sends every such message here (isServiceMessage).

const norm = (t: string) => t.normalize("NFKC").trim().toLowerCase();
const words = (list: readonly string[]) => list.map(norm);

/** "进展 …" / "办结 …": the command word and the rest. */
function noteCommand(text: string): { action: "progress" | "close"; rest: string } | null {
  // Matched on the trimmed text as typed: the note keeps its own punctuation (NFKC would turn ， into ,).
  const t = text.trim();
  for (const [word, action] of [[PROGRESS_WORD, "progress"], [CLOSE_WORD, "close"]] as const) {
    if (t.startsWith(word)) {
      const rest = t.slice(word.length).replace(/^[\s:：,，]+/, "");
      if (t === word || rest.length > 0) return { action, rest };
    }
  }
  return null;
}

/** Whether the menu offers 申请服务: the person manages (or sits on the enterprise side of) a studio. */
export async function managesStudio(prisma: PrismaClient, person: PersonView): Promise<boolean> {
  const enterprises = person.roles.filter((r) => r.role === "ENTERPRISE_MANAGER" && r.enterpriseId).map((r) => r.enterpriseId!);
  if (enterprises.length > 0 && (await prisma.studio.count({ where: { enterpriseId: { in: enterprises } } })) > 0) return true;
  return (await prisma.studioMember.count({ where: { personId: person.id, side: "ENTERPRISE", leftAt: null } })) > 0;
}

/** Does this message belong to the service desk? (the intent router asks once per message) */
export function isServiceMessage(event: InboundEvent, activeFlowId?: string): boolean {
  if (event.kind === "button") return SERVICE_KEY_SET.has(event.key) || event.key === MENU_SERVICE_KEYS.request || event.key === MENU_SERVICE_KEYS.mine;
  if (event.kind !== "text") return false;
  const w = norm(event.text);
  // Mid-request, a need that starts with 进展/办结 is the need, not a command.
  return words(SERVICE_WORDS.request).includes(w) || words(SERVICE_WORDS.mine).includes(w) || (activeFlowId !== SERVICE_REQUEST_FLOW && noteCommand(event.text) !== null);
}

const actorOf = (ctx: BotContext): DeskActor => ({ person: ctx.person, channel: ctx.event.sender.channel, userId: ctx.event.sender.userId, actingAdmin: ctx.event.actingAdmin });

export function serviceRequestHandler(deps: { prisma: PrismaClient; desk: ServiceDesk; conversations: Conversations }) {
  const { prisma, desk } = deps;

  /** The OPERATING studio of the enterprise this person manages (or sits on the enterprise side of). */
  async function studioOf(personId: string) {
    const grants = await prisma.roleGrant.findMany({ where: { personId, role: "ENTERPRISE_MANAGER", revokedAt: null, enterpriseId: { not: null } }, select: { enterpriseId: true } });
    const members = await prisma.studioMember.findMany({ where: { personId, side: "ENTERPRISE", leftAt: null }, select: { studioId: true } });
    return prisma.studio.findFirst({ where: { OR: [{ enterpriseId: { in: grants.map((g) => g.enterpriseId!) } }, { id: { in: members.map((m) => m.studioId) } }] }, include: { enterprise: true }, orderBy: [{ status: "desc" }, { createdAt: "asc" }] });
  }

  async function startRequest(ctx: BotContext) {
    const studio = await studioOf(ctx.person.id);
    if (!studio) return refuseInChat(ctx, { action: "service.refused", reason: "no_studio", text: "“申请服务”面向已设立工作室的企业管理者。您所在的企业还没有工作室：回复“申请工作室”提出申请。" });
    if (studio.status !== "OPERATING") {
      return refuseInChat(ctx, { action: "service.refused", reason: "studio_not_operating", subject: { type: "Studio", id: studio.id }, text: `工作室 ${studio.number} 尚未正式运行（6.3 b 建设清单确认后即可申请服务）。` });
    }
    const prefill = studio.enterprise.industry ? { industry: studio.enterprise.industry } : undefined;
    await ctx.commit([], (tx) => deps.conversations.startConversation(tx, { personId: ctx.person.id, channel: ctx.event.sender.channel, userId: ctx.event.sender.userId, flowId: SERVICE_REQUEST_FLOW, context: { studioId: studio.id }, prefill, now: ctx.now }));
  }

  /** 我的服务: one's own requests with status and owner; what one holds (owner, or-sign, escalated) with fresh cards. */
  async function mine(ctx: BotContext) {
    const own = await prisma.serviceRequest.findMany({ where: { requestedById: ctx.person.id }, orderBy: { createdAt: "desc" }, take: 10 });
    const names = new Map((await prisma.person.findMany({ where: { id: { in: own.map((r) => r.ownerId).filter((x): x is string => !!x) } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]));
    const lines: string[] = [];
    if (own.length > 0) {
      lines.push("您的服务申请：");
      for (const r of own) lines.push(`· ${requestNo(r.id)} ${describeService(r.category, r.subItem)} — ${STATUS_LABELS[r.status] ?? r.status}，${r.ownerId ? `负责人 ${names.get(r.ownerId) ?? ""}` : "待服务机构人员受理"}${r.status === "CLOSED" && r.outcome ? `；结果：${r.outcome.slice(0, 60)}` : ""}`);
    }
    const open = await prisma.serviceRequest.findMany({ where: { status: { in: ["OPEN", "ACCEPTED"] } }, orderBy: { createdAt: "asc" }, take: 200 });
    const held: typeof open = [];
    for (const r of open) {
      if (r.status === "ACCEPTED" ? r.ownerId === ctx.person.id : (await desk.holders(prisma, r)).includes(ctx.person.id)) held.push(r);
    }
    if (held.length > 0) lines.push(`${lines.length ? "\n" : ""}等待您处理的服务申请 ${held.length} 件（卡片见下）：`, ...held.map((r) => `· ${requestNo(r.id)} ${describeService(r.category, r.subItem)} — ${STATUS_LABELS[r.status]}`));
    if (lines.length === 0) lines.push("您还没有服务申请，也没有等待您处理的服务申请。企业管理者可回复“申请服务”提出需求。");
    const me = { channel: ctx.event.sender.channel, userId: ctx.event.sender.userId };
    await ctx.commit([{ kind: "text", text: lines.join("\n") }], async (tx) => {
      const out: OutgoingMessage[] = [];
      for (const r of held) out.push(...(await desk.sendCards(tx, r, [ctx.person.id], r.status === "OPEN" ? "open" : "accepted", me)));
      return out;
    });
  }

  /** “进展 …” / “办结 …”: for the owner's one accepted request, or the one whose number leads the text. */
  async function typedNote(ctx: BotContext, cmd: { action: "progress" | "close"; rest: string }) {
    const owned = await desk.ownedOpen(prisma, ctx.person.id);
    const word = cmd.action === "progress" ? PROGRESS_WORD : CLOSE_WORD;
    if (owned.length === 0) return refuseInChat(ctx, { action: "service.refused", reason: "no_accepted_request", text: `您没有正在办理的服务申请。“${word}”由受理人登记；回复“我的服务”查看。` });
    const m = /^([0-9A-Za-z]{6})[\s:：,，]+(.*)$/s.exec(cmd.rest);
    const named = m ? owned.find((r) => requestNo(r.id) === m[1]!.toUpperCase()) : undefined;
    const req = named ?? (owned.length === 1 ? owned[0] : undefined);
    const note = named ? m![2]!.trim() : cmd.rest.trim();
    if (!req) return ctx.commit([{ kind: "text", text: `您有 ${owned.length} 件正在办理的服务申请，请注明编号，如“${word} ${requestNo(owned[0]!.id)} 内容”：\n${owned.map((r) => `· ${requestNo(r.id)} ${describeService(r.category, r.subItem)}`).join("\n")}` }]);
    if (note.length < 2) return ctx.commit([{ kind: "text", text: cmd.action === "progress" ? `请在“${PROGRESS_WORD}”后写明进展，如：${PROGRESS_WORD} 已完成专利检索。` : `请在“${CLOSE_WORD}”后写明办理结果，如：${CLOSE_WORD} 已出具风险排查报告。` }]);
    const actor = actorOf(ctx);
    await ctx.commit([{ kind: "text", text: cmd.action === "progress" ? `已登记进展，并已通知申请人（${requestNo(req.id)}）。` : `服务申请 ${requestNo(req.id)} 已办结，已通知申请人。` }], (tx) => (cmd.action === "progress" ? desk.progress(tx, req.id, note, actor) : desk.close(tx, req.id, note, actor)));
  }

  /** A card button: 受理 at once; 转派 / 登记进展 / 办结 ask for the rest in a short dialog. */
  async function onCard(ctx: BotContext, key: string, cardId: string | undefined) {
    const actor = actorOf(ctx);
    if (key === SERVICE_KEYS.accept) return ctx.commit([{ kind: "text", text: await desk.accept(actor, cardId) }]);
    const action = key === SERVICE_KEYS.transfer ? "transfer" : key === SERVICE_KEYS.progress ? "progress" : "close";
    const { req, refuse } = await desk.cardFor(actor, cardId, action);
    if (action === "transfer" && req.status !== "OPEN") return refuse("not_open", "该服务申请已受理，不能再转派。");
    if (action !== "transfer" && (req.status !== "ACCEPTED" || req.ownerId !== ctx.person.id)) return refuse("not_owner", "只有受理人可以登记进展或办结。");
    const members = action === "transfer" ? (await desk.transferCandidates(prisma, req.studioId)).filter((p) => p.id !== ctx.person.id).map((p) => ({ value: p.id.replace(/[^A-Za-z0-9_-]/g, "_"), label: p.name, id: p.id })) : [];
    if (action === "transfer" && members.length === 0) return ctx.commit([{ kind: "text", text: "本工作室没有其他可转派的成员。" }]);
    await ctx.commit([], (tx) =>
      deps.conversations.startConversation(tx, {
        personId: ctx.person.id,
        channel: ctx.event.sender.channel,
        userId: ctx.event.sender.userId,
        flowId: SERVICE_ACTION_FLOW,
        context: { requestId: req.id, cardId, memberIds: Object.fromEntries(members.map((m) => [m.value, m.id])), choices: { members: members.map(({ value, label }) => ({ value, label })) }, ...(ctx.event.actingAdmin ? { actingAdmin: ctx.event.actingAdmin } : {}) },
        prefill: { action },
        now: ctx.now,
      }),
    );
  }

  /** The one entry from the router. */
  return async function handle(ctx: BotContext): Promise<boolean> {
    const e = ctx.event;
    if (e.kind === "button") {
      if (e.key === MENU_SERVICE_KEYS.request) await startRequest(ctx);
      else if (e.key === MENU_SERVICE_KEYS.mine) await mine(ctx);
      else await onCard(ctx, e.key, e.cardId);
      return true;
    }
    if (e.kind !== "text") return false;
    const w = norm(e.text);
    if (words(SERVICE_WORDS.request).includes(w)) await startRequest(ctx);
    else if (words(SERVICE_WORDS.mine).includes(w)) await mine(ctx);
    else {
      const cmd = noteCommand(e.text);
      if (!cmd) return false;
      await typedNote(ctx, cmd);
    }
    return true;
  };
}

/** The request flow's completion: the request is created in the session's transaction. */
export function serviceRequestCompletion(desk: ServiceDesk): CompletionHandler<Db, PersonView> {
  return async (c) => {
    const studioId = String(c.context.studioId);
    const studio = await c.tx.studio.findUniqueOrThrow({ where: { id: studioId }, include: { enterprise: true } });
    // 7.2.3 b: the industry is asked once and kept on the enterprise.
    if (typeof c.answers.industry === "string" && !studio.enterprise.industry) await c.tx.enterprise.update({ where: { id: studio.enterpriseId }, data: { industry: c.answers.industry } });
    const me = { channel: c.sender.channel, userId: c.sender.userId, personId: c.person.id };
    if (c.answers.confirm !== true) return [{ ...me, message: { kind: "text", text: "好的，本次没有提交服务申请。需要时回复“申请服务”。" } }];
    const letter = String(c.answers.category);
    const cat = serviceCategory(letter);
    const sub = c.answers[subItemStep(letter)] ?? c.answers[subItemStep(letter, true)];
    const subItem = cat?.section && typeof sub === "string" ? `${cat.section.clause} ${sub}` : null;
    const media = typeof c.answers.attachment === "string" ? /^media:(image|file):(.+)$/.exec(c.answers.attachment) : null;
    const { out } = await desk.create(
      c.tx,
      { studioId, category: letter, subItem, description: String(c.answers.description ?? ""), attachment: media ? { channel: c.sender.channel, kind: media[1] as "image" | "file", mediaId: media[2]! } : null },
      { person: c.person, channel: c.sender.channel, userId: c.sender.userId, actingAdmin: typeof c.context.actingAdmin === "string" ? c.context.actingAdmin : undefined },
    );
    return out;
  };
}

/**
 * The owner's dialog completion (转派 / 进展 / 办结). Transfer claims the request in its own
 * transaction, so this runs after the session closed (afterCommit) and writes its own messages.
 */
export function serviceActionCompletion(deps: { prisma: PrismaClient; desk: ServiceDesk }): CompletionHandler<Db, PersonView> {
  return async (c) => {
    const actor: DeskActor = { person: c.person, channel: c.sender.channel, userId: c.sender.userId, actingAdmin: typeof c.context.actingAdmin === "string" ? c.context.actingAdmin : undefined };
    const requestId = String(c.context.requestId);
    const reply = (text: string): OutgoingMessage[] => [{ channel: c.sender.channel, userId: c.sender.userId, personId: c.person.id, message: { kind: "text", text } }];
    if (c.answers.action === "transfer") {
      const ids = (c.context.memberIds ?? {}) as Record<string, string>;
      return reply(await deps.desk.transfer(actor, String(c.context.cardId), ids[String(c.answers.to)] ?? ""));
    }
    const progress = c.answers.action === "progress";
    await deps.prisma.$transaction(async (tx) => {
      const out = progress ? await deps.desk.progress(tx, requestId, String(c.answers.note ?? ""), actor) : await deps.desk.close(tx, requestId, String(c.answers.outcome ?? ""), actor);
      await enqueue(tx, out, c.now);
    });
    return reply(progress ? `已登记进展，并已通知申请人（${requestNo(requestId)}）。` : `服务申请 ${requestNo(requestId)} 已办结，已通知申请人。`);
  };
}

/** The service desk and its two flows' completions on the runner (one call from createDomain). */
export function registerServiceDesk(deps: { prisma: PrismaClient; calendar: WorkingCalendar; timeZone: string; now: () => Date; newId: () => string; conversations: Conversations }): ServiceDesk {
  const desk = createServiceDesk(deps);
  deps.conversations.registerCompletion(SERVICE_REQUEST_FLOW, serviceRequestCompletion(desk));
  deps.conversations.registerCompletion(SERVICE_ACTION_FLOW, serviceActionCompletion({ prisma: deps.prisma, desk }), { afterCommit: true });
  return desk;
}
