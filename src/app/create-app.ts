import { Hono } from "hono";
import type { AppDeps } from "./deps.ts";
import { createErrorHandler } from "./error-handler.ts";
import { healthRoutes } from "./routes/health.ts";

/** The runtime-agnostic app on web Request/Response; entries in src/entry wire it to a runtime. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => c.json({ error: "not_found", message: "没有这个地址" }, 404));
  app.route("/", healthRoutes(deps));
  app.get("/", (c) => c.text("IP Studio Bot (知识产权流动工作室助手) is running. See /healthz."));
  return app;
}
