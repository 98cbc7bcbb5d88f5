// The IP risk reminders' actions in chat: the digest card's buttons (ipr:done|snooze|help:<id>)
// and 已处理 N / 稍后提醒 N / 需要帮助 N typed for item N of the person's latest digest.
import { businessDate } from "../../domain/calendar/working-days.ts";
import type { InboundEvent } from "../../domain/chat.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { latestDigest } from "../../storage/reminders.ts";
import type { ReminderAction, ReminderActions } from "../ip/reminder-actions.ts";
import { REMINDER_KEYS, REMINDER_WORDS, reminderTexts } from "../ip/reminder-texts.ts";
import type { BotContext } from "./bot-context.ts";

const TYPED = new RegExp(`^(${Object.values(REMINDER_WORDS).join("|")})\\s*第?\\s*(\\d{1,3})\\s*项?$`);
const WORD_ACTION: Record<string, ReminderAction> = { [REMINDER_WORDS.done]: "done", [REMINDER_WORDS.snooze]: "snooze", [REMINDER_WORDS.help]: "help" };

function parseKey(key: string): { action: ReminderAction; id: string } | null {
  for (const [action, prefix] of Object.entries(REMINDER_KEYS) as [ReminderAction, string][]) if (key.startsWith(prefix) && key.length > prefix.length) return { action, id: key.slice(prefix.length) };
  return null;
}

const typed = (text: string) => TYPED.exec(text.normalize("NFKC").trim());

/** Does this message act on a reminder? (the intent router asks once per message) */
export function isReminderMessage(event: InboundEvent): boolean {
  if (event.kind === "button") return parseKey(event.key) !== null;
  return event.kind === "text" && typed(event.text) !== null;
}

export function ipReminderHandler(deps: { prisma: PrismaClient; actions: ReminderActions; timeZone: string }) {
  return async function handle(ctx: BotContext): Promise<boolean> {
    const e = ctx.event;
    let target: { action: ReminderAction; id: string } | null = null;
    if (e.kind === "button") target = parseKey(e.key);
    else if (e.kind === "text") {
      const m = typed(e.text);
      if (!m) return false;
      const digest = await latestDigest(deps.prisma, ctx.person.id);
      if (!digest) {
        await ctx.commit([{ kind: "text", text: reminderTexts.noDigest }]);
        return true;
      }
      const items = JSON.parse(digest.itemsJson) as string[];
      const n = Number(m[2]);
      if (n < 1 || n > items.length) {
        await ctx.commit([{ kind: "text", text: reminderTexts.badNumber(n, items.length) }]);
        return true;
      }
      target = { action: WORD_ACTION[m[1]!]!, id: items[n - 1]! };
    }
    if (!target) return false;
    const actor = { person: ctx.person, channel: e.sender.channel, userId: e.sender.userId, actingAdmin: e.actingAdmin };
    const me = { channel: e.sender.channel, userId: e.sender.userId, personId: ctx.person.id };
    await ctx.commit([], async (tx) => {
      const r = await deps.actions.act(tx, target.id, target.action, actor, ctx.now, businessDate(ctx.now, deps.timeZone));
      return [...r.out, { ...me, message: { kind: "text" as const, text: r.text } }];
    });
    return true;
  };
}
