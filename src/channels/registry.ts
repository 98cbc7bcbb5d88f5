// Every messenger the product speaks, one line each. Config (src/config/config.ts), the wiring
// (src/app/services.ts), the outbox's pacing and /webhooks/:channel read this list; adding a
// channel is its folder and a line here (CONTRIBUTING.md).
import type { ChannelModule } from "./channel-module.ts";
import { dingtalkChannel } from "./dingtalk/dingtalk-channel.ts";
import { telegramChannel } from "./telegram/telegram-channel.ts";
import { wecomChannel } from "./wecom/wecom-channel.ts";

export const CHANNEL_MODULES: readonly ChannelModule[] = [
  wecomChannel,
  dingtalkChannel,
  telegramChannel,
];

/** The web simulator's channel: always available to the app, gated by SIMULATOR_ENABLED, not in the env registry. */
export const SIMULATOR_CHANNEL = "web";

/** Every channel name an identity may have. */
export const channelNames = (): string[] => [...CHANNEL_MODULES.map((m) => m.name), SIMULATOR_CHANNEL];

export function channelModule(name: string): ChannelModule | undefined {
  return CHANNEL_MODULES.find((m) => m.name === name);
}

