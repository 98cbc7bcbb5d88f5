// The chart's series from a report: one point per month of the period (empty months included).
import type { SurveyReport } from "../../domain/surveys/survey-report.ts";
import type { MonthlyScores } from "./score-chart-svg.ts";

export function monthlyScores(report: SurveyReport): MonthlyScores[] {
  return report.byMonth.map((m) => ({ month: m.key, responses: m.responses, overall: m.overall, timeliness: m.timeliness, professionalism: m.professionalism, nps: m.nps }));
}
