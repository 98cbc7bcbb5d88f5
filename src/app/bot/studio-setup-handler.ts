// 6.3 b in chat: the manager's set-up checklist (bot-flows/studio-setup.ts) and the city IP
// officer's confirm card (确认 / 退回补充). Cards are bound to the studio and the round they were
// sent for (SentCard subjectType "studio-setup"), so an old card or a second tap decides nothing.
import { SETUP_RETURN_FLOW } from "../../../bot-flows/studio-setup-return.ts";
import { finishCards, recordSentCard } from "../../storage/sent-cards.ts";
import { STUDIO_SETUP_FLOW } from "../../../bot-flows/studio-setup.ts";
import { businessDate } from "../../domain/calendar/working-days.ts";
import type { ChannelName } from "../../domain/chat.ts";
import { ConflictError } from "../../domain/errors.ts";
import { SETUP_ITEM_INFO, SETUP_ITEMS, STUDIO_STATUS_LABELS, isSetupItem, type SetupItemCode, type StudioStatus } from "../../domain/studio/studio-setup.ts";
import type { CompletionHandler } from "../../flows/conversation-runner.ts";
import { mediaAnswer, parseMediaAnswer, type Answers } from "../../flows/flow-schema.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import type { OutgoingMessage } from "../../storage/outbox.ts";
import { confirmSetup, recordSetupItem, returnSetup, setupStatus, submitSetup } from "../studios/setup-checklist.ts";
import { findStudio, recipientsOfPeople, studioCityIpOfficers, studioManagers, type StudioRow } from "../studios/studio-records.ts";
import type { BotContext } from "./bot-context.ts";
import type { Conversations, Db } from "./conversations.ts";
import { refuseInChat } from "./refuse-in-chat.ts";
import { chatActor, reachOf } from "./studio-chat-common.ts";

export const SETUP_KEYS = { confirm: "ss:confirm", return: "ss:return" } as const;
export const SETUP_CARD_SUBJECT = "studio-setup";

type ItemRow = Awaited<ReturnType<typeof setupStatus>>["items"][number]["row"];

/** The flow's answers for recorded items (prefill after a return: only the returned ones are asked again). */
function answersOf(code: SetupItemCode, row: NonNullable<ItemRow>): Answers {
  const photo = row.photoMediaId ? mediaAnswer("image", row.photoMediaId) : null;
  if (code === "WORKPLACE") return { workplaceAddress: row.note ?? "", workplacePhoto: photo };
  return { [code === "EQUIPMENT" ? "equipment" : "sign"]: photo ?? row.note ?? "" };
}

/** One line per item for chat and cards: what was recorded, returned or is missing. */
export function itemLines(items: { code: SetupItemCode; row: ItemRow }[]): string[] {
  return items.map(({ code, row }) => {
    const label = SETUP_ITEM_INFO[code].label;
    if (!row?.completedAt) return `· ${label}：未登记`;
    const what = [row.note, row.photoMediaId ? "（已发送照片）" : null].filter(Boolean).join(" ");
    const returned = row.returnedAt ? `（已退回补充：${row.returnReason ?? ""}）` : row.confirmedAt ? "（已确认）" : "";
    return `· ${label}：${what}${returned}`;
  });
}

/** The checklist as the manager or an officer sees it (工作室建设 / 工作室情况). */
export async function setupStateText(tx: Tx, studio: StudioRow, timeZone: string): Promise<string> {
  const st = await setupStatus(tx, studio.id);
  const head = `建设情况（6.3 b）：${STUDIO_STATUS_LABELS[studio.status as StudioStatus] ?? studio.status}`;
  let state = "";
  if (studio.status === "OPERATING") state = studio.setupConfirmedAt ? `，已于 ${businessDate(studio.setupConfirmedAt, timeZone)} 确认` : "";
  else if (st.submitted) state = "，清单已提交，等待市局知识产权科室确认";
  else if (st.missing.length > 0) state = `，尚需登记：${st.missing.map((c) => SETUP_ITEM_INFO[c].short).join("、")}`;
  return [head + state, ...itemLines(st.items)].join("\n");
}

export interface SetupDeps {
  prisma: PrismaClient;
  conversations: () => Conversations;
  newId: () => string;
  timeZone: string;
}

/**
 * Starts the checklist for the studio's manager: items already recorded (and not returned) are
 * prefilled, so only the missing ones are asked. Nothing missing and not yet submitted: submits.
 */
export async function startSetupChecklist(tx: Tx, deps: SetupDeps, o: { studioId: string; personId: string; reach?: { channel: ChannelName; userId: string } | null; notice?: string; now: Date }): Promise<OutgoingMessage[]> {
  const st = await setupStatus(tx, o.studioId);
  if (st.studio.status !== "SETTING_UP" || st.submitted) return [];
  const reach = o.reach ?? (await reachOf(tx, o.personId));
  if (!reach) return [];
  const prefill: Answers = {};
  for (const { code, row } of st.items) if (row && !st.missing.includes(code)) Object.assign(prefill, answersOf(code, row));
  return deps.conversations().startConversation(tx, { personId: o.personId, channel: reach.channel, userId: reach.userId, flowId: STUDIO_SETUP_FLOW, context: { studioId: st.studio.id, items: st.missing }, prefill, notice: o.notice, now: o.now });
}

/** The confirm card (确认 / 退回补充) for each identity of the studio's city IP officers (or only `to`), bound to the round. */
export async function sendConfirmCards(tx: Tx, deps: Pick<SetupDeps, "newId">, studio: StudioRow, round: number, officerIds: string[], managerName: string, to?: { channel: ChannelName; userId: string; personId: string }[]): Promise<OutgoingMessage[]> {
  const st = await setupStatus(tx, studio.id);
  const enterprise = await tx.enterprise.findUnique({ where: { id: studio.enterpriseId }, select: { name: true } });
  const out: OutgoingMessage[] = [];
  for (const r of to ?? (await recipientsOfPeople(tx, officerIds))) {
    const cardId = `ss-${deps.newId()}`.slice(0, 64);
    await recordSentCard(tx, { id: cardId, channel: r.channel, externalUserId: r.userId, personId: r.personId, purpose: SETUP_CARD_SUBJECT, subjectType: SETUP_CARD_SUBJECT, subjectId: studio.id, round });
    const description = [`${enterprise?.name ?? ""} 工作室 ${studio.number} 的管理者 ${managerName} 提交了建设清单（第 ${round} 次），请核实：`, ...itemLines(st.items)].join("\n");
    out.push({ channel: r.channel, userId: r.userId, personId: r.personId, message: { kind: "card", card: { id: cardId, title: "工作室建设待确认（6.3 b）", description, buttons: [{ key: SETUP_KEYS.confirm, label: "确认", style: "primary" }, { key: SETUP_KEYS.return, label: "退回补充", style: "danger" }] } } });
  }
  return out;
}

/** 6.3 b: the checklist's answers are recorded and submitted; the city IP officers get the confirm card. */
export function setupCompletion(deps: SetupDeps): CompletionHandler<Db, PersonView> {
  return async (c) => {
    const tx = c.tx as Tx;
    const studioId = String(c.context.studioId);
    const actor = chatActor(c.person, c.sender.channel, "ENTERPRISE_MANAGER");
    const asked = Array.isArray(c.context.items) && c.context.items.length > 0 ? (c.context.items as string[]).filter(isSetupItem) : [...SETUP_ITEMS];
    for (const item of asked) {
      if (item === "WORKPLACE") {
        const photo = parseMediaAnswer(c.answers.workplacePhoto ?? null);
        await recordSetupItem(tx, { studio: studioId, item, note: String(c.answers.workplaceAddress ?? ""), photo: photo ? { channel: c.sender.channel, mediaId: photo.mediaId } : null }, actor, c.now);
      } else {
        const value = c.answers[item === "EQUIPMENT" ? "equipment" : "sign"] ?? null;
        const photo = parseMediaAnswer(value);
        await recordSetupItem(tx, { studio: studioId, item, note: photo ? null : String(value ?? ""), photo: photo ? { channel: c.sender.channel, mediaId: photo.mediaId } : null }, actor, c.now);
      }
    }
    const { studio, round, officerIds } = await submitSetup(tx, studioId, actor, c.now);
    const cards = await sendConfirmCards(tx, deps, studio, round, officerIds, c.person.name);
    const names = (await tx.person.findMany({ where: { id: { in: officerIds } }, select: { name: true } })).map((p) => p.name).join("、");
    const text = `建设清单已提交（第 ${round} 次），已请市局知识产权科室${names ? ` ${names} ` : ""}确认（6.3 b）。确认后工作室正式运行；发送“工作室建设”可随时查看。`;
    return [{ channel: c.sender.channel, userId: c.sender.userId, personId: c.person.id, message: { kind: "text", text } }, ...cards];
  };
}

/** Every open card of the studio's set-up shows the outcome (the tapper's "已确认", the others who decided). */
async function finalizeCards(tx: Tx, studioId: string, deciderCardId: string, done: string, others: string, now: Date): Promise<OutgoingMessage[]> {
  return finishCards(tx, { type: SETUP_CARD_SUBJECT, id: studioId }, now, (c) => (c.id === deciderCardId ? done : others), (c, t) => (c.id !== deciderCardId ? { kind: "text", text: `【建设清单已处理】${t}` } : null));
}

const stamp = (name: string, now: Date, timeZone: string) => `已由 ${name} 于 ${businessDate(now, timeZone).slice(5)}`;

/** 确认 / 退回补充 on a set-up card: only its recipient, from the identity it was sent to, for the current round. */
export function setupCardActions(deps: SetupDeps) {
  const refuse = (ctx: BotContext, reason: string, text: string, subject?: string, detail: Record<string, unknown> = {}) =>
    refuseInChat(ctx, { action: "studio_setup.refused", reason, text, subject: subject ? { type: "Studio", id: subject } : undefined, detail });

  /** Why the card cannot act now, or null. Audited by the caller. */
  async function check(ctx: BotContext) {
    const e = ctx.event as Extract<BotContext["event"], { kind: "button" }>;
    const card = e.cardId ? await deps.prisma.sentCard.findUnique({ where: { id: e.cardId } }) : null;
    if (!card || card.subjectType !== SETUP_CARD_SUBJECT || !card.subjectId || card.round === null) return { refused: ["unknown_card", "找不到这张建设清单确认卡片，请从最新的卡片操作，或发送“工作室情况”。"] as const };
    if (card.personId !== ctx.person.id || card.channel !== e.sender.channel || card.externalUserId !== e.sender.userId) return { refused: ["card_not_addressed_to_actor", "这张确认卡片不是发给您的，不能操作。"] as const, card };
    const studio = await findStudio(deps.prisma, card.subjectId);
    if (!studio) return { refused: ["unknown_studio", "找不到这个工作室。"] as const, card };
    const admin = ctx.person.roles.some((r) => r.role === "ADMIN");
    if (!admin && !(await studioCityIpOfficers(deps.prisma, studio.id)).includes(ctx.person.id)) return { refused: ["not_the_studios_city_ip_officer", "只有该工作室的市局知识产权科室人员可以确认建设情况。"] as const, card, studio };
    if (studio.status !== "SETTING_UP" || studio.setupRound !== card.round || !studio.setupSubmittedAt) {
      const why = studio.status !== "SETTING_UP" ? `工作室已确认运行，无需再操作。` : studio.setupRound !== card.round ? "建设清单已更新，请以最新的确认卡片为准。" : "建设清单已退回企业补充，尚未重新提交。";
      return { refused: ["stale_card", why] as const, card, studio };
    }
    return { card, studio };
  }

  return async function onTap(ctx: BotContext): Promise<void> {
    const e = ctx.event as Extract<BotContext["event"], { kind: "button" }>;
    const r = await check(ctx);
    if (r.refused) return refuse(ctx, r.refused[0], r.refused[1], r.card?.subjectId ?? undefined, { cardId: e.cardId?.slice(0, 128) ?? null, round: r.card?.round ?? null });
    const { card, studio } = r as { card: NonNullable<typeof r.card>; studio: StudioRow };
    if (e.key === SETUP_KEYS.return) {
      const choices = { items: SETUP_ITEMS.map((code) => ({ value: code, label: SETUP_ITEM_INFO[code].label })) };
      return ctx.commit([], (tx) => deps.conversations().startConversation(tx, { personId: ctx.person.id, channel: e.sender.channel, userId: e.sender.userId, flowId: SETUP_RETURN_FLOW, context: { cardId: card.id, studioId: studio.id, round: card.round, choices }, now: ctx.now }));
    }
    try {
      await ctx.commit([], async (tx) => {
        await confirmSetup(tx, { studio: studio.id, round: card.round! }, chatActor(ctx.person, e.sender.channel, "CITY_IP_OFFICER"), ctx.now, { name: ctx.person.name });
        const out = await finalizeCards(tx, studio.id, card.id, "已确认", `${stamp(ctx.person.name, ctx.now, deps.timeZone)} 确认`, ctx.now);
        out.push({ channel: e.sender.channel, userId: e.sender.userId, personId: ctx.person.id, message: { kind: "text", text: `已确认：工作室 ${studio.number} 建设情况符合 6.3 b，工作室正式运行，已通知管理者。` } });
        return out;
      });
    } catch (err) {
      // Lost a race with another officer's tap: say why, audited.
      if (!(err instanceof ConflictError)) throw err;
      return refuse(ctx, "stale_card", err.message, studio.id, { cardId: card.id, round: card.round });
    }
  };
}

/** 退回补充 with the reason: returnSetup, the cards show it, and the manager gets the checklist again for the returned items. */
export function setupReturnCompletion(deps: SetupDeps): CompletionHandler<Db, PersonView> {
  return async (c) => {
    const tx = c.tx as Tx;
    const studioId = String(c.context.studioId);
    const items = (Array.isArray(c.answers.items) ? c.answers.items : []).filter(isSetupItem);
    const reason = String(c.answers.reason ?? "");
    const studio = await returnSetup(tx, { studio: studioId, round: Number(c.context.round), reason, items }, chatActor(c.person, c.sender.channel, "CITY_IP_OFFICER"), c.now, { name: c.person.name });
    const out = await finalizeCards(tx, studioId, String(c.context.cardId), "已退回补充", `${stamp(c.person.name, c.now, deps.timeZone)} 退回补充`, c.now);
    for (const managerId of await studioManagers(tx, studioId)) {
      if (managerId === c.person.id) continue;
      out.push(...(await startSetupChecklist(tx, deps, { studioId, personId: managerId, notice: `请补充以下项目后重新提交（退回理由：${reason}）。`, now: c.now })));
      break; // one manager keeps the checklist
    }
    const returned = (items.length ? items : [...SETUP_ITEMS]).map((i) => SETUP_ITEM_INFO[i].short).join("、");
    out.push({ channel: c.sender.channel, userId: c.sender.userId, personId: c.person.id, message: { kind: "text", text: `已退回工作室 ${studio.number} 的建设清单，需补充：${returned}。企业补充后会收到新的确认卡片。` } });
    return out;
  };
}
