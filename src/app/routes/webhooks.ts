import { Hono } from "hono";
import { CHANNELS, type ChannelName } from "../../domain/chat.ts";
import { NotFoundError } from "../../domain/errors.ts";
import type { Services } from "../services.ts";

/**
 * /webhooks/:channel — verify and store the callback, answer at once, handle in the background
 * (WeCom retries after 5 s without an answer).
 */
export function webhookRoutes(services: Pick<Services, "adapters" | "pipeline">) {
  const app = new Hono();
  app.on(["GET", "POST"], "/webhooks/:channel", async (c) => {
    const name = c.req.param("channel") as ChannelName;
    const adapter = CHANNELS.includes(name) ? services.adapters[name] : undefined;
    if (!adapter) throw new NotFoundError(`channel ${name} is not enabled`);
    const { response, events } = await adapter.handleRequest(c.req.raw);
    await services.pipeline.accept(events);
    return response;
  });
  return app;
}
