// 8.2: how the score chart becomes a picture, passed in by the runtime entry (CoreDeps.chartRenderer).
// PNG needs a native rasteriser (resvg, Node only: score-chart.node.ts); Workers have none, so the
// default here is the SVG itself, which browsers show but chat apps do not.
import { scoreChartSvg, type ScoreChartInput } from "./score-chart-svg.ts";

export interface RenderedChart {
  bytes: Uint8Array;
  contentType: "image/png" | "image/svg+xml";
}

export interface ScoreChartRenderer {
  /** Throws ValidationError for a malformed input (see checkScoreChartInput). */
  render(input: ScoreChartInput): Promise<RenderedChart>;
}

/** Worker-safe: the SVG document's UTF-8 bytes. */
export const svgScoreChartRenderer: ScoreChartRenderer = {
  async render(input) {
    return { bytes: new TextEncoder().encode(await scoreChartSvg(input)), contentType: "image/svg+xml" };
  },
};
