// The bot's handlers: transport only. Each routes an update once into our normalized events,
// collected per request (handleRequest hands the collector in, keyed by the update object, which
// grammY passes through as ctx.update).
//
// Private chats only: the userId is the chat id (for a private chat, the user's id). /start with
// a payload (a t.me/<bot>?start=<code> deep link) becomes the text "绑定 <code>", which the
// identity-linking flow reads like a code typed by hand; a bare /start is an "enter" event.
import type { Bot, Context } from "grammy";
import type { InboundEvent, Sender } from "../../domain/chat.ts";
import { cardRef, DONE_DATA, verifyButtonData, type TelegramButtonStore } from "./telegram-buttons.ts";

export interface Collector {
  events: InboundEvent[];
  receivedAt: Date;
}

export interface InboundDeps {
  signingSecret: string;
  buttons: TelegramButtonStore;
  collectors: WeakMap<object, Collector>;
}

/** Deep-link payloads: "up to 64 characters … A-Z, a-z, 0-9, _ and -" (https://core.telegram.org/bots/features#deep-linking). */
const START_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;
/** answerCallbackQuery text is 0-200 characters. */
const STALE_TOAST = "该按钮已失效，请以最新消息为准";
const DONE_TOAST = "该事项已处理";

// PostgreSQL text cannot hold NUL; a 4xx would only make Telegram redeliver, so drop the byte.
const clean = (s: string) => s.replace(/\u0000/g, "");

/** An event without what every event of an update shares. */
type EventBody = InboundEvent extends infer E ? (E extends InboundEvent ? Omit<E, "sender" | "dedupeKey" | "receivedAt"> : never) : never;

export function installInbound(bot: Bot, deps: InboundDeps): void {
  /** Collects one event of this update, from private chat `chatId`. */
  const emit = (ctx: Context, chatId: string | number, ev: EventBody) => {
    const c = deps.collectors.get(ctx.update);
    const sender: Sender = { channel: "telegram", userId: String(chatId) };
    c?.events.push({ ...ev, sender, dedupeKey: `update:${ctx.update.update_id}`, receivedAt: c.receivedAt } as InboundEvent);
  };

  // Updates not handed in by handleRequest (none today) go nowhere: every handler has a collector.
  bot.use((ctx, next) => (deps.collectors.has(ctx.update) ? next() : undefined));

  bot.command("start", (ctx) => {
    if (ctx.chat.type !== "private") return;
    const payload = ctx.match.trim();
    if (!payload) emit(ctx, ctx.chat.id, { kind: "enter" });
    else if (START_PAYLOAD.test(payload)) emit(ctx, ctx.chat.id, { kind: "text", text: `绑定 ${payload}` });
    else emit(ctx, ctx.chat.id, { kind: "text", text: clean(ctx.message?.text ?? "") });
  });

  bot.on("message:text", (ctx) => {
    if (ctx.chat.type === "private") emit(ctx, ctx.chat.id, { kind: "text", text: clean(ctx.message.text) });
  });

  // A photo comes in several sizes, smallest first: the largest is the one to keep.
  bot.on("message:photo", (ctx) => {
    const largest = ctx.message.photo.at(-1);
    if (ctx.chat.type === "private" && largest) emit(ctx, ctx.chat.id, { kind: "media", mediaType: "image", mediaId: largest.file_id });
  });

  // A picture sent "as a file" (uncompressed) is still an image.
  bot.on("message:document", (ctx) => {
    if (ctx.chat.type !== "private") return;
    const d = ctx.message.document;
    emit(ctx, ctx.chat.id, { kind: "media", mediaType: d.mime_type?.startsWith("image/") ? "image" : "file", mediaId: d.file_id });
  });

  bot.on("callback_query:data", async (ctx) => {
    const q = ctx.callbackQuery;
    const msg = q.message;
    const answer = (text?: string) => ctx.answerCallbackQuery(text ? { text } : undefined).then(
      () => undefined,
      // Unanswered, the client only shows its spinner a little longer: not worth losing the tap.
      () => undefined,
    );
    if (q.data === DONE_DATA) return answer(DONE_TOAST);
    if (!msg || msg.chat.type !== "private") return answer(STALE_TOAST);
    const chatId = String(msg.chat.id);
    const named = verifyButtonData(deps.signingSecret, chatId, q.data);
    const entry = named ? await deps.buttons.get(named.ref) : null;
    const key = named && entry && entry.chatId === chatId && cardRef(deps.signingSecret, chatId, entry.cardId) === named.ref ? entry.keys[named.index] : undefined;
    if (key === undefined || !entry) return answer(STALE_TOAST);
    emit(ctx, chatId, { kind: "button", key, cardId: entry.cardId, handle: `${chatId}:${msg.message_id}` });
    await answer();
  });

  // Every callback query is answered, or the client keeps a spinner (game buttons have no data).
  bot.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: STALE_TOAST }).then(() => undefined, () => undefined));
}
