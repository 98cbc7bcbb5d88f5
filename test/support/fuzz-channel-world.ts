// One app with every channel on (WeCom, DingTalk, Telegram, the web simulator) over in-process
// fakes, for the hostile-input suite of /webhooks/:channel: builders of valid requests per
// channel (signed as each platform signs), and `check`, which sends one request and asserts the
// properties (no 5xx; nothing stored when refused; no handler crash; nothing stored that
// PostgreSQL would refuse).
import { expect } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config/config.ts";
import { signButton } from "../../src/channels/dingtalk/dingtalk-crypto.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { callbackSignature, encryptForDingtalk, robotSignature, robotTextBody } from "../fakes/dingtalk-signer.ts";
import { createFakeDingtalk } from "../fakes/fake-dingtalk-api.ts";
import { createFakeTelegram, defaultBotInfo } from "../fakes/fake-telegram-api.ts";
import { textBody, toRequest, type Req } from "./fuzz-request.ts";
import { createFakeWecom } from "../fakes/fake-wecom-api.ts";
import { signCallback, textMessageXml } from "../fakes/wecom-callback-signer.ts";
import { memoryLogger } from "./silent-logger.ts";
import { createTestDatabase } from "./test-db.ts";
import { testClock, WECOM, wecomVars } from "./wecom-harness.ts";

export const ADMIN_TOKEN = "fuzz-admin-token-0123456789abcdef";
export const SIGNING_SECRET = "fuzz-signing-secret-0123456789abcdef";
export const DINGTALK = {
  appKey: "dingfuzzkey0001",
  appSecret: "fuzz-dingtalk-app-secret-0123456789",
  robotCode: "dingfuzzkey0001",
  apiBase: "http://127.0.0.1:7",
  token: "fuzzCallbackToken1",
  aesKey: "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut",
  templateId: "fuzz-template-0001.schema",
  routeKey: "fuzz-route-key",
};
export const TELEGRAM = { token: "123456789:AAFuzzTestTokenForTheFakeBotApi_0123", secret: "fuzz-webhook-secret_01" };
const WECOM_BASE = "http://127.0.0.1:9";

export { textBody, type Body, type Req } from "./fuzz-request.ts";

export interface Outcome {
  status: number;
  /** InboundEvent rows this request added. */
  stored: number;
  text: string;
}

export type WorldMode = { name: string; nodeEnv: "production" | "development"; dingtalkCallback: boolean };

export async function createFuzzWorld(mode: WorldMode) {
  const t = await createTestDatabase();
  const clock = testClock(new Date("2026-03-03T02:00:00Z"));
  const wecom = createFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId, now: clock.now });
  const dingtalk = createFakeDingtalk({ appKey: DINGTALK.appKey, appSecret: DINGTALK.appSecret, robotCode: DINGTALK.robotCode, cardTemplateId: DINGTALK.templateId, now: clock.now });
  const telegram = createFakeTelegram({ token: TELEGRAM.token, now: clock.now });
  // One fetch for the app, routed by origin to each platform's fake.
  const fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const origin = new URL(input instanceof Request ? input.url : String(input)).origin;
    if (origin === WECOM_BASE) return wecom.fetch(input, init);
    if (origin === DINGTALK.apiBase) return dingtalk.fetch(input, init);
    return telegram.fetch(input, init);
  }) as typeof globalThis.fetch;
  const env: Record<string, string> = {
    NODE_ENV: mode.nodeEnv,
    ADMIN_TOKEN,
    SIGNING_SECRET,
    SIMULATOR_ENABLED: "true",
    ...wecomVars(WECOM_BASE),
    DINGTALK_APP_KEY: DINGTALK.appKey,
    DINGTALK_APP_SECRET: DINGTALK.appSecret,
    DINGTALK_ROBOT_CODE: DINGTALK.robotCode,
    DINGTALK_API_BASE: DINGTALK.apiBase,
    TELEGRAM_BOT_TOKEN: TELEGRAM.token,
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM.secret,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_BOT_INFO: JSON.stringify(defaultBotInfo(TELEGRAM.token)),
    ...(mode.dingtalkCallback
      ? { DINGTALK_CALLBACK_TOKEN: DINGTALK.token, DINGTALK_CALLBACK_AES_KEY: DINGTALK.aesKey, DINGTALK_CARD_TEMPLATE_ID: DINGTALK.templateId, DINGTALK_CARD_ROUTE_KEY: DINGTALK.routeKey }
      : {}),
  };
  const config = loadConfig(env);
  await seedDatabase(t.db.prisma, { production: false });
  const logs = memoryLogger("info");
  const runtime = createRuntime({ config, db: t.db, logger: logs.logger, clock, fetch });
  const prisma = t.db.prisma;
  const settle = async () => {
    await runtime.services.settle();
    await runtime.services.dispatcher.drain();
  };
  const login = await runtime.app.request("/simulator/login", { method: "POST", body: new URLSearchParams({ token: ADMIN_TOKEN }) });
  const cookie = mode.nodeEnv === "production" ? login.headers.get("set-cookie")!.split(";")[0]! : "";

  const counts = () => Promise.all([prisma.inboundEvent.count(), prisma.outboxMessage.count(), prisma.person.count(), prisma.application.count()]);
  const unhandled = () => logs.lines().filter((l) => l["msg"] === "unhandled error" || l["msg"] === "inbound event handling failed");

  const seenRows = new Set<string>();
  /** Sends one request and asserts the properties; returns what happened for finer checks. */
  async function check(r: Req, label = `${r.method} ${r.path.slice(0, 120)}`): Promise<Outcome> {
    await settle();
    const before = await counts();
    const crashesBefore = unhandled().length;
    const res = await runtime.app.request(toRequest(r));
    const text = await res.text();
    await settle();
    const after = await counts();
    expect(res.status, `${label} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(500);
    if (res.status >= 400) expect(after, `${label} → ${res.status} persisted something`).toEqual(before);
    expect(await prisma.inboundEvent.count({ where: { status: "FAILED" } }), `${label}: handling crashed`).toBe(0);
    expect(unhandled().slice(crashesBefore), `${label}: unhandled error logged`).toEqual([]);
    // PostgreSQL text cannot hold NUL: a row SQLite took here would be a 500 there. (Checked in
    // JS: SQLite's LIKE stops at a NUL in the pattern.)
    if (after[0] > before[0]) {
      const rows = await prisma.inboundEvent.findMany({ select: { id: true, userId: true, dedupeKey: true } });
      const fresh = rows.filter((x) => !seenRows.has(x.id));
      fresh.forEach((x) => seenRows.add(x.id));
      expect(fresh.filter((x) => /\u0000/.test(x.userId + x.dedupeKey)), `${label}: stored a NUL PostgreSQL would refuse`).toEqual([]);
    }
    return { status: res.status, stored: after[0] - before[0], text };
  }

  // ---------- valid requests, per channel ----------
  let seq = 1;
  const next = () => seq++;
  const nowMs = () => clock.now().getTime();

  const telegramText = (chatId: number | string, text: string, updateId = next()) => ({
    update_id: updateId,
    message: { message_id: updateId, date: Math.floor(nowMs() / 1000), chat: { id: chatId, type: "private", first_name: "测试" }, from: { id: chatId, is_bot: false, first_name: "测试" }, text },
  });
  const telegramTap = (chatId: number | string, data: string, messageId: number, updateId = next()) => ({
    update_id: updateId,
    callback_query: { id: `cbq-${updateId}`, from: { id: chatId, is_bot: false, first_name: "测试" }, chat_instance: "ci", data, message: { message_id: messageId, date: Math.floor(nowMs() / 1000), chat: { id: chatId, type: "private", first_name: "测试" }, text: "card" } },
  });
  /** `secret` null: no secret header at all. */
  const telegramPost = (update: unknown, secret: string | null = TELEGRAM.secret): Req => ({
    method: "POST",
    path: "/webhooks/telegram",
    headers: { "content-type": "application/json", ...(secret !== null ? { "x-telegram-bot-api-secret-token": secret } : {}) },
    body: textBody(typeof update === "string" ? update : JSON.stringify(update)),
  });
  /** Sends a real card to a Telegram chat through the adapter; its buttons' callback_data and message id. */
  async function telegramCard(chatId: string, keys: string[], cardId = `fzcard${next()}`) {
    const r = await runtime.services.adapters.telegram!.send(chatId, { kind: "card", card: { id: cardId, title: "审批", buttons: keys.map((key, i) => ({ key, label: `按钮${i}` })) } });
    const m = telegram.messages.find((x) => String(x.messageId) === r.externalId)!;
    return { cardId, messageId: m.messageId, data: m.replyMarkup!.inline_keyboard.flat().map((b) => b.callback_data!) };
  }

  const dingtalkRobotBody = (userId: string, text: string, msgId = `fzmsg${next()}`) => robotTextBody({ userId, text, msgId, robotCode: DINGTALK.robotCode, createAt: nowMs() });
  const dingtalkRobot = (body: unknown, o: { timestamp?: number | string; sign?: string | null } = {}): Req => {
    const ts = String(o.timestamp ?? nowMs());
    const sign = o.sign === undefined ? robotSignature(DINGTALK.appSecret, ts) : o.sign;
    return { method: "POST", path: "/webhooks/dingtalk", headers: { "content-type": "application/json", timestamp: ts, ...(sign !== null ? { sign } : {}) }, body: textBody(typeof body === "string" ? body : JSON.stringify(body)) };
  };
  const dingtalkCardBody = (o: { outTrackId: string; userId: string; key: string; sig?: string; params?: unknown; content?: unknown }) => ({
    outTrackId: o.outTrackId,
    corpId: "dingcorp0000",
    userId: o.userId,
    type: "actionCallback",
    content: o.content !== undefined ? o.content : JSON.stringify({ cardPrivateData: { actionIds: ["btn1"], params: "params" in o ? o.params : { key: o.key, sig: o.sig ?? signButton(SIGNING_SECRET, o.outTrackId, o.userId, o.key) } } }),
  });
  const dingtalkJson = (body: unknown, query = ""): Req => ({ method: "POST", path: `/webhooks/dingtalk${query}`, headers: { "content-type": "application/json" }, body: textBody(typeof body === "string" ? body : JSON.stringify(body)) });
  /** An encrypted event callback; `encrypt` may be replaced, the signature made over what is sent unless `resign` is false. */
  const dingtalkEvent = (plaintext: string, o: { timestamp?: number | string; nonce?: string; encrypt?: (e: string) => string; resign?: boolean; ownerKey?: string; token?: string } = {}): Req => {
    const ts = String(o.timestamp ?? nowMs());
    const nonce = o.nonce ?? "fznonce1";
    const e0 = encryptForDingtalk(DINGTALK.aesKey, plaintext, o.ownerKey ?? DINGTALK.appKey);
    const e = o.encrypt ? o.encrypt(e0) : e0;
    const q = new URLSearchParams({ msg_signature: callbackSignature(o.token ?? DINGTALK.token, ts, nonce, o.resign === false ? e0 : e), timeStamp: ts, nonce });
    return dingtalkJson({ encrypt: e }, `?${q}`);
  };

  const wecomPost = (innerXml: string, o: { timestamp?: number } = {}): Req => {
    const s = signCallback({ ...WECOM, innerXml, timestamp: o.timestamp ?? Math.floor(nowMs() / 1000), agentId: WECOM.agentId });
    return { method: "POST", path: `/webhooks/wecom?${s.query}`, headers: { "content-type": "text/xml" }, body: textBody(s.body) };
  };
  const wecomText = (fromUser: string, content: string, msgId = String(7_000_000 + next())) =>
    textMessageXml({ toUser: WECOM.corpId, fromUser, content, msgId, createTime: Math.floor(nowMs() / 1000), agentId: WECOM.agentId });

  const webPost = (body: unknown, o: { cookie?: boolean; type?: string } = {}): Req => ({
    method: "POST",
    path: "/webhooks/web",
    headers: { "content-type": o.type ?? "application/json", ...(o.cookie === false || !cookie ? {} : { cookie }) },
    body: textBody(typeof body === "string" ? body : JSON.stringify(body)),
  });

  return {
    mode,
    t,
    prisma,
    runtime,
    clock,
    logs,
    fakes: { wecom, dingtalk, telegram },
    cookie,
    check,
    toRequest,
    settle,
    next,
    nowMs,
    telegram: { text: telegramText, tap: telegramTap, post: telegramPost, card: telegramCard },
    dingtalk: { robotBody: dingtalkRobotBody, robot: dingtalkRobot, cardBody: dingtalkCardBody, json: dingtalkJson, event: dingtalkEvent },
    wecom: { post: wecomPost, text: wecomText },
    web: { post: webPost },
    async close() {
      await settle();
      await t.drop();
    },
  };
}

export type FuzzWorld = Awaited<ReturnType<typeof createFuzzWorld>>;
