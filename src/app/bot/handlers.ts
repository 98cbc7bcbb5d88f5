import type { CoreDeps, Services } from "../services.ts";
import type { BotHandler } from "./bot-context.ts";

/** The bot's plugins, in the order they are offered each event (the menu is the fallback). */
export function defaultHandlers(_deps: CoreDeps & Pick<Services, "directory" | "adapters">): BotHandler[] {
  return [];
}
