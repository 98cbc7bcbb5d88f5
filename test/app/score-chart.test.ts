// The score chart (8.2): real PNG bytes from ECharts' SVG + resvg, read back as a PNG and as pixels.
import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { cjkFontFiles, renderScoreChart } from "../../src/app/reports/score-chart.node.ts";
import { svgScoreChartRenderer } from "../../src/app/reports/score-chart-renderer.ts";
import type { MonthlyScores } from "../../src/app/reports/score-chart-svg.ts";
import { ValidationError } from "../../src/domain/errors.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which must come first. */
function ihdr(png: Uint8Array): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe("IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** RGBA pixels of a PNG: resvg decodes it as an <image> of an SVG of the same size. */
function pixels(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const { width, height } = ihdr(png);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image width="${width}" height="${height}" href="data:image/png;base64,${Buffer.from(png).toString("base64")}"/></svg>`;
  const img = new Resvg(svg, { font: { loadSystemFonts: false } }).render();
  return { width, height, rgba: new Uint8Array(img.pixels) };
}

/** Pixels within `tol` of an RGB colour, optionally only in rows [y0, y1). */
function countColour(p: ReturnType<typeof pixels>, rgb: [number, number, number], tol: number, y0 = 0, y1 = p.height): number {
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < p.width; x++) {
      const i = (y * p.width + x) * 4;
      if (Math.abs(p.rgba[i]! - rgb[0]) <= tol && Math.abs(p.rgba[i + 1]! - rgb[1]) <= tol && Math.abs(p.rgba[i + 2]! - rgb[2]) <= tol) n++;
    }
  }
  return n;
}
/** Dark grey to black: text. */
const darkIn = (p: ReturnType<typeof pixels>, y0: number, y1: number) => countColour(p, [40, 40, 40], 60, y0, y1);

function months(scores: Array<[number | null, number | null]>): MonthlyScores[] {
  return scores.map(([overall, nps], i) => ({
    month: `2026-${String(i + 1).padStart(2, "0")}`,
    responses: overall === null ? 0 : 5 + i,
    overall,
    timeliness: overall === null ? null : Math.max(1, overall - 0.5),
    professionalism: overall === null ? null : Math.min(5, overall + 0.3),
    nps,
  }));
}

const DATA = months([[4.2, 30], [3.1, -20], [null, null], [4.8, 75]]);
const hasCjkFont = cjkFontFiles().length > 0;

describe("[8.2] score chart PNG", () => {
  it("[8.2] is a PNG of the size asked for, with the score lines and NPS bars drawn", async () => {
    const png = await renderScoreChart({ title: "服务评价 2026年1–4月", months: DATA, width: 800, height: 450 });
    expect(ihdr(png)).toEqual({ width: 800, height: 450 });
    const p = pixels(png);
    // The overall line (#2f6fdf) and the NPS bars (#b8c7e0) are there, not just a blank canvas.
    expect(countColour(p, [0x2f, 0x6f, 0xdf], 12)).toBeGreaterThan(200);
    expect(countColour(p, [0xb8, 0xc7, 0xe0], 6)).toBeGreaterThan(1000);
    // The default size.
    expect(ihdr(await renderScoreChart({ title: "t", months: DATA }))).toEqual({ width: 960, height: 540 });
  });

  it("[8.2] different scores give a different image; the same scores the same one", async () => {
    const a = await renderScoreChart({ title: "服务评价", months: DATA });
    const b = await renderScoreChart({ title: "服务评价", months: months([[2.0, -60], [2.5, -40], [3.0, 0], [1.5, -90]]) });
    const again = await renderScoreChart({ title: "服务评价", months: DATA });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(Buffer.from(a).equals(Buffer.from(again))).toBe(true);
  });

  it("[8.2] no months: a valid PNG (saying 暂无数据 where the font exists)", async () => {
    const png = await renderScoreChart({ title: "服务评价", months: [], width: 600, height: 300 });
    expect(ihdr(png)).toEqual({ width: 600, height: 300 });
    const p = pixels(png);
    // Nothing but text: no line or bar colour anywhere.
    expect(countColour(p, [0x2f, 0x6f, 0xdf], 12)).toBe(0);
    if (hasCjkFont) expect(countColour(p, [0x99, 0x99, 0x99], 30, 100, 200)).toBeGreaterThan(20);
  });

  it("[8.2] without any font it is still a valid PNG, the chart drawn and no text", async () => {
    const png = await renderScoreChart({ title: "服务评价", months: DATA, width: 800, height: 450 }, { fontFiles: [] });
    const p = pixels(png);
    expect(p.width).toBe(800);
    expect(countColour(p, [0x2f, 0x6f, 0xdf], 12)).toBeGreaterThan(200);
    expect(darkIn(p, 0, 40)).toBe(0);
  });

  it.skipIf(!hasCjkFont)("[8.2] draws the Chinese title with the CJK font found on this machine", async () => {
    expect(cjkFontFiles().some((f) => /NotoSansCJK/.test(f))).toBe(true);
    const png = await renderScoreChart({ title: "服务评价", months: DATA, width: 800, height: 450 });
    expect(darkIn(pixels(png), 0, 40)).toBeGreaterThan(50);
  });

  it("[8.2] refuses a malformed month, a silly size and too many months", async () => {
    await expect(renderScoreChart({ title: "x", months: [{ ...DATA[0]!, month: "2026-13" }] })).rejects.toBeInstanceOf(ValidationError);
    await expect(renderScoreChart({ title: "x", months: DATA, width: 10 })).rejects.toBeInstanceOf(ValidationError);
    const many = Array.from({ length: 241 }, (_, i) => ({ ...DATA[0]!, month: `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}` }));
    await expect(renderScoreChart({ title: "x", months: many })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("[8.2] score chart SVG (every runtime, Workers included)", () => {
  it("[8.2] the SVG renderer gives the same chart as image/svg+xml: its size, title and lines; the same checks on input", async () => {
    const { bytes, contentType } = await svgScoreChartRenderer.render({ title: "服务评价 2026年1–4月", months: DATA, width: 800, height: 450 });
    expect(contentType).toBe("image/svg+xml");
    const svg = new TextDecoder().decode(bytes);
    expect(svg).toMatch(/^<svg width="800" height="450" xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain("服务评价 2026年1–4月");
    // Drawn (resvg reads it as any viewer would): the overall line is there.
    const png = new Resvg(svg, { font: { loadSystemFonts: false } }).render().asPng();
    expect(countColour(pixels(new Uint8Array(png)), [0x2f, 0x6f, 0xdf], 12)).toBeGreaterThan(200);
    await expect(svgScoreChartRenderer.render({ title: "x", months: DATA, width: 10 })).rejects.toBeInstanceOf(ValidationError);
  });
});
