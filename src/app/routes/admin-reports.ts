import { Hono, type Context } from "hono";
import { businessDate } from "../../domain/calendar/working-days.ts";
import { ValidationError } from "../../domain/errors.ts";
import { loadResponseRows, surveyFiguresFor } from "../../storage/survey-report-store.ts";
import type { AppDeps } from "../deps.ts";
import { monthlyScores } from "../reports/monthly-scores.ts";
import { svgScoreChartRenderer, type ScoreChartRenderer } from "../reports/score-chart-renderer.ts";
import { scoreChartSvg, type ScoreChartInput } from "../reports/score-chart-svg.ts";
import { responsesCsv, responsesXlsx } from "../reports/survey-exports.ts";
import { findStudio } from "../studios/studio-records.ts";
import { requireAdmin } from "./admin-auth.ts";

// 8.2 reports for administrators (Bearer ADMIN_TOKEN, absent without it): the figures as JSON, the
// scores per month as a chart (surveys.png: a PNG where the runtime passes a PNG renderer, i.e. Node;
// surveys.svg everywhere), and the answers as CSV and XLSX. All take ?from=&to= (business dates,
// inclusive; default this month up to today) and ?studio= (id or number).

/** ECharts escapes the SVG's text; opened as a page the SVG still may run nothing (its own styles only). */
const SVG_HEADERS = { "content-type": "image/svg+xml", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'", "x-content-type-options": "nosniff", "cache-control": "no-store" };
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_MONTHS = 120;

function date(name: string, value: string): string {
  const m = DATE.exec(value);
  const ok = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDate() === Number(m[3]) && Number(m[2]) >= 1 && Number(m[2]) <= 12;
  if (!ok) throw new ValidationError(`${name} must be a date YYYY-MM-DD, e.g. ${name}=2026-11-01 (got "${value.slice(0, 40)}")`);
  return value;
}

export function adminReportRoutes(deps: Pick<AppDeps, "config" | "db" | "clock"> & { chartRenderer?: ScoreChartRenderer }) {
  const app = new Hono();
  const token = deps.config.adminToken;
  if (!token) return app;
  const { prisma } = deps.db;
  const tz = deps.config.timeZone;
  app.use("/admin/*", requireAdmin(token));

  /** The period and scope of a request; 400 on a bad date, from after to, a too long period or an unknown studio. */
  async function filters(c: Context) {
    const today = businessDate(deps.clock.now(), tz);
    const q = (k: string) => c.req.query(k);
    const from = q("from") !== undefined ? date("from", q("from")!) : `${today.slice(0, 8)}01`;
    const to = q("to") !== undefined ? date("to", q("to")!) : today;
    if (from > to) throw new ValidationError(`from (${from}) is after to (${to})`);
    const months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
    if (months > MAX_MONTHS) throw new ValidationError(`the period spans ${months} months; at most ${MAX_MONTHS}`);
    const studioParam = q("studio");
    let studio: { id: string; number: string } | null = null;
    if (studioParam !== undefined) {
      studio = studioParam.trim() ? await findStudio(prisma, studioParam.trim().slice(0, 100)) : null;
      if (!studio) throw new ValidationError(`no studio "${studioParam.slice(0, 60)}": give its id or number, e.g. studio=ZSIPS-2026-001`);
    }
    return { from, to, today, studio, studioIds: studio ? [studio.id] : undefined, timeZone: tz };
  }
  const fileName = (f: { from: string; to: string; studio: { number: string } | null }, ext: string) =>
    `survey-responses_${f.studio ? `${f.studio.number}_` : ""}${f.from}_${f.to}.${ext}`.replace(/[^A-Za-z0-9._-]/g, "_");

  app.get("/admin/reports/surveys", async (c) => {
    const f = await filters(c);
    const report = await surveyFiguresFor(prisma, f);
    return c.json({ timeZone: tz, scope: f.studio ? { studio: f.studio.number } : { studio: null }, ...report });
  });

  async function chartInput(c: Context): Promise<ScoreChartInput> {
    const f = await filters(c);
    const report = await surveyFiguresFor(prisma, f);
    return { title: `服务评价 ${f.studio ? `${f.studio.number} ` : ""}${f.from} 至 ${f.to}`, months: monthlyScores(report) };
  }

  app.get("/admin/reports/surveys.svg", async (c) => {
    const svg = await scoreChartSvg(await chartInput(c));
    return c.body(svg, 200, SVG_HEADERS);
  });

  // The runtime's renderer: PNG on Node. Without a PNG rasteriser (Workers) the same URL answers the
  // SVG as image/svg+xml (browsers show it; clients go by Content-Type), so links keep working;
  // surveys.svg is the name to use for SVG on every runtime.
  const renderer = deps.chartRenderer ?? svgScoreChartRenderer;
  app.get("/admin/reports/surveys.png", async (c) => {
    const chart = await renderer.render(await chartInput(c));
    return c.body(chart.bytes as Uint8Array<ArrayBuffer>, 200, chart.contentType === "image/png" ? { "content-type": "image/png", "cache-control": "no-store" } : SVG_HEADERS);
  });

  app.get("/admin/reports/survey-responses.csv", async (c) => {
    const f = await filters(c);
    const csv = responsesCsv(await loadResponseRows(prisma, f));
    return c.body(csv, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${fileName(f, "csv")}"`, "cache-control": "no-store" });
  });

  app.get("/admin/reports/survey-responses.xlsx", async (c) => {
    const f = await filters(c);
    const xlsx = await responsesXlsx(await loadResponseRows(prisma, f), `服务评价答复 ${f.from} 至 ${f.to}`);
    return c.body(xlsx as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="${fileName(f, "xlsx")}"`,
      "cache-control": "no-store",
    });
  });

  return app;
}
