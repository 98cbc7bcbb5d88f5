import { clip } from "../../domain/clip.ts";
import type { SurveyReport } from "../../domain/surveys/survey-report.ts";

// 8.2: the figures as a short chat text (服务评价), within a WeCom text message (~1000 characters).

const score = (n: number | null) => (n === null ? "—" : n.toFixed(2));

export function surveyReportText(r: SurveyReport, label: string): string {
  const t = r.totals;
  const lines = [`服务评价 · ${clip(label, 40)}`, `${r.from} 至 ${r.to}`];
  if (t.responses === 0 && t.surveysSent === 0) lines.push("本期暂无评价问卷和答复。");
  else {
    lines.push(`答复 ${t.responses} 份；回复率 ${t.responseRate === null ? "—" : `${t.responseRate}%`}（本期发出 ${t.surveysSent} 份问卷，应答 ${t.asked} 人次，已答 ${t.answered}）`);
    lines.push(`平均分（满分 5）：总体满意 ${score(t.overall)} · 及时性 ${score(t.timeliness)} · 专业性 ${score(t.professionalism)}`);
    lines.push(`推荐净值 NPS ${t.nps === null ? "—" : t.nps}（推荐 ${t.promoters} · 中立 ${t.passives} · 贬损 ${t.detractors}）`);
  }
  lines.push(`跟进：本期新开 ${t.followUpsOpened} 条，已办结 ${t.followUpsClosed} 条；目前未办结 ${r.backlog.open} 条，其中逾期 ${r.backlog.overdue} 条`);
  lines.push(`服务：新申请 ${t.servicesCreated} 件，办结 ${t.servicesClosed} 件${t.cycleHoursMedian === null ? "" : `，办理时长中位数 ${t.cycleHoursMedian} 小时`}`);
  const top = r.byStudio
    .filter((s) => s.responses > 0)
    .sort((a, b) => b.responses - a.responses || a.label.localeCompare(b.label))
    .slice(0, 3);
  if (top.length) {
    lines.push("答复最多的工作室：");
    top.forEach((s, i) => lines.push(`${i + 1}. ${s.label} ${clip(s.enterprise, 24)}：${s.responses} 份，满意 ${score(s.overall)}，NPS ${s.nps ?? "—"}`));
  }
  return lines.join("\n");
}
