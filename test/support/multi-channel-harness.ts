// ONE runtime with every channel on — WeCom, DingTalk (with its card template), Telegram and the
// web simulator — over a seeded demo directory. Each platform's fake answers on its own loopback
// base URL; the runtime's one `fetch` routes by URL prefix, so a request meant for one platform can
// never be answered by another's fake. Drivers (channel-drivers.ts) speak through the real routes.
import { createRuntime } from "../../src/app/create-app.ts";
import { resvgScoreChartRenderer } from "../../src/app/reports/score-chart.node.ts";
import { loadConfig } from "../../src/config/config.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { createFakeDingtalk, type FakeDingtalk } from "../fakes/fake-dingtalk-api.ts";
import { createFakeTelegram, defaultBotInfo, type FakeTelegram } from "../fakes/fake-telegram-api.ts";
import { createFakeWecom, type FakeWecom } from "../fakes/fake-wecom-api.ts";
import { dingtalkDriver, telegramDriver, telegramSnapshots, webDriver, wecomDriver, type ChannelDriver, type DriverContext } from "./channel-drivers.ts";
import { memoryLogger } from "./silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "./test-db.ts";
import { testClock, WECOM, wecomVars } from "./wecom-harness.ts";

export const CHANNELS = ["wecom", "dingtalk", "telegram", "web"] as const;
export type ChannelKey = (typeof CHANNELS)[number];

const BASE = { wecom: "http://127.0.0.1:19101", dingtalk: "http://127.0.0.1:19102", telegram: "http://127.0.0.1:19103" } as const;

export const DINGTALK = { appKey: "dingjourneykey0001", appSecret: "journey-app-secret-0123456789", robotCode: "dingjourneykey0001", cardTemplateId: "journey-template.schema", cardRouteKey: "journey-route" };
export const TELEGRAM = { token: "123456789:AAJourneyTokenForTheFakeBotApi_0123", webhookSecret: "journey_webhook-secret_0123" };
export const SIGNING_SECRET = "journey-signing-secret-0123456789";

export interface MultiChannelHarness {
  t: TestDatabase;
  runtime: ReturnType<typeof createRuntime>;
  clock: ReturnType<typeof testClock>;
  logs: ReturnType<typeof memoryLogger>;
  fakes: { wecom: FakeWecom; dingtalk: FakeDingtalk; telegram: FakeTelegram };
  drivers: Record<ChannelKey, ChannelDriver>;
  /** Every outbound call, by platform, in order (what the router saw). */
  routed: Array<{ platform: keyof typeof BASE; url: string }>;
  /** Background work done and the outbox drained. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function createMultiChannelHarness(opts: { clock?: ReturnType<typeof testClock>; logLevel?: string } = {}): Promise<MultiChannelHarness> {
  const t = await createTestDatabase();
  await seedDatabase(t.db.prisma, { production: false });
  const clock = opts.clock ?? testClock(new Date("2026-03-02T09:00:00+08:00"));
  const logs = memoryLogger(opts.logLevel ?? "warn");
  const fakes = {
    wecom: createFakeWecom({ corpId: WECOM.corpId, secret: WECOM.secret, agentId: WECOM.agentId, now: clock.now }),
    dingtalk: createFakeDingtalk({ appKey: DINGTALK.appKey, appSecret: DINGTALK.appSecret, robotCode: DINGTALK.robotCode, cardTemplateId: DINGTALK.cardTemplateId, now: clock.now }),
    telegram: createFakeTelegram({ token: TELEGRAM.token, apiRoot: BASE.telegram, now: clock.now }),
  };
  const tg = telegramSnapshots(fakes.telegram);
  const routed: MultiChannelHarness["routed"] = [];
  const handlers = { wecom: fakes.wecom.fetch, dingtalk: fakes.dingtalk.fetch, telegram: tg.fetch } as const;
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const platform = (Object.keys(BASE) as Array<keyof typeof BASE>).find((p) => url === BASE[p] || url.startsWith(`${BASE[p]}/`));
    // No network: a URL outside the three fakes is a bug in the wiring, not a request to make.
    if (!platform) throw new TypeError(`multi-channel harness: no fake at ${new URL(url).origin}`);
    routed.push({ platform, url });
    return handlers[platform](input, init);
  }) as typeof globalThis.fetch;

  const config = loadConfig({
    ...wecomVars(BASE.wecom),
    DINGTALK_APP_KEY: DINGTALK.appKey,
    DINGTALK_APP_SECRET: DINGTALK.appSecret,
    DINGTALK_ROBOT_CODE: DINGTALK.robotCode,
    DINGTALK_API_BASE: BASE.dingtalk,
    DINGTALK_CARD_TEMPLATE_ID: DINGTALK.cardTemplateId,
    DINGTALK_CARD_ROUTE_KEY: DINGTALK.cardRouteKey,
    TELEGRAM_BOT_TOKEN: TELEGRAM.token,
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM.webhookSecret,
    TELEGRAM_API_ROOT: BASE.telegram,
    TELEGRAM_BOT_INFO: JSON.stringify(defaultBotInfo(TELEGRAM.token)),
    SIGNING_SECRET,
    SIMULATOR_ENABLED: "true",
  });
  const runtime = createRuntime({ config, db: t.db, logger: logs.logger, clock, fetch, chartRenderer: resvgScoreChartRenderer });
  const settle = async () => {
    await runtime.services.settle();
    await runtime.services.dispatcher.drain();
  };
  const ctx: DriverContext = {
    async post(req) {
      // People take a few seconds per message; without this the per-member send caps defer replies.
      clock.advance(6_000);
      const res = await runtime.app.request(req);
      await settle();
      return res;
    },
    now: clock.now,
    prisma: t.db.prisma,
  };
  return {
    t,
    runtime,
    clock,
    logs,
    fakes,
    routed,
    drivers: {
      wecom: wecomDriver(ctx, fakes.wecom, WECOM),
      dingtalk: dingtalkDriver(ctx, fakes.dingtalk, DINGTALK),
      telegram: telegramDriver(ctx, fakes.telegram, tg.sent, TELEGRAM.webhookSecret),
      web: webDriver(ctx),
    },
    settle,
    async close() {
      await settle();
      await t.drop();
    },
  };
}
