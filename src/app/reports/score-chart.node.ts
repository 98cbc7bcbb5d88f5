// 8.2: the score chart as a PNG (chat image, /admin/reports/surveys.png), Node only: resvg (a native
// addon) turns the ECharts SVG into PNG bytes off the event loop, with fonts found via node:fs. The
// Node entry passes resvgScoreChartRenderer in; code reachable from createApp never imports this.
// Chinese text needs a CJK font on the machine (Debian: fonts-noto-cjk); without one the chart is
// still a valid PNG, only its text is not drawn.
import { existsSync } from "node:fs";
import type { ScoreChartRenderer } from "./score-chart-renderer.ts";
import { checkScoreChartInput, SCORE_CHART_FONT, scoreChartSvg, type ScoreChartInput } from "./score-chart-svg.ts";

export interface ScoreChartOptions {
  /** Font files to draw text with; default: Noto Sans CJK where found, else the system's fonts. [] draws no text. */
  fontFiles?: string[];
}

/** Where Debian/Ubuntu (fonts-noto-cjk), Fedora and Arch put Noto Sans CJK. */
const FONT_CANDIDATES = [
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
  "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
  "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
];

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

/** PNG bytes of the scores per month (scoreChartSvg's chart, drawn with the machine's fonts). */
export async function renderScoreChart(input: ScoreChartInput, options: ScoreChartOptions = {}): Promise<Uint8Array> {
  checkScoreChartInput(input);
  const fonts = machineFonts();
  // Labels: the Latin face first, CJK characters fall back to Noto. The title stays all Noto (bold).
  const latin = options.fontFiles === undefined && fonts.cjk.length > 0 ? fonts.latin : undefined;
  const fontFiles = options.fontFiles ?? [...fonts.cjk, ...(latin?.files ?? [])];
  const svg = await scoreChartSvg(input, { title: SCORE_CHART_FONT, labels: latin ? `${latin.family}, ${SCORE_CHART_FONT}` : SCORE_CHART_FONT });
  // No known CJK file: let resvg look through the system's fonts (slower, may still find one).
  const font = options.fontFiles === undefined && fonts.cjk.length === 0
    ? { loadSystemFonts: true, defaultFontFamily: SCORE_CHART_FONT }
    : { loadSystemFonts: false, fontFiles, defaultFontFamily: SCORE_CHART_FONT, sansSerifFamily: SCORE_CHART_FONT };
  // Loaded on the first chart: the native module stays out of an idle process.
  const { renderAsync } = await import("@resvg/resvg-js");
  const image = await renderAsync(svg, { font, background: "#ffffff", fitTo: { mode: "original" }, logLevel: "off" });
  return new Uint8Array(image.asPng());
}

/** The PNG renderer the Node entry passes as CoreDeps.chartRenderer. */
export const resvgScoreChartRenderer: ScoreChartRenderer = {
  async render(input) {
    return { bytes: await renderScoreChart(input), contentType: "image/png" };
  },
};
