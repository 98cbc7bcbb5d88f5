import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";

/** GET /healthz: 200 when the database answers, 503 when it does not. */
export function healthRoutes(deps: Pick<AppDeps, "db" | "logger" | "clock">) {
  const app = new Hono();
  app.get("/healthz", async (c) => {
    const started = deps.clock.now().getTime();
    try {
      await deps.db.ping();
      return c.json({ status: "ok", database: deps.db.provider, latencyMs: deps.clock.now().getTime() - started });
    } catch (err) {
      deps.logger.error({ err }, "health check: database unreachable");
      return c.json({ status: "unavailable", database: deps.db.provider }, 503);
    }
  });
  return app;
}
