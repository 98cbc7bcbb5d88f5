import { Hono } from "hono";
import { createDomain, defaultHandlers, type Domain } from "./bot/handlers.ts";
import type { AppDeps } from "./deps.ts";
import { createErrorHandler, refuseNulInUrl } from "./error-handler.ts";
import { adminAuditRoutes } from "./routes/admin-audit.ts";
import { adminCalendarRoutes } from "./routes/admin-calendar.ts";
import { adminJobRoutes } from "./routes/admin-jobs.ts";
import { adminDirectoryRoutes } from "./routes/admin-directory.ts";
import { adminOutboxRoutes } from "./routes/admin-outbox.ts";
import { adminReportRoutes } from "./routes/admin-reports.ts";
import { adminStudioRoutes } from "./routes/admin-studios.ts";
import { ipAssetRoutes } from "./routes/ip-assets.ts";
import { printRoutes } from "./routes/application-print.ts";
import { healthRoutes } from "./routes/health.ts";
import { simulatorRoutes } from "./routes/simulator.ts";
import { webhookRoutes } from "./routes/webhooks.ts";
import { createServices, type CoreDeps, type Services } from "./services.ts";

/** The runtime-agnostic app on web Request/Response; entries in src/entry wire it to a runtime. */
export function createApp(deps: AppDeps & { services: Services; domain: Domain }) {
  const app = new Hono();
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => c.json({ error: "not_found", message: "没有这个地址" }, 404));
  app.use("*", refuseNulInUrl);
  app.route("/", healthRoutes(deps));
  app.route("/", webhookRoutes(deps.services));
  app.route("/", printRoutes({ ...deps, linkSigner: deps.domain.linkSigner })); // A.1 print view
  app.route("/", simulatorRoutes(deps));
  app.route("/", adminAuditRoutes(deps)); // first: its /admin/* check audits refusals
  app.route("/", adminOutboxRoutes(deps));
  app.route("/", adminDirectoryRoutes(deps));
  app.route("/", adminStudioRoutes(deps)); // agencies, studio rosters (6.4)
  app.route("/", adminJobRoutes(deps)); // scheduled jobs: list, run now, ?at= outside production
  app.route("/", adminReportRoutes(deps)); // 8.2 survey reports: JSON, PNG chart, CSV and XLSX
  app.route("/", ipAssetRoutes({ ...deps, calendar: deps.domain.calendar })); // IP register: template (public) and bulk import
  app.route("/", adminCalendarRoutes(deps)); // working-day calendar years: GET/PUT/DELETE /admin/calendar/:year
  app.get("/", (c) => c.text("IP Studio Bot (知识产权流动工作室助手) is running. See /healthz."));
  return app;
}

/** Services plus the app over them: what every runtime entry and integration test builds. */
export function createRuntime(deps: CoreDeps) {
  let domain: Domain | undefined;
  const services = createServices(deps, (base) => {
    domain = createDomain({ ...deps, ...base });
    return defaultHandlers({ ...deps, ...base }, domain);
  });
  return { app: createApp({ ...deps, services, domain: domain! }), services, domain: domain! };
}
