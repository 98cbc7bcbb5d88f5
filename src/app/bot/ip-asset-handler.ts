// The IP register in chat: 登记知识产权 starts the entry flow (bot-flows/ip-asset.ts) for an
// enterprise's manager, and 我的知识产权 lists the register with each asset's next deadline.
// Spreadsheets come in through the admin import (src/app/routes/ip-assets.ts): a WeCom self-built
// app's callbacks carry no file messages (text, image, voice, video, location and link only).
import { IP_ASSET_FLOW, IP_ASSET_START_WORDS } from "../../../bot-flows/ip-asset.ts";
import { businessDate, type WorkingCalendar } from "../../domain/calendar/working-days.ts";
import type { InboundEvent } from "../../domain/chat.ts";
import { ASSET_KIND_LABELS, ASSET_KINDS, type AssetKind } from "../../domain/ip/ip-types.ts";
import type { CompletionHandler } from "../../flows/conversation-runner.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { PrismaClient } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import { managedEnterprise, registerWithNextDeadlines } from "../../storage/ip-assets.ts";
import { buildAsset, columnOf, type AssetField } from "../ip/asset-fields.ts";
import { deadlineLabel, nextDeadlinesText, saveAsset } from "../ip/asset-register.ts";
import type { BotContext } from "./bot-context.ts";
import type { Conversations, Db } from "./conversations.ts";
import { refuseInChat } from "./refuse-in-chat.ts";

export const IP_LIST_WORDS = ["我的知识产权", "知识产权清单"];
const LIST_LINES = 20;
/** WeCom text messages hold 2048 bytes: a long list goes out in several. */
const MAX_MESSAGE_BYTES = 1800;
const utf8 = (s: string) => new TextEncoder().encode(s).length;

/** Lines packed into as few messages as fit the byte limit, never splitting a line. */
function packLines(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const last = out.at(-1);
    if (last !== undefined && utf8(`${last}\n${line}`) <= MAX_MESSAGE_BYTES) out[out.length - 1] = `${last}\n${line}`;
    else out.push(line);
  }
  return out;
}
const norm = (t: string) => t.normalize("NFKC").replace(/\s+/g, "").toLowerCase();
const START = new Set(IP_ASSET_START_WORDS.map(norm));
const LIST = new Set(IP_LIST_WORDS.map(norm));

/** Does this message belong to the register? (the intent router asks once per message) */
export function isIpMessage(event: InboundEvent): boolean {
  if (event.kind !== "text") return false;
  const w = norm(event.text);
  return START.has(w) || LIST.has(w);
}

const NOT_A_MANAGER = "知识产权登记面向企业管理者（已登记为企业管理者或工作室企业方成员）。如需开通，请联系工作室或市局知识产权科。";

export function ipAssetHandler(deps: { prisma: PrismaClient; conversations: Conversations }) {
  const { prisma } = deps;

  async function start(ctx: BotContext) {
    const enterprise = await managedEnterprise(prisma, ctx.person.id);
    if (!enterprise) return refuseInChat(ctx, { action: "ip_asset.refused", reason: "not_enterprise_manager", text: NOT_A_MANAGER });
    await ctx.commit([], (tx) => deps.conversations.startConversation(tx, { personId: ctx.person.id, channel: ctx.event.sender.channel, userId: ctx.event.sender.userId, flowId: IP_ASSET_FLOW, context: { enterpriseId: enterprise.id }, now: ctx.now }));
  }

  async function list(ctx: BotContext) {
    const enterprise = await managedEnterprise(prisma, ctx.person.id);
    if (!enterprise) return refuseInChat(ctx, { action: "ip_asset.refused", reason: "not_enterprise_manager", text: NOT_A_MANAGER });
    const { total, items } = await registerWithNextDeadlines(prisma, enterprise.id, LIST_LINES);
    if (total === 0) return ctx.commit([{ kind: "text", text: `${enterprise.name}还没有登记知识产权。回复“登记知识产权”逐项登记；批量登记请联系工作室用登记模板导入。` }]);
    const lines = items.map((a, i) => {
      const kind = ASSET_KIND_LABELS[a.kind as AssetKind] ?? a.kind;
      const next = a.next ? `下一期限 ${a.next.dueDate} ${deadlineLabel(a.next.kind, a.next.detailJson)}` : "暂无待办期限";
      return `${i + 1}. 【${kind}】${a.title.slice(0, 40)}${a.number ? `（${a.number}）` : a.startDate ? `（${a.startDate}）` : ""} — ${next}`;
    });
    const all = [`${enterprise.name}的知识产权（按期限先后）：`, ...lines, total > items.length ? `……共 ${total} 项，以上为前 ${items.length} 项` : `共 ${total} 项`];
    await ctx.commit(packLines(all).map((text) => ({ kind: "text" as const, text })));
  }

  return async function handle(ctx: BotContext): Promise<boolean> {
    const e = ctx.event;
    if (e.kind !== "text") return false;
    const w = norm(e.text);
    if (START.has(w)) await start(ctx);
    else if (LIST.has(w)) await list(ctx);
    else return false;
    return true;
  };
}

/** The entry flow's completion: the asset saved (or updated) in the session's transaction. */
export function ipAssetCompletion(deps: { timeZone: string; calendar: WorkingCalendar }): CompletionHandler<Db, PersonView> {
  return async (c) => {
    const reply = (text: string) => [{ channel: c.sender.channel, userId: c.sender.userId, personId: c.person.id, message: { kind: "text" as const, text } }];
    const kind = String(c.answers.kind) as AssetKind;
    if (!ASSET_KINDS.includes(kind)) return reply("没有选择类型，本次未登记。");
    // Step ids are `<group>_<field>` (bot-flows/ip-asset.ts).
    const raw: Partial<Record<AssetField, string | number | boolean | null>> = {};
    for (const [id, v] of Object.entries(c.answers)) {
      const m = /^[a-z]+_([A-Za-z]+)$/.exec(id);
      if (m && !Array.isArray(v)) raw[m[1] as AssetField] = v;
    }
    const today = businessDate(c.now, deps.timeZone);
    const built = buildAsset(kind, raw, today);
    if (!built.input) return reply(`未登记：${built.problems.map((p) => (p.field === "kind" || p.message.startsWith(columnOf(p.field).header) ? p.message : `${columnOf(p.field).header}：${p.message}`)).join("；")}。请回复“登记知识产权”重新填写。`);
    const enterpriseId = String(c.context.enterpriseId);
    const tx = c.tx as Parameters<typeof saveAsset>[0];
    const { outcome, assetId } = await saveAsset(tx, { enterpriseId, input: built.input, source: "chat", actorId: c.person.id, now: c.now, today, calendar: deps.calendar });
    if (outcome !== "unchanged") {
      await appendAudit(tx, { at: c.now, action: outcome === "imported" ? "ip_asset.created" : "ip_asset.updated", subjectType: "IpAsset", subjectId: assetId, actorId: c.person.id, channel: c.sender.channel, detail: { kind, source: "chat" } });
    }
    const what = `【${ASSET_KIND_LABELS[kind]}】${built.input.title}${built.input.number ? `（${built.input.number}）` : ""}`;
    const head = outcome === "imported" ? `已登记${what}。` : outcome === "updated" ? `${what}此前已登记，已按本次填写更新（同一编号不会重复登记）。` : `${what}此前已登记，内容相同，未作改动。`;
    const next = await nextDeadlinesText(tx, assetId);
    return reply([head, next, "回复“我的知识产权”查看全部。"].filter(Boolean).join("\n"));
  };
}
