// 申请工作室 with nothing in progress (6.2): known facts are not asked again. When an admin
// registered the person as an enterprise's manager, the enterprise's name, credit code, address,
// town and head (A.1) are filled in and confirmed in one step (是 / 改…); an application the person
// withdrew after a return starts again from its answers (straight to the summary).
import type { Card, CardButton, OutboundMessage } from "../../domain/chat.ts";
import { buttonRoom } from "../../flows/render.ts";
import { KEY } from "../../flows/commands.ts";
import type { Answers } from "../../flows/flow-schema.ts";
import { SUMMARY_KEY } from "../../flows/summary-cards.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { activeTowns } from "../../storage/directory.ts";
import { knownEnterprise, type KnownEnterprise } from "../../storage/head-confirmations.ts";
import { APPLICATION_FLOW } from "./application-handler.ts";
import type { BotContext } from "./bot-context.ts";
import type { Conversations } from "./conversations.ts";

/** The A.1 answers the directory knows; a field it does not know is asked as usual. */
export function knownAnswers(k: KnownEnterprise): Answers {
  const a: Answers = { enterpriseName: k.enterpriseName };
  if (k.uscc) a.uscc = k.uscc;
  if (k.registeredAddress) a.registeredAddress = k.registeredAddress;
  if (k.townId) a.townId = k.townId;
  if (k.head) {
    a.headName = k.head.name;
    if (k.head.title) a.headTitle = k.head.title;
    if (k.head.mobile && /^1[3-9]\d{9}$/.test(k.head.mobile)) a.headMobile = k.head.mobile;
  }
  return a;
}

const FIELDS: [stepId: string, label: string][] = [
  ["enterpriseName", "企业名称"],
  ["uscc", "信用代码"],
  ["registeredAddress", "注册地址"],
  ["townId", "所属镇街"],
  ["headName", "负责人"],
];

function factLines(a: Answers, townName: (id: string) => string): { label: string; value: string }[] {
  const head = [a.headName, a.headTitle, a.headMobile].filter(Boolean).join(" ");
  return FIELDS.filter(([id]) => a[id] !== undefined).map(([id, label]) => ({ label, value: id === "townId" ? townName(String(a[id])) : id === "headName" ? head : String(a[id]) }));
}

function knownFactsCard(cardId: string, a: Answers, room: number, townName: (id: string) => string): Card {
  const edits = FIELDS.filter(([id]) => a[id] !== undefined && id !== "headName").map(([id, label]): CardButton => ({ key: SUMMARY_KEY.field(id), label: `改${label}` }));
  return {
    id: cardId,
    title: "已从企业名录填好以下信息，对吗？",
    description: "无误请点“是”，接着填其余问题；负责人等信息也可在最后核对时修改。",
    facts: factLines(a, townName),
    buttons: [{ key: KEY.resume, label: "是", style: "primary" } as CardButton, ...edits].slice(0, room),
  };
}

export function applicationStarter(deps: { prisma: PrismaClient; conversations: () => Conversations; newId: () => string }) {
  return async (ctx: BotContext): Promise<void> => {
    const conversations = deps.conversations();
    const known = await knownEnterprise(deps.prisma, ctx.person.id);
    const e = ctx.event;
    const base = { personId: ctx.person.id, channel: e.sender.channel, userId: e.sender.userId, flowId: APPLICATION_FLOW, now: ctx.now };
    if (known?.withdrawnAnswers) {
      const notice = "已载入您撤回的申请内容（含退回时的修改），请核对，修改后即可重新提交。";
      return ctx.commit([], (tx) => conversations.startConversation(tx, { ...base, prefill: known.withdrawnAnswers as Answers, notice }));
    }
    if (!known) return ctx.commit([], (tx) => conversations.startConversation(tx, base));
    const prefill = knownAnswers(known);
    const towns = new Map((await activeTowns(deps.prisma)).map((t) => [t.id, t.name]));
    const townName = (id: string) => towns.get(id) ?? id;
    const room = buttonRoom(ctx);
    if (room < 2) {
      // No cards: the facts in front of the first question; "修改 企业名称" changes one.
      const lines = factLines(prefill, townName).map((f) => `${f.label}：${f.value}`);
      const notice = ["已从企业名录为您填好：", ...lines, "如有不对，可随时回复“修改 企业名称”等，或在最后核对时修改。"].join("\n");
      return ctx.commit([], (tx) => conversations.startConversation(tx, { ...base, prefill, notice }));
    }
    // One step: the facts card (是 / 改…) instead of the first question, which 是 then asks.
    const card: OutboundMessage = { kind: "card", card: knownFactsCard(`${APPLICATION_FLOW}-known-${deps.newId()}`, prefill, room, townName) };
    await ctx.commit([], (tx) => conversations.startConversation(tx, { ...base, prefill, opening: [card] }));
  };
}
