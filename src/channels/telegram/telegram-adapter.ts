// The Telegram channel: webhook updates in (grammY's webhookCallback behind our own checks),
// Bot API calls out through grammY's client. Logs nothing: errors say what failed, never the token.
import { createHash, timingSafeEqual } from "node:crypto";
import { Bot, webhookCallback } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { z } from "zod";
import { readCappedBody } from "../read-capped-body.ts";
import { DomainError, UnauthenticatedError, ValidationError } from "../../domain/errors.ts";
import type { ChannelAdapter, InboundResult } from "../channel.ts";
import type { TelegramButtonStore } from "./telegram-buttons.ts";
import { toChannelError } from "./telegram-errors.ts";
import { installInbound, type Collector } from "./telegram-inbound.ts";
import { createTelegramMedia } from "./telegram-media.ts";
import { createTelegramSender, TELEGRAM_CAPABILITIES } from "./telegram-outbound.ts";

/** https://core.telegram.org/bots/api#setwebhook: sent with every update when set. */
export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

export interface TelegramAdapterOptions {
  botToken: string;
  webhookSecret: string;
  /** Default https://api.telegram.org (no trailing slash). */
  apiRoot?: string;
  /** getMe's answer, known ahead: no getMe call on a cold start. */
  botInfo?: UserFromGetMe;
  /** Signs callback_data (deps.signingSecret). */
  signingSecret: string;
  /** Where a card's button keys wait for taps; shared by every instance. */
  buttons: TelegramButtonStore;
  fetch?: typeof globalThis.fetch;
  now?: () => Date;
  /** Hard cap on an update body. Default 256 KiB (a 4096-character text with entities is far less). */
  maxBodyBytes?: number;
  /** Per Bot API call, default 10 s (grammY's own default is 500 s). */
  timeoutSeconds?: number;
  /** How long a card's buttons stay tappable. Default 30 days. */
  buttonTtlMs?: number;
}

export interface TelegramAdapter extends ChannelAdapter {
  readonly name: "telegram";
  /** The grammY bot, for calls the normalized model does not cover (setWebhook in a set-up script). */
  readonly bot: Bot;
}

// Chat ids become our userId (an indexed column) and file ids are stored with attachments: no
// control characters, NUL above all, which PostgreSQL text refuses (a 500 at insert, not a 400).
const printable = (max: number) => z.string().min(1).max(max).regex(/^[^\u0000-\u001f\u007f]+$/);
const chat = z.looseObject({ id: z.union([z.number().int(), printable(64)]), type: z.string() });
const fileRef = z.looseObject({ file_id: printable(256) });
/**
 * The fields our handlers (and grammY's filters on their way) read, checked: a hostile shape
 * with the right secret is a 400, never a TypeError deep in a handler (a 5xx). The rest of an
 * update passes untouched; update kinds we do not handle are not looked at.
 */
const updateSchema = z.looseObject({
  update_id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  message: z
    .looseObject({
      message_id: z.number().int(),
      chat,
      text: z.string().optional(),
      entities: z.array(z.looseObject({ type: z.string(), offset: z.number().int().min(0), length: z.number().int().min(0) })).optional(),
      photo: z.array(fileRef).optional(),
      document: fileRef.extend({ mime_type: z.string().optional() }).optional(),
    })
    .optional(),
  callback_query: z
    .looseObject({
      id: z.string().min(1),
      data: z.string().optional(),
      message: z.looseObject({ message_id: z.number().int(), chat }).optional(),
    })
    .optional(),
});

function asUpdate(json: unknown): Update {
  const r = updateSchema.safeParse(json);
  if (!r.success) {
    const where = r.error.issues[0]?.path.join(".") || "update";
    throw new ValidationError(`telegram: malformed update (${where})`);
  }
  return r.data as unknown as Update;
}

export function createTelegramAdapter(opts: TelegramAdapterOptions): TelegramAdapter {
  const now = opts.now ?? (() => new Date());
  const maxBodyBytes = opts.maxBodyBytes ?? 256 * 1024;
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const apiRoot = (opts.apiRoot ?? "https://api.telegram.org").replace(/\/+$/, "");
  const bot = new Bot(opts.botToken, {
    ...(opts.botInfo ? { botInfo: opts.botInfo } : {}),
    client: {
      apiRoot,
      fetch: doFetch,
      timeoutSeconds: opts.timeoutSeconds ?? 10,
      // grammY streams multipart bodies (sendPhoto); the fetch standard wants duplex for a streamed body.
      baseFetchConfig: { duplex: "half" } as Record<string, unknown>,
    },
  });
  const collectors = new WeakMap<object, Collector>();
  installInbound(bot, { signingSecret: opts.signingSecret, buttons: opts.buttons, collectors });

  // Our request in, grammY's handler around it: the update is already read and checked, and
  // the secret already compared (so grammY's second comparison always passes).
  const adapter = (update: Update, header: string, out: { unauthorized: boolean }) => ({
    update,
    header,
    end: () => undefined,
    respond: () => undefined, // webhook replies stay off (canUseWebhookReply): every call is a fetch
    unauthorized: () => {
      out.unauthorized = true;
    },
  });
  // No timeout of grammY's: a reply before the handlers end would lose their events. The handlers
  // wait only on the button store and on answerCallbackQuery (bounded by timeoutSeconds); should
  // Telegram give up waiting, it redelivers, and the pipeline dedupes by update_id.
  const handle = webhookCallback(bot, adapter, { secretToken: opts.webhookSecret, timeoutMilliseconds: Infinity });

  const wantSecret = createHash("sha256").update(opts.webhookSecret).digest();
  const secretMatches = (header: string | null) =>
    header !== null && timingSafeEqual(createHash("sha256").update(header).digest(), wantSecret);

  // getMe once per process (without botInfo); grammY's init would retry forever, so bound it.
  let init: Promise<void> | undefined;
  function ensureInit(): Promise<void> {
    if (bot.isInited()) return Promise.resolve();
    init ??= bot.init(AbortSignal.timeout(10_000) as Parameters<Bot["init"]>[0]).finally(() => {
      init = undefined;
    });
    return init;
  }

  async function handleRequest(req: Request): Promise<InboundResult> {
    if (req.method !== "POST") throw new ValidationError(`telegram: method ${req.method} not allowed`);
    const header = req.headers.get(SECRET_HEADER);
    if (!secretMatches(header)) throw new UnauthenticatedError("telegram: secret token missing or wrong");
    let json: unknown;
    try {
      json = JSON.parse(await readCappedBody(req, maxBodyBytes, "telegram"));
    } catch (err) {
      if (err instanceof DomainError) throw err;
      throw new ValidationError("telegram: body is not JSON");
    }
    const update = asUpdate(json);
    try {
      await ensureInit();
    } catch (err) {
      throw toChannelError(err);
    }
    const collector: Collector = { events: [], receivedAt: now() };
    collectors.set(update, collector);
    const out = { unauthorized: false };
    try {
      await handle(update, header!, out);
    } catch (err) {
      throw toChannelError(err);
    } finally {
      collectors.delete(update);
    }
    if (out.unauthorized) throw new UnauthenticatedError("telegram: secret token missing or wrong");
    return { response: new Response(null, { status: 200 }), events: [...collector.events] };
  }

  const sender = createTelegramSender({
    api: bot.api,
    now,
    signingSecret: opts.signingSecret,
    buttons: opts.buttons,
    buttonTtlMs: opts.buttonTtlMs ?? 30 * 24 * 3600_000,
  });

  const fetchMedia = createTelegramMedia({ api: bot.api, apiRoot, botToken: opts.botToken, fetch: doFetch, timeoutMs: (opts.timeoutSeconds ?? 10) * 1000 });

  return {
    name: "telegram",
    capabilities: TELEGRAM_CAPABILITIES,
    bot,
    handleRequest,
    send: sender.send,
    fetchMedia,
    // /start payloads are 1–64 of A-Z a-z 0-9 _ - (https://core.telegram.org/bots/features#deep-linking).
    deepLink: (payload) => (bot.isInited() && /^[A-Za-z0-9_-]{1,64}$/.test(payload) ? `https://t.me/${bot.botInfo.username}?start=${payload}` : undefined),
  };
}
