// 8.2 reports in chat: 服务评价 answers this month's figures for the officer's scope (a town
// officer: the studios of their towns; city officers and leadership: every studio), 服务评价 图表
// the scores per month of the last 12 months as a picture: a PNG where the runtime passes a PNG
// chart renderer (Node), else the picture's text alone (chat apps show no SVG; Workers have no PNG).
import type { SurveyReports } from "../bot/survey-handler.ts";
import { businessDate } from "../../domain/calendar/working-days.ts";
import { imageMessage } from "../../domain/chat.ts";
import type { PrismaClient } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import { studiosInScope, surveyFiguresFor } from "../../storage/survey-report-store.ts";
import type { ScoreChartRenderer } from "./score-chart-renderer.ts";
import { monthlyScores } from "./monthly-scores.ts";
import { surveyReportText } from "./survey-report-text.ts";

export function chatReports(deps: { prisma: PrismaClient; timeZone: string; chartRenderer?: ScoreChartRenderer }): SurveyReports {
  async function figures(person: PersonView, now: Date, months: number) {
    const today = businessDate(now, deps.timeZone);
    const scope = await studiosInScope(deps.prisma, person.roles);
    const [y, m] = today.split("-").map(Number) as [number, number];
    const start = new Date(Date.UTC(y, m - months, 1)).toISOString().slice(0, 10);
    const report = await surveyFiguresFor(deps.prisma, { from: start, to: today, today, studioIds: scope === "all" ? undefined : scope, timeZone: deps.timeZone });
    const label = scope === "all" ? "全市" : `所辖 ${scope.length} 个工作室`;
    return { report, label, today };
  }
  return {
    async monthText(person, now) {
      const { report, label, today } = await figures(person, now, 1);
      return surveyReportText(report, `${today.slice(0, 4)}年${Number(today.slice(5, 7))}月 · ${label}`);
    },
    async chartMessage(person, now) {
      const { report, label } = await figures(person, now, 12);
      const alt = `服务评价图表（${label}）：${surveyReportText(report, label)}`;
      // Phone-sized: a chat picture is read on a 390-pixel-wide screen.
      const chart = await deps.chartRenderer?.render({ title: `服务评价（${label}）`, months: monthlyScores(report), width: 720, height: 480 });
      // No PNG: send what a channel without images shows instead (the image's alt).
      return chart?.contentType === "image/png" ? imageMessage(chart.bytes, alt) : { kind: "text", text: alt };
    },
  };
}
