import type { Config } from "../config/config.ts";
import type { Logger } from "../log/logger.ts";
import type { Database } from "../storage/database.ts";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything the app needs, passed in: no process.env or singletons inside createApp. */
export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  clock: Clock;
}
