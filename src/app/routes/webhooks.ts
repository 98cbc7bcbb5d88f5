import { Hono } from "hono";
import type { InboundEvent } from "../../domain/chat.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import type { Services } from "../services.ts";

/**
 * /webhooks/:channel — verify and store the callback, answer at once, handle in the background
 * (WeCom retries after 5 s without an answer).
 */
export function webhookRoutes(services: Pick<Services, "adapters" | "pipeline">) {
  const app = new Hono();
  app.on(["GET", "POST"], "/webhooks/:channel", async (c) => {
    const name = c.req.param("channel");
    // Own keys only: "constructor" or "__proto__" name no channel.
    const adapter = Object.hasOwn(services.adapters, name) ? services.adapters[name] : undefined;
    if (!adapter) throw new NotFoundError(`channel ${name} is not enabled`);
    const { response, events } = await adapter.handleRequest(c.req.raw);
    for (const e of events) checkIndexable(e);
    await services.pipeline.accept(events);
    return response;
  });
  return app;
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * Sender ids and dedupe keys go into indexed columns (PostgreSQL refuses index entries over
 * ~2.7 KB): far longer than any platform sends, they are refused here, before anything is stored.
 */
function checkIndexable(e: InboundEvent) {
  if (bytes(e.sender.userId) > 256) throw new ValidationError(`${e.sender.channel}: sender id too long`);
  if (bytes(e.dedupeKey) > 2000) throw new ValidationError(`${e.sender.channel}: message or event key too long`);
}
