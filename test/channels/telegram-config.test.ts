// TELEGRAM_* variables: off when none is set, a config when the required ones are, an issue per
// missing or invalid variable otherwise. And the module's factory over ChannelModuleDeps.
import { describe, expect, it } from "vitest";
import { telegramChannel, telegramConfigSchema } from "../../src/channels/telegram/telegram-channel.ts";
import { memoryTokenStore } from "../../src/channels/token-store.ts";
import { createFakeTelegram, defaultBotInfo, textUpdate, webhookRequest } from "../fakes/fake-telegram-api.ts";

const TOKEN = "123456789:AAE-ConfigTestTokenFromBotFather_0123";
const SECRET = "Webhook_secret-01";

function issues(env: Record<string, string>) {
  const r = telegramConfigSchema.safeParse(env);
  if (r.success) return r.data;
  return Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message]));
}

describe("telegram config", () => {
  it("is null (channel off) when no TELEGRAM_* variable is set, or only empty ones", () => {
    expect(telegramConfigSchema.parse({ PORT: "3000" })).toBeNull();
    expect(telegramConfigSchema.parse({ TELEGRAM_BOT_TOKEN: "", TELEGRAM_WEBHOOK_SECRET: "" })).toBeNull();
  });

  it("is the config when token and secret are set; the API root defaults to Telegram's", () => {
    expect(telegramConfigSchema.parse({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, OTHER: "x" })).toEqual({
      botToken: TOKEN,
      webhookSecret: SECRET,
      apiRoot: "https://api.telegram.org",
    });
    expect(telegramConfigSchema.parse({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: "http://127.0.0.1:8081/" })).toMatchObject({
      apiRoot: "http://127.0.0.1:8081",
    });
  });

  it("names each missing or invalid variable", () => {
    expect(issues({ TELEGRAM_BOT_TOKEN: TOKEN })).toEqual({ TELEGRAM_WEBHOOK_SECRET: expect.stringMatching(/required/) });
    expect(issues({ TELEGRAM_API_ROOT: "https://api.telegram.org" })).toEqual({
      TELEGRAM_BOT_TOKEN: expect.stringMatching(/required/),
      TELEGRAM_WEBHOOK_SECRET: expect.stringMatching(/required/),
    });
    expect(issues({ TELEGRAM_BOT_TOKEN: "not-a-token", TELEGRAM_WEBHOOK_SECRET: "has space", TELEGRAM_API_ROOT: "http://api.telegram.org" })).toEqual({
      TELEGRAM_BOT_TOKEN: expect.stringMatching(/BotFather/),
      TELEGRAM_WEBHOOK_SECRET: expect.stringMatching(/A-Z, a-z, 0-9, _ and -/),
      TELEGRAM_API_ROOT: expect.stringMatching(/https/),
    });
    expect(issues({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: "x".repeat(257) })).toHaveProperty("TELEGRAM_WEBHOOK_SECRET");
  });

  it("TELEGRAM_BOT_INFO must be getMe's JSON for this very bot", () => {
    const info = defaultBotInfo(TOKEN);
    const ok = telegramConfigSchema.parse({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_BOT_INFO: JSON.stringify(info) });
    expect(ok?.botInfo).toMatchObject({ id: 123456789, username: "ipstudio_test_bot" });
    expect(issues({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_BOT_INFO: "{oops" })).toHaveProperty("TELEGRAM_BOT_INFO");
    expect(issues({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_BOT_INFO: JSON.stringify({ id: 1 }) })).toHaveProperty("TELEGRAM_BOT_INFO");
    expect(issues({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_BOT_INFO: JSON.stringify({ ...info, id: 42 }) })).toEqual({
      TELEGRAM_BOT_INFO: expect.stringMatching(/another bot/),
    });
  });

  it("an issue never echoes the token or the secret", () => {
    const r = telegramConfigSchema.safeParse({ TELEGRAM_BOT_TOKEN: "123:short-secret-token", TELEGRAM_WEBHOOK_SECRET: "bad secret!" });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).not.toMatch(/short-secret-token|bad secret!/);
  });
});

describe("telegram module", () => {
  it("creates an adapter from config and deps: calls go through deps.fetch, buttons through deps.tokens", async () => {
    const fake = createFakeTelegram({ token: TOKEN, apiRoot: "http://127.0.0.1:9" });
    const config = telegramConfigSchema.parse({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: "http://127.0.0.1:9", TELEGRAM_BOT_INFO: JSON.stringify(fake.botInfo) });
    const tokens = memoryTokenStore();
    const adapter = telegramChannel.create(config, { fetch: fake.fetch, now: () => new Date(), maxAgeSeconds: 300, tokens, signingSecret: "module-signing-secret-0123456789" });
    expect(telegramChannel.name).toBe("telegram");
    expect(adapter.capabilities).toMatchObject({ buttons: true, maxButtons: 6, buttonsPerRow: 3, textMax: 4096, images: true, cardHandle: { singleUse: false } });
    await adapter.send("1001", { kind: "card", card: { id: "m1", title: "t", buttons: [{ key: "k", label: "好" }] } });
    expect(tokens.fetches).toBe(1);
    const r = await adapter.handleRequest(webhookRequest(textUpdate(1, 1001, "hi"), SECRET));
    expect(r.events).toHaveLength(1);
    expect(fake.getMeCount).toBe(0);
  });
});
