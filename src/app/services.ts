import type { ChannelAdapter } from "../channels/channel.ts";
import { createWebAdapter } from "../channels/web/web-adapter.ts";
import type { ChannelModule } from "../channels/channel-module.ts";
import { CHANNEL_MODULES } from "../channels/registry.ts";
import { cachedTokenStore } from "../channels/token-store.ts";
import { channelTokenTable } from "../storage/channel-tokens.ts";
import type { ChannelName } from "../domain/chat.ts";
import type { FlowDefinition } from "../flows/flow-schema.ts";
import { createOutboxDispatcher, type OutboxDispatcher, type RateLimit } from "../jobs/outbox-dispatcher.ts";
import { createDirectory, type Directory } from "../storage/directory.ts";
import type { MediaStore } from "../storage/media-key.ts";
import type { BotHandler } from "./bot/bot-context.ts";
import type { YearCalendar } from "./calendar/year-calendar.ts";
import type { ScoreChartRenderer } from "./reports/score-chart-renderer.ts";
import { createBot, type Bot } from "./bot/bot.ts";
import type { AppDeps } from "./deps.ts";
import { createInboundPipeline, type InboundPipeline } from "./inbound-pipeline.ts";
import { createAdminSessions, simulatorAuthorizer, simulatorRefusalAuditor } from "./simulator/simulator-auth.ts";
import { coalesce } from "./coalesce.ts";
import { TaskTracker } from "./task-tracker.ts";

export interface CoreDeps extends AppDeps {
  /** Used for every outbound platform call (tests pass in-process fakes). */
  fetch?: typeof fetch;
  /** Workers: ctx.waitUntil, so background work outlives the response. */
  waitUntil?: (p: Promise<unknown>) => void;
  /** Extra adapters, e.g. the web simulator channel. */
  extraAdapters?: Partial<Record<ChannelName, ChannelAdapter>>;
  newId?: () => string;
  /** The conversation flows to register (default: bot-flows/index.ts), old versions included. */
  flows?: FlowDefinition[];
  /** Where fetched files (set-up photos) go; without one they are not fetched. */
  mediaStore?: MediaStore;
  /** The working-day calendar, loaded by the entry (start-node); default: the package's years until reload(). */
  calendar?: YearCalendar;
  /** The messengers (default: src/channels/registry.ts); config.channels says which are on. */
  channels?: readonly ChannelModule[];
  /** 8.2 score chart as a picture; Node passes the PNG one (score-chart.node.ts). Default: SVG only (admin route; chat gets text). */
  chartRenderer?: ScoreChartRenderer;
}

export interface Services {
  adapters: Partial<Record<ChannelName, ChannelAdapter>>;
  /** Each channel's send caps (the outbox paces every recipient within them). */
  rateLimits: Record<ChannelName, RateLimit>;
  directory: Directory;
  tasks: TaskTracker;
  dispatcher: OutboxDispatcher;
  /** Drain the outbox soon, coalescing concurrent requests. */
  kickOutbox: () => Promise<void>;
  bot: Bot;
  pipeline: InboundPipeline;
  mediaStore?: MediaStore;
  /** Wait for all background work (tests, shutdown). */
  settle(): Promise<void>;
}

/** The send caps of the channels turned on. */
function channelRateLimits(config: Pick<CoreDeps["config"], "channels">, modules: readonly ChannelModule[]): Record<ChannelName, RateLimit> {
  return Object.fromEntries(modules.flatMap((m) => (Object.hasOwn(config.channels, m.name) && m.rateLimits ? [[m.name, m.rateLimits]] : [])));
}

export const randomId = () => crypto.randomUUID().replaceAll("-", "");

/** The composition root for everything behind the routes and jobs. */
export function createServices(deps: CoreDeps, handlers: (base: Pick<Services, "directory" | "adapters">) => BotHandler[] = () => []): Services {
  const { config, db, logger, clock } = deps;
  const now = () => clock.now();
  const adapters: Partial<Record<ChannelName, ChannelAdapter>> = { ...deps.extraAdapters };
  const modules = deps.channels ?? CHANNEL_MODULES;
  const rateLimits = channelRateLimits(config, modules);
  const tokens = cachedTokenStore(now, channelTokenTable(db.prisma));
  for (const m of modules) {
    if (!Object.hasOwn(config.channels, m.name) || adapters[m.name]) continue;
    adapters[m.name] = m.create(config.channels[m.name], { now, maxAgeSeconds: config.webhookMaxAgeSeconds, tokens, signingSecret: config.signingSecret, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  }
  // The simulator's channel (no rate limit: it is our own page); gated like the page in production.
  if (config.simulatorEnabled && !adapters.web) adapters.web = createWebAdapter({ now, authorize: simulatorAuthorizer(config, createAdminSessions(db.prisma, now), simulatorRefusalAuditor({ prisma: db.prisma, clock: deps.clock, logger })) });
  const directory = createDirectory(db.prisma);
  const tasks = new TaskTracker(logger, deps.waitUntil);
  const dispatcher = createOutboxDispatcher({ prisma: db.prisma, adapters, rateLimits, now, logger });
  // Not coalesced: a pass skips recipients still in flight, so a slow send never delays a kick.
  const kickOutbox = () => tasks.run("outbox", () => dispatcher.drain());
  // A handler's replies go out at once, lane by lane, without scanning the outbox (sendTo). After
  // each event a scan starts whatever else is due (messages queued outside the handler's commit);
  // scans do not wait for their sends and are coalesced: one running, one more after it.
  const onQueued = (recipients: { channel: string; userId: string }[]) => void tasks.run("outbox", () => dispatcher.sendTo(recipients));
  const scanOutbox = coalesce(async () => {
    const { done } = await dispatcher.scan();
    void tasks.run("outbox", () => done);
  });
  const afterHandle = () => tasks.run("outbox-scan", scanOutbox);
  const bot = createBot({ prisma: db.prisma, directory, adapters, handlers: handlers({ directory, adapters }), now, newId: deps.newId ?? randomId, logger, onQueued });
  const pipeline = createInboundPipeline({ prisma: db.prisma, tasks, handler: bot.handle, logger, now, afterHandle, helpContact: config.helpContact });
  return { adapters, rateLimits, directory, tasks, dispatcher, kickOutbox, bot, pipeline, ...(deps.mediaStore ? { mediaStore: deps.mediaStore } : {}), settle: () => tasks.drain() };
}
