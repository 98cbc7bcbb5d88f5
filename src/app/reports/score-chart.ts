// 8.2: the survey scores per month as a PNG (chat image, /admin/reports/surveys.png). Apache ECharts
// renders an SVG string server-side (no DOM, no canvas); resvg turns it into PNG bytes off the
// event loop. Chinese text needs a CJK font on the machine (Debian: fonts-noto-cjk); without one
// the chart is still a valid PNG, only its text is not drawn.
import { existsSync } from "node:fs";
import { renderAsync } from "@resvg/resvg-js";
import { BarChart, LineChart } from "echarts/charts";
import { GraphicComponent, GridComponent, LegendComponent, TitleComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { ValidationError } from "../../domain/errors.ts";

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TitleComponent, GraphicComponent, SVGRenderer]);

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

export interface ScoreChartOptions {
  /** Font files to draw text with; default: Noto Sans CJK where found, else the system's fonts. [] draws no text. */
  fontFiles?: string[];
}

export const SCORE_CHART_FONT = "Noto Sans CJK SC";
/** Where Debian/Ubuntu (fonts-noto-cjk), Fedora and Arch put Noto Sans CJK. */
const FONT_CANDIDATES = [
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
  "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
  "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_MONTHS = 240;
const MAX_SIDE = 4000;

export const SERIES_NAMES = { overall: "整体满意度", timeliness: "及时性", professionalism: "专业性", nps: "推荐值 NPS" } as const;
// In series order: the NPS bars (pale, behind), then the three lines.
const COLORS = ["#b8c7e0", "#2f6fdf", "#1aa367", "#e08a1e"];

/**
 * A TrueType Latin face for digits and Latin letters. resvg outlines Noto CJK's CFF glyphs slowly
 * (a few ms each, measured), and most of a chart's text is digits: with this, ~0.25 s instead of ~0.5 s.
 */
const LATIN_CANDIDATES: Array<{ family: string; files: string[] }> = [
  { family: "Liberation Sans", files: ["/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"] },
  { family: "DejaVu Sans", files: ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"] },
];

let found: { cjk: string[]; latin?: { family: string; files: string[] } } | undefined;
function machineFonts() {
  found ??= {
    cjk: FONT_CANDIDATES.filter((p) => existsSync(p)),
    latin: LATIN_CANDIDATES.map((c) => ({ ...c, files: c.files.filter((p) => existsSync(p)) })).find((c) => c.files.length > 0),
  };
  return found;
}

/** The Noto Sans CJK files on this machine (looked up once; loading only them is faster than every system font). */
export function cjkFontFiles(): string[] {
  return machineFonts().cjk;
}

/** PNG bytes of the scores per month: three 1–5 averages on the left axis, NPS as bars on the right. */
export async function renderScoreChart(input: ScoreChartInput, options: ScoreChartOptions = {}): Promise<Uint8Array> {
  const width = input.width ?? 960;
  const height = input.height ?? 540;
  for (const side of [width, height]) {
    if (!Number.isInteger(side) || side < 200 || side > MAX_SIDE) throw new ValidationError(`chart: width and height must be whole numbers 200–${MAX_SIDE}`);
  }
  if (input.months.length > MAX_MONTHS) throw new ValidationError(`chart: at most ${MAX_MONTHS} months`);
  const bad = input.months.find((m) => !MONTH.test(m.month));
  if (bad) throw new ValidationError("chart: month must be YYYY-MM", { month: String(bad.month).slice(0, 20) });

  const fonts = machineFonts();
  // Labels: the Latin face first, CJK characters fall back to Noto. The title stays all Noto (bold).
  const latin = options.fontFiles === undefined && fonts.cjk.length > 0 ? fonts.latin : undefined;
  const fontFiles = options.fontFiles ?? [...fonts.cjk, ...(latin?.files ?? [])];
  const svg = chartSvg(input.title, input.months, width, height, latin ? `${latin.family}, ${SCORE_CHART_FONT}` : SCORE_CHART_FONT);
  // No known CJK file: let resvg look through the system's fonts (slower, may still find one).
  const font = options.fontFiles === undefined && fonts.cjk.length === 0
    ? { loadSystemFonts: true, defaultFontFamily: SCORE_CHART_FONT }
    : { loadSystemFonts: false, fontFiles, defaultFontFamily: SCORE_CHART_FONT, sansSerifFamily: SCORE_CHART_FONT };
  const image = await renderAsync(svg, { font, background: "#ffffff", fitTo: { mode: "original" }, logLevel: "off" });
  return new Uint8Array(image.asPng());
}

/** A value ECharts draws, or "-" (a gap) for a month without one. */
function point(v: number | null, min: number, max: number): number | string {
  return v === null || !Number.isFinite(v) ? "-" : Math.round(Math.min(max, Math.max(min, v)) * 100) / 100;
}

function chartSvg(title: string, months: MonthlyScores[], width: number, height: number, labelFont: string): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    const hasData = months.some((m) => [m.overall, m.timeliness, m.professionalism, m.nps].some((v) => v !== null && Number.isFinite(v)));
    const textStyle = { fontFamily: labelFont };
    const empty = {
      type: "text",
      left: "center",
      top: "middle",
      style: { text: "暂无数据", fontSize: 22, fill: "#999999", fontFamily: SCORE_CHART_FONT },
    };
    const titleOpt = { text: title.slice(0, 60), left: "center", top: 12, textStyle: { fontFamily: SCORE_CHART_FONT, fontSize: 18 } };
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
        axisLabel: { fontFamily: labelFont, interval: months.length > 18 ? "auto" : 0 },
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
