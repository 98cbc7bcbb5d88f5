// 8.2: the survey scores per month as an SVG document. Apache ECharts renders it server-side (no
// DOM, no canvas), so this runs on every runtime (Node, Workers). Turning it into PNG needs a
// native rasteriser: score-chart.node.ts, passed in by the Node entry (see score-chart-renderer.ts).
import { ValidationError } from "../../domain/errors.ts";

/** ECharts is loaded on the first chart, not at start-up (about 30 MB a process never asked for a chart keeps free). */
let loaded: Promise<typeof import("echarts/core")> | undefined;
function echartsCore() {
  return (loaded ??= (async () => {
    const [echarts, charts, components, renderers] = await Promise.all([import("echarts/core"), import("echarts/charts"), import("echarts/components"), import("echarts/renderers")]);
    echarts.use([charts.LineChart, charts.BarChart, components.GridComponent, components.LegendComponent, components.TitleComponent, components.GraphicComponent, renderers.SVGRenderer]);
    return echarts;
  })());
}

export interface MonthlyScores {
  /** "YYYY-MM" */
  month: string;
  responses: number;
  /** Averages of the 1–5 scores, null when the month has no answer. */
  overall: number | null;
  timeliness: number | null;
  professionalism: number | null;
  /** Net promoter score, −100..100. */
  nps: number | null;
}

export interface ScoreChartInput {
  title: string;
  months: MonthlyScores[];
  /** Pixels, default 960 × 540. */
  width?: number;
  height?: number;
}

export interface ScoreChartFonts {
  /** CSS font-family list of the title and the "no data" text. */
  title: string;
  /** CSS font-family list of the axis and legend labels. */
  labels: string;
}

export const SCORE_CHART_FONT = "Noto Sans CJK SC";
/** For an SVG shown by a browser: Noto where installed, else the viewer's own sans-serif (CJK-capable on every OS). */
const VIEWER_FONTS: ScoreChartFonts = { title: `${SCORE_CHART_FONT}, sans-serif`, labels: `${SCORE_CHART_FONT}, sans-serif` };
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_MONTHS = 240;
const MAX_SIDE = 4000;

export const SERIES_NAMES = { overall: "整体满意度", timeliness: "及时性", professionalism: "专业性", nps: "推荐值 NPS" } as const;
// In series order: the NPS bars (pale, behind), then the three lines.
const COLORS = ["#b8c7e0", "#2f6fdf", "#1aa367", "#e08a1e"];

/** The chart's size; throws ValidationError for a malformed month, a silly size or too many months. */
export function checkScoreChartInput(input: ScoreChartInput): { width: number; height: number } {
  const width = input.width ?? 960;
  const height = input.height ?? 540;
  for (const side of [width, height]) {
    if (!Number.isInteger(side) || side < 200 || side > MAX_SIDE) throw new ValidationError(`chart: width and height must be whole numbers 200–${MAX_SIDE}`);
  }
  if (input.months.length > MAX_MONTHS) throw new ValidationError(`chart: at most ${MAX_MONTHS} months`);
  const bad = input.months.find((m) => !MONTH.test(m.month));
  if (bad) throw new ValidationError("chart: month must be YYYY-MM", { month: String(bad.month).slice(0, 20) });
  return { width, height };
}

/**
 * The SVG of the scores per month: three 1–5 averages on the left axis, NPS as bars on the right.
 * `fonts` default to ones a browser resolves; the PNG rasteriser passes the faces it loaded.
 */
export async function scoreChartSvg(input: ScoreChartInput, fonts: ScoreChartFonts = VIEWER_FONTS): Promise<string> {
  const echarts = await echartsCore();
  const { width, height } = checkScoreChartInput(input);
  const { months } = input;
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    const hasData = months.some((m) => [m.overall, m.timeliness, m.professionalism, m.nps].some((v) => v !== null && Number.isFinite(v)));
    const textStyle = { fontFamily: fonts.labels };
    const empty = {
      type: "text",
      left: "center",
      top: "middle",
      style: { text: "暂无数据", fontSize: 22, fill: "#999999", fontFamily: fonts.title },
    };
    const titleOpt = { text: input.title.slice(0, 60), left: "center", top: 12, textStyle: { fontFamily: fonts.title, fontSize: 18 } };
    if (months.length === 0) {
      chart.setOption({ animation: false, backgroundColor: "#ffffff", textStyle, title: titleOpt, graphic: [empty] });
      return chart.renderToSVGString();
    }
    const line = (key: "overall" | "timeliness" | "professionalism") => ({
      name: SERIES_NAMES[key],
      type: "line",
      yAxisIndex: 0,
      symbolSize: 7,
      lineStyle: { width: 3 },
      data: months.map((m) => point(m[key], 0, 5)),
      z: 3,
    });
    chart.setOption({
      animation: false,
      backgroundColor: "#ffffff",
      color: COLORS,
      textStyle,
      title: titleOpt,
      legend: { bottom: 10, textStyle: { ...textStyle, fontSize: 13 }, data: [SERIES_NAMES.overall, SERIES_NAMES.timeliness, SERIES_NAMES.professionalism, SERIES_NAMES.nps] },
      grid: { left: 56, right: 64, top: 64, bottom: 84 },
      xAxis: {
        type: "category",
        // The month and how many answered it: an average of 2 answers reads differently from one of 200.
        data: months.map((m) => `${m.month}\n${m.responses} 份`),
        axisLabel: { fontFamily: fonts.labels, interval: months.length > 18 ? "auto" : 0 },
      },
      yAxis: [
        { type: "value", name: "平均分", min: 0, max: 5, interval: 1, nameTextStyle: textStyle },
        { type: "value", name: "NPS", min: -100, max: 100, interval: 50, splitLine: { show: false }, nameTextStyle: textStyle },
      ],
      series: [
        { name: SERIES_NAMES.nps, type: "bar", yAxisIndex: 1, barMaxWidth: 36, data: months.map((m) => point(m.nps, -100, 100)), z: 1 },
        line("overall"),
        line("timeliness"),
        line("professionalism"),
      ],
      graphic: hasData ? [] : [empty],
    });
    return chart.renderToSVGString();
  } finally {
    // An undisposed instance keeps zrender's loop alive (the process would not exit).
    chart.dispose();
  }
}

/** A value ECharts draws, or "-" (a gap) for a month without one. */
function point(v: number | null, min: number, max: number): number | string {
  return v === null || !Number.isFinite(v) ? "-" : Math.round(Math.min(max, Math.max(min, v)) * 100) / 100;
}
