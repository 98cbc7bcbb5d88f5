// The Telegram channel as a module: its variables, what it can show, and its factory.
import type { UserFromGetMe } from "grammy/types";
import { z } from "zod";
import { safeApiBase } from "../api-base.ts";
import { defineChannel } from "../channel-module.ts";
import { createTelegramAdapter } from "./telegram-adapter.ts";
import { tokenBackedButtonStore } from "./telegram-buttons.ts";
import { TELEGRAM_CAPABILITIES } from "./telegram-outbound.ts";

export interface TelegramConfig {
  botToken: string;
  webhookSecret: string;
  apiRoot: string;
  botInfo?: UserFromGetMe;
}

const VARS = ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_ROOT", "TELEGRAM_BOT_INFO"] as const;
const REQUIRED = ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"] as const;
/** @BotFather's token: "<bot id>:<35 characters>" (https://core.telegram.org/bots/api#authorizing-your-bot). */
const BOT_TOKEN = /^(\d{1,20}):[A-Za-z0-9_-]{30,64}$/;
/** setWebhook's secret_token: "1-256 characters. Only characters A-Z, a-z, 0-9, _ and - are allowed." */
const WEBHOOK_SECRET = /^[A-Za-z0-9_-]{1,256}$/;

/** What getMe returns (https://core.telegram.org/bots/api#getme); extra fields are kept. */
const botInfoSchema = z.looseObject({
  id: z.number().int().positive(),
  is_bot: z.literal(true),
  first_name: z.string().min(1),
  username: z.string().min(1),
  can_join_groups: z.boolean(),
  can_read_all_group_messages: z.boolean(),
  supports_inline_queries: z.boolean(),
});

function apiRootProblem(v: string): string | null {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return "must be an absolute URL such as https://api.telegram.org";
  }
  // The bot token travels in the URL path: plain http only to a local fake or Bot API server.
  if (!safeApiBase(v)) {
    return "must use https (plain http only to a loopback address: 127.0.0.0/8, ::1 or localhost)";
  }
  if (u.search || u.hash) return "must not have a query or fragment";
  return null;
}

const env = z.looseObject(Object.fromEntries(VARS.map((k) => [k, z.string().optional()])) as Record<(typeof VARS)[number], z.ZodOptional<z.ZodString>>);

export const telegramConfigSchema: z.ZodType<TelegramConfig | null> = env.transform((raw, ctx): TelegramConfig | null => {
  // An empty variable counts as unset (a blank line in an env file).
  const v = (k: (typeof VARS)[number]) => (raw[k] === "" ? undefined : raw[k]);
  if (VARS.every((k) => v(k) === undefined)) return null;
  const issue = (k: string, message: string) => ctx.addIssue({ code: "custom", path: [k], message });
  for (const k of REQUIRED) if (v(k) === undefined) issue(k, "is required when any TELEGRAM_* variable is set");
  const token = v("TELEGRAM_BOT_TOKEN");
  const secret = v("TELEGRAM_WEBHOOK_SECRET");
  const apiRoot = (v("TELEGRAM_API_ROOT") ?? "https://api.telegram.org").replace(/\/+$/, "");
  const tokenMatch = token === undefined ? null : BOT_TOKEN.exec(token);
  if (token !== undefined && !tokenMatch) issue("TELEGRAM_BOT_TOKEN", "must be the token from @BotFather (<bot id>:<30-64 letters, digits, _ or ->)");
  if (secret !== undefined && !WEBHOOK_SECRET.test(secret)) issue("TELEGRAM_WEBHOOK_SECRET", "must be 1–256 characters of A-Z, a-z, 0-9, _ and -");
  const rootProblem = apiRootProblem(apiRoot);
  if (rootProblem) issue("TELEGRAM_API_ROOT", rootProblem);
  let botInfo: UserFromGetMe | undefined;
  const infoText = v("TELEGRAM_BOT_INFO");
  if (infoText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(infoText);
    } catch {
      parsed = undefined;
    }
    const info = botInfoSchema.safeParse(parsed);
    if (!info.success) issue("TELEGRAM_BOT_INFO", "must be the JSON object getMe returns (id, is_bot, first_name, username, can_join_groups, …)");
    else if (tokenMatch && String(info.data.id) !== tokenMatch[1]) issue("TELEGRAM_BOT_INFO", "is for another bot than TELEGRAM_BOT_TOKEN (its id differs)");
    else botInfo = info.data as unknown as UserFromGetMe;
  }
  if (ctx.issues.length > 0 || !token || !secret) return z.NEVER;
  return { botToken: token, webhookSecret: secret, apiRoot, ...(botInfo ? { botInfo } : {}) };
});

export const telegramChannel = defineChannel<TelegramConfig>({
  name: "telegram",
  label: "Telegram",
  // callback_data is HMAC-signed with SIGNING_SECRET.
  signsWithSecret: true,
  configSchema: telegramConfigSchema,
  examples: {
    TELEGRAM_BOT_TOKEN: "123456789:AAE-the-token-from-BotFather-35chars",
    TELEGRAM_WEBHOOK_SECRET: "(1–256 of A-Z a-z 0-9 _ -, the secret_token given to setWebhook)",
    TELEGRAM_API_ROOT: "https://api.telegram.org",
    TELEGRAM_BOT_INFO: '{"id":123456789,"is_bot":true,"first_name":"IP Studio","username":"ipstudio_bot","can_join_groups":false,"can_read_all_group_messages":false,"supports_inline_queries":false}',
  },
  capabilities: TELEGRAM_CAPABILITIES,
  // "In a single chat, avoid sending more than one message per second" (https://core.telegram.org/bots/faq);
  // half that, since one long text is split into several messages.
  rateLimits: { perMinute: 30, perHour: 1800 },
  create: (config, deps) =>
    createTelegramAdapter({
      ...config,
      signingSecret: deps.signingSecret,
      buttons: tokenBackedButtonStore(deps.tokens),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      now: deps.now,
    }),
});
