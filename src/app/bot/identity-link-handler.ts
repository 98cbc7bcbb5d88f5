// 绑定 (issue 15, identity across channels): "绑定" on one channel answers with a one-time code;
// "绑定 <code>" sent from another channel (typed, or Telegram's /start deep link) asks that account
// to confirm, and 确认绑定 links it to the same person. Roles belong to the person; a card's
// buttons still work only from the identity the card was sent to (bot.ts).
import { channelModule, SIMULATOR_CHANNEL } from "../../channels/registry.ts";
import type { ChannelAdapter } from "../../channels/channel.ts";
import type { OutboundMessage } from "../../domain/chat.ts";
import { cancelLinkClaim, claimLinkCode, confirmLink, issueLinkCode, LINK_CODE_TTL_MS } from "../../storage/link-codes.ts";
import { buttonRoom } from "../../flows/render.ts";
import { recordSentCard } from "../../storage/sent-cards.ts";
import type { BotContext } from "./bot-context.ts";

export const LINK_KEYS = { confirm: "link:confirm", cancel: "link:cancel" } as const;

type LinkAction = { kind: "issue" } | { kind: "claim"; code: string } | { kind: "confirm" } | { kind: "cancel" };

/** What a message means for linking, or null: "绑定", "绑定 12345678", 确认绑定 / 取消绑定 (typed or tapped). */
export function linkAction(ctx: Pick<BotContext, "event" | "text">): LinkAction | null {
  const e = ctx.event;
  if (e.kind === "button") return e.key === LINK_KEYS.confirm ? { kind: "confirm" } : e.key === LINK_KEYS.cancel ? { kind: "cancel" } : null;
  if (ctx.text === null) return null;
  const t = ctx.text.normalize("NFKC").trim();
  if (t === "确认绑定") return { kind: "confirm" };
  if (t === "取消绑定") return { kind: "cancel" };
  const m = /^绑定\s*(\d{8})?$/.exec(t);
  if (!m) return null;
  return m[1] ? { kind: "claim", code: m[1] } : { kind: "issue" };
}

export const channelLabel = (name: string) => (name === SIMULATOR_CHANNEL ? "网页模拟器" : (channelModule(name)?.label ?? name));

export function identityLinkHandler(deps: { helpContact: string; signingSecret: string; newId: () => string; adapters: Partial<Record<string, ChannelAdapter>> }) {
  return async (ctx: BotContext): Promise<boolean> => {
    const action = linkAction(ctx);
    if (!action) return false;
    const sender = ctx.event.sender;
    const here = channelLabel(sender.channel);
    const to = (message: OutboundMessage) => ({ channel: sender.channel, userId: sender.userId, personId: ctx.person.id, message });
    const say = (text: string) => to({ kind: "text", text });
    await ctx.commit([], async (tx) => {
      switch (action.kind) {
        case "issue": {
          const r = await issueLinkCode(tx, deps.signingSecret, ctx.person.id, sender, ctx.now);
          if ("tooMany" in r) return [say("一小时内获取绑定码的次数已达上限，请稍后再试。")];
          // Where another channel can open the chat with the code already sent (Telegram), say so.
          const links = Object.entries(deps.adapters).flatMap(([name, a]) => {
            const url = name === sender.channel ? undefined : a?.deepLink?.(r.code);
            return url ? [`或在${channelLabel(name)}中打开：${url}`] : [];
          });
          return [say([`绑定码：${r.code}`, `${LINK_CODE_TTL_MS / 60_000} 分钟内有效，只能使用一次。请在另一个聊天工具中向本助手发送“绑定 ${r.code}”并确认，两个账号即归为同一人，角色与申请记录通用。`, ...links, "请勿把绑定码告诉他人。"].join("\n"))];
        }
        case "claim": {
          const r = await claimLinkCode(tx, deps.signingSecret, action.code, sender, ctx.person.id, ctx.now);
          switch (r.kind) {
            case "claimed": {
              const description = `此绑定码来自“${r.personName}”的${channelLabel(r.fromChannel)}账号。确认后，此${here}账号与${r.personName}归为同一人，角色与申请记录通用。\n如果绑定码或链接是别人发给您的，请不要确认。`;
              if (buttonRoom(ctx) < 2) return [say(`${description}\n回复“确认绑定”确认，或回复“取消绑定”。`)];
              const id = `link-${deps.newId()}`;
              await recordSentCard(tx, { id, channel: sender.channel, externalUserId: sender.userId, personId: ctx.person.id, purpose: "link" });
              return [to({ kind: "card", card: { id, title: "确认绑定账号？", description, buttons: [{ key: LINK_KEYS.confirm, label: "确认绑定", style: "primary" }, { key: LINK_KEYS.cancel, label: "取消" }] } })];
            }
            case "same-person":
              return [say("此账号已与您关联，无需再绑定。")];
            case "has-own-records":
              return [say(`此账号已有自己的记录（角色、申请、工作室或服务），不能再绑定到其他人。如需合并，请联系${deps.helpContact}。`)];
            case "too-many":
              return [say("绑定码错误次数过多，请 10 分钟后再试。")];
            case "invalid":
              return [say("绑定码无效或已过期。请在原来的账号中回复“绑定”获取新的绑定码（10 分钟内有效）。")];
          }
          break;
        }
        case "confirm": {
          const r = await confirmLink(tx, sender, ctx.person.id, ctx.now);
          ctx.cardLabel = r.kind === "linked" ? "已绑定" : "已失效";
          if (r.kind === "nothing-to-confirm") return [say("没有待确认的绑定（绑定码 10 分钟内有效）。请在原来的账号中回复“绑定”获取新的绑定码。")];
          if (r.kind === "has-own-records") return [say(`此账号已有自己的记录，不能再绑定到其他人。如需合并，请联系${deps.helpContact}。`)];
          return [
            say(`绑定成功：此${here}账号已与“${r.personName}”关联，角色与申请记录通用。回复“菜单”开始。`),
            // The account that asked for the code hears of it: a code given away shows at once.
            { channel: r.from.channel, userId: r.from.userId, personId: r.personId, message: { kind: "text", text: `您的账号刚刚绑定了一个${here}账号。如非本人操作，请联系${deps.helpContact}。` } },
          ];
        }
        case "cancel":
          ctx.cardLabel = "已取消";
          await cancelLinkClaim(tx, sender);
          return [say("已取消绑定。")];
      }
      return [];
    });
    return true;
  };
}
