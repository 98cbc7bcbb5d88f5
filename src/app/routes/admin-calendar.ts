import { Hono } from "hono";
import { NotFoundError } from "../../domain/errors.ts";
import { deleteCalendarYear, saveCalendarYear } from "../../storage/calendar-years.ts";
import { CalendarYearBody, parseYearParam, validateCalendarYear } from "../calendar/calendar-year-input.ts";
import type { YearCalendar } from "../calendar/year-calendar.ts";
import type { AppDeps } from "../deps.ts";
import { resyncDeadlinesInYear } from "../ip/asset-deadlines.ts";
import { businessDate } from "../../domain/calendar/working-days.ts";
import { jsonBody } from "./json-body.ts";
import { requireAdmin } from "./admin-auth.ts";

// The working-day calendar's years for administrators (Bearer ADMIN_TOKEN, absent without it):
// which source a year comes from, and a year's official schedule loaded as data. A saved year
// replaces the chinese-days package's data for that year; this instance's calendar reloads at
// once, other instances within a minute (src/entry/start-node.ts) and at each calendar-check run.

export function adminCalendarRoutes(deps: Pick<AppDeps, "config" | "db" | "clock" | "logger"> & { domain: { calendar: YearCalendar } }) {
  const app = new Hono();
  const token = deps.config.adminToken;
  if (!token) return app;
  const { prisma } = deps.db;
  const calendar = deps.domain.calendar;
  app.use("/admin/*", requireAdmin(token));

  app.get("/admin/calendar/:year", async (c) => {
    const year = parseYearParam(c.req.param("year"));
    await calendar.reload(); // what the table says now, also when another instance saved it
    return c.json(calendar.view(year));
  });

  app.put("/admin/calendar/:year", async (c) => {
    const year = parseYearParam(c.req.param("year"));
    const input = validateCalendarYear(year, await jsonBody(c.req.raw, CalendarYearBody, 32 * 1024));
    await saveCalendarYear(prisma, { year, ...input }, { at: deps.clock.now(), previousSource: calendar.sourceOf(year) });
    await calendar.reload();
    // Deadlines already computed for that year move with it (a due date now on a holiday).
    const assets = await resyncDeadlinesInYear(prisma, year, { today: businessDate(deps.clock.now(), deps.config.timeZone), calendar });
    deps.logger.info({ year, holidays: input.holidays.length, makeupWorkdays: input.makeupWorkdays.length, assets }, "calendar year saved");
    return c.json(calendar.view(year));
  });

  app.delete("/admin/calendar/:year", async (c) => {
    const year = parseYearParam(c.req.param("year"));
    if (!(await deleteCalendarYear(prisma, year, deps.clock.now()))) throw new NotFoundError(`no admin-entered calendar for ${year}`);
    await calendar.reload();
    await resyncDeadlinesInYear(prisma, year, { today: businessDate(deps.clock.now(), deps.config.timeZone), calendar });
    deps.logger.info({ year }, "calendar year deleted");
    return c.json(calendar.view(year));
  });

  return app;
}
