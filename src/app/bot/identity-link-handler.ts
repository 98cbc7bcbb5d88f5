// 绑定 (issue 15, identity across channels): "绑定" on one channel answers with a one-time code;
// "绑定 <code>" sent from another channel links that identity to the same person. Roles belong to
// the person; a card's buttons still work only from the identity the card was sent to (bot.ts).
import { channelModule, SIMULATOR_CHANNEL } from "../../channels/registry.ts";
import { issueLinkCode, LINK_CODE_TTL_MS, redeemLinkCode } from "../../storage/link-codes.ts";
import type { BotContext } from "./bot-context.ts";

/** "绑定" or "绑定 12345678" (spaces and full-width digits allowed); null for anything else. */
export function linkWord(text: string | null): { code: string | null } | null {
  if (text === null) return null;
  const m = /^绑定\s*(\d{8})?$/.exec(text.normalize("NFKC").trim());
  return m ? { code: m[1] ?? null } : null;
}

export const channelLabel = (name: string) => (name === SIMULATOR_CHANNEL ? "网页模拟器" : (channelModule(name)?.label ?? name));

export function identityLinkHandler(helpContact: string) {
  return async (ctx: BotContext): Promise<boolean> => {
    const said = linkWord(ctx.text);
    if (!said) return false;
    const sender = ctx.event.sender;
    if (said.code === null) {
      let reply = "";
      await ctx.commit([], async (tx) => {
        const r = await issueLinkCode(tx, ctx.person.id, sender, ctx.now);
        reply =
          "tooMany" in r
            ? "一小时内获取绑定码的次数已达上限，请稍后再试。"
            : `绑定码：${r.code}\n${LINK_CODE_TTL_MS / 60_000} 分钟内有效，只能使用一次。请在另一个聊天工具（企业微信、钉钉或 Telegram）中向本助手发送“绑定 ${r.code}”，两个账号即归为同一人，角色与申请记录通用。\n请勿把绑定码告诉他人。`;
        return [{ channel: sender.channel, userId: sender.userId, personId: ctx.person.id, message: { kind: "text", text: reply } }];
      });
      return true;
    }
    await ctx.commit([], async (tx) => {
      const r = await redeemLinkCode(tx, said.code!, sender, ctx.person.id, ctx.now);
      const to = (text: string) => ({ channel: sender.channel, userId: sender.userId, personId: ctx.person.id, message: { kind: "text" as const, text } });
      switch (r.kind) {
        case "linked":
          return [
            to(`绑定成功：此${channelLabel(sender.channel)}账号已与“${r.personName}”关联，角色与申请记录通用。回复“菜单”开始。`),
            // The account that asked for the code hears of it: a code given away shows at once.
            { channel: r.from.channel, userId: r.from.userId, personId: r.personId, message: { kind: "text", text: `您的账号刚刚绑定了一个${channelLabel(sender.channel)}账号。如非本人操作，请联系${helpContact}。` } },
          ];
        case "same-person":
          return [to("此账号已与您关联，无需再绑定。")];
        case "has-own-records":
          return [to(`此账号已有自己的角色或申请记录，不能再绑定到其他人。如需合并，请联系${helpContact}。`)];
        case "too-many":
          return [to("绑定码错误次数过多，请 10 分钟后再试。")];
        case "invalid":
          return [to("绑定码无效或已过期。请在原来的账号中回复“绑定”获取新的绑定码（10 分钟内有效）。")];
      }
    });
    return true;
  };
}
