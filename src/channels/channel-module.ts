// What a messenger brings to the product: one folder under src/channels/ exporting a ChannelModule,
// and one line in registry.ts. Config, wiring, the outbox's pacing and the webhook route read the
// registry; nothing outside a channel's folder names a channel.
import type { z } from "zod";
import type { ChannelAdapter, ChannelCapabilities } from "./channel.ts";
import type { ChannelTokenStore } from "./token-store.ts";

/** Messages a platform lets through to one member; beyond them it drops (WeCom) or refuses (429). */
export interface ChannelRateLimit {
  perMinute: number;
  perHour: number;
}

/** What the composition root hands every channel's factory. */
export interface ChannelModuleDeps {
  /** Every outbound platform call (tests pass in-process fakes). */
  fetch?: typeof fetch;
  now: () => Date;
  /** Replay window for signed callbacks (WEBHOOK_MAX_AGE_SECONDS); 0 turns it off. */
  maxAgeSeconds: number;
  /** Access tokens shared by every instance (the ChannelToken table), not per process. */
  tokens: ChannelTokenStore;
  /** Signs values the channel round-trips through the platform (Telegram's callback_data). */
  signingSecret: string;
}

export interface ChannelModule<C = unknown> {
  /** The channel's name in URLs (/webhooks/:name), identities and the outbox. [a-z]+. */
  readonly name: string;
  /** How people call it, for messages ("企业微信"). */
  readonly label: string;
  /**
   * Its variables, read from the whole environment: null when none of them is set (the channel is
   * off), its config when all that it needs are; a partial or invalid set is an issue per variable
   * (path [NAME], message saying what is expected).
   */
  readonly configSchema: z.ZodType<C | null>;
  /** An example value per variable, for configuration errors. */
  readonly examples: Readonly<Record<string, string>>;
  readonly capabilities: ChannelCapabilities;
  readonly rateLimits?: ChannelRateLimit;
  /**
   * Its buttons carry signatures made with deps.signingSecret: then production needs SIGNING_SECRET
   * set (a random secret per process would void every button at a restart or on another instance).
   */
  readonly signsWithSecret?: boolean;
  create(config: C, deps: ChannelModuleDeps): ChannelAdapter;
}

/** Keeps C checked inside the module while the registry holds modules of different configs. */
export function defineChannel<C>(m: ChannelModule<C>): ChannelModule<unknown> {
  return m as ChannelModule<unknown>;
}
