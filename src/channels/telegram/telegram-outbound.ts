// Our neutral messages as Bot API calls: texts split at 4096, markdown as HTML (plain when
// Telegram cannot parse it), cards as one HTML message with an inline keyboard, card updates as
// that keyboard replaced by the outcome, pictures by sendPhoto.
import { InputFile, type Api } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import { imagePngBytes, type Card, type OutboundMessage } from "../../domain/chat.ts";
import { clip } from "../../domain/clip.ts";
import { ValidationError } from "../../domain/errors.ts";
import { ChannelApiError, type ChannelCapabilities, type SendOptions, type SendResult } from "../channel.ts";
import { buttonData, cardRef, DONE_DATA, type TelegramButtonStore } from "./telegram-buttons.ts";
import { call, isNotModifiedError, isParseEntitiesError, TELEGRAM_ERR_NO_HANDLE, toChannelError } from "./telegram-errors.ts";
import { cardHtml, markdownToHtmlMessages, rowsOf, splitText, TELEGRAM_TEXT_MAX } from "./telegram-render.ts";

/** UTF-8 length (web standard: Buffer is Node-only). */
const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** Buttons per card we send (an inline keyboard could take more; the flows never need them). */
const TELEGRAM_MAX_BUTTONS = 6;

const BUTTONS_PER_ROW = 3;

export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  buttons: true,
  markdown: true,
  cardUpdate: true,
  maxButtons: TELEGRAM_MAX_BUTTONS,
  buttonsPerRow: BUTTONS_PER_ROW,
  textMax: TELEGRAM_TEXT_MAX,
  images: true,
  // A bot may edit its own messages in a private chat at any time, any number of times.
  cardHandle: { singleUse: false },
};

const CARD_ID = /^[0-9A-Za-z_\-@]{1,128}$/;
/** Chat ids are integers; a string is also accepted by the API (@channel names) and by our tests. */
const CHAT_ID = /^[^\s:]{1,64}$/;
/** Texts of a split message already delivered, per outbox message: a retry sends only the rest. */
const PARTS_MEMO_MAX = 200;

interface Part {
  text: string;
  html: boolean;
}

export interface TelegramSenderOptions {
  api: Api;
  now: () => Date;
  signingSecret: string;
  buttons: TelegramButtonStore;
  buttonTtlMs: number;
}

function chatOf(userId: string): string {
  if (!CHAT_ID.test(userId)) throw new ValidationError("telegram: invalid chat id");
  return userId;
}

/** `<chatId>:<messageId>`, the handle of a sent card (SendResult.handle). */
function parseHandle(handle: string): { chatId: string; messageId: number } | null {
  const m = /^([^\s:]{1,64}):(\d{1,15})$/.exec(handle);
  return m ? { chatId: m[1]!, messageId: Number(m[2]) } : null;
}

function htmlAsPlain(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

function checkCard(card: Card): void {
  if (!CARD_ID.test(card.id)) throw new ValidationError("telegram: card id must be 1-128 chars of [0-9A-Za-z_-@]");
  if (card.buttons.length > TELEGRAM_MAX_BUTTONS) {
    throw new ValidationError(`telegram: at most ${TELEGRAM_MAX_BUTTONS} buttons per card`, { count: card.buttons.length });
  }
  const keys = new Set<string>();
  for (const b of card.buttons) {
    if (!b.key || utf8Bytes(b.key) > 1024) throw new ValidationError("telegram: button key must be 1-1024 bytes");
    if (keys.has(b.key)) throw new ValidationError("telegram: button keys must be unique");
    if (!b.label.trim()) throw new ValidationError("telegram: button label is required");
    keys.add(b.key);
  }
  if (card.url !== undefined && !/^https?:\/\/\S+$/i.test(card.url)) throw new ValidationError("telegram: card url must be http(s)");
}

export function createTelegramSender(o: TelegramSenderOptions): { send(userId: string, message: OutboundMessage, options?: SendOptions): Promise<SendResult> } {
  const partsDone = new Map<string, { count: number; lastId: number }>();

  /** One message part; HTML that Telegram cannot parse goes again as its plain text. */
  async function sendPart(chatId: string, part: Part): Promise<number> {
    const noPreview = { link_preview_options: { is_disabled: true } };
    try {
      return (await o.api.sendMessage(chatId, part.text, part.html ? { parse_mode: "HTML", ...noPreview } : noPreview)).message_id;
    } catch (err) {
      if (!part.html || !isParseEntitiesError(err)) throw toChannelError(err);
    }
    return (await call(() => o.api.sendMessage(chatId, htmlAsPlain(part.text), noPreview))).message_id;
  }

  async function sendParts(chatId: string, parts: Part[], key: string | undefined): Promise<SendResult> {
    const memo = key ? partsDone.get(key) : undefined;
    let count = memo?.count ?? 0;
    let lastId = memo?.lastId ?? 0;
    for (; count < parts.length; count++) {
      lastId = await sendPart(chatId, parts[count]!);
      if (key && parts.length > 1) {
        if (partsDone.size >= PARTS_MEMO_MAX) partsDone.delete(partsDone.keys().next().value!);
        partsDone.set(key, { count: count + 1, lastId });
      }
    }
    if (key) partsDone.delete(key);
    return { externalId: String(lastId) };
  }

  async function sendCard(chatId: string, card: Card): Promise<SendResult> {
    checkCard(card);
    const ref = cardRef(o.signingSecret, chatId, card.id);
    // Stored before the send: a tap can come as soon as the message shows.
    if (card.buttons.length > 0) {
      await o.buttons.put(ref, { cardId: card.id, chatId, keys: card.buttons.map((b) => b.key) }, new Date(o.now().getTime() + o.buttonTtlMs));
    }
    const buttons = card.buttons.map((b, i) => ({ text: clip(b.label, 40), callback_data: buttonData(o.signingSecret, chatId, ref, i) }));
    const rows: InlineKeyboardButton[][] = rowsOf(buttons, BUTTONS_PER_ROW);
    if (card.url) rows.push([{ text: "查看详情", url: card.url }]);
    const m = await call(() =>
      o.api.sendMessage(chatId, cardHtml(card), {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(rows.length > 0 ? { reply_markup: { inline_keyboard: rows } } : {}),
      }),
    );
    return { externalId: String(m.message_id), handle: `${chatId}:${m.message_id}` };
  }

  /** The keyboard becomes one inert button showing the outcome (as WeCom's replace_name does). */
  async function updateCard(chatId: string, message: Extract<OutboundMessage, { kind: "card_update" }>): Promise<SendResult> {
    const h = message.handle ? parseHandle(message.handle) : null;
    if (!h) throw new ChannelApiError("telegram", TELEGRAM_ERR_NO_HANDLE, "telegram: card_update needs the card's handle; send a new message instead", false);
    if (h.chatId !== chatId) throw new ValidationError("telegram: card handle belongs to another chat");
    if (!message.replaceName.trim()) throw new ValidationError("telegram: replaceName is required");
    const markup = { inline_keyboard: [[{ text: clip(message.replaceName, 60), callback_data: DONE_DATA }]] };
    try {
      await o.api.editMessageReplyMarkup(chatId, h.messageId, { reply_markup: markup });
    } catch (err) {
      // A retry after a lost answer: the card already shows it.
      if (!isNotModifiedError(err)) throw toChannelError(err);
    }
    return { externalId: String(h.messageId), handle: message.handle };
  }

  async function send(userId: string, message: OutboundMessage, options: SendOptions = {}): Promise<SendResult> {
    const chatId = chatOf(userId);
    // No duplicate check on Telegram: options.variant needs no rendering.
    switch (message.kind) {
      case "text":
        if (!message.text.trim()) throw new ValidationError("telegram: empty text");
        return sendParts(chatId, splitText(message.text).map((text) => ({ text, html: false })), options.idempotencyKey);
      case "markdown":
        if (!message.markdown.trim()) throw new ValidationError("telegram: empty markdown");
        return sendParts(chatId, markdownToHtmlMessages(message.markdown).map((text) => ({ text, html: true })), options.idempotencyKey);
      case "card":
        return sendCard(chatId, message.card);
      case "card_update":
        return updateCard(chatId, message);
      case "image": {
        const bytes = imagePngBytes(message);
        const m = await call(() => o.api.sendPhoto(chatId, new InputFile(bytes, "chart.png")));
        return { externalId: String(m.message_id) };
      }
    }
  }

  return { send };
}
