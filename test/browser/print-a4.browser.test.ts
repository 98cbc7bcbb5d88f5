// A.1 on paper: the printed form in Chromium — one A4 page in its PDF output with opinion boxes
// tall enough for a signature and a 42 mm seal, and on a 390 px phone no number broken across lines.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderApplicationPrint, type PrintData } from "../../src/app/print/application-print.tsx";
import { CHROMIUM_PATH, SCREENSHOT_DIR, skipBrowserTests } from "../support/browser.ts";

const at = (iso: string) => new Date(iso);
const PX_PER_MM = 96 / 25.4;

/** A full form: every need ticked, honours, counts, a return and a forward in the record, three decisions. */
function fullForm(): PrintData {
  return {
    app: {
      id: "cm9printa4test0001", status: "APPROVED", version: 3, enterpriseName: "中山市某某（中国）精密智能装备科技股份有限公司", uscc: "91442000MA4UXXXX1Y",
      registeredAddress: "中山市小榄镇升平中路 18 号中山市小榄工业园区 3 栋 5 楼", listingStatus: "neeq", registeredCapitalYuan: 123_456_789n, headcount: 1280, revenueYuan: 987_654_321n,
      isAboveScale: true, specialisedLevel: "little-giant", isLeadingReserve: true, isIpKeyProtection: true, headName: "欧阳建国", headTitle: "董事长兼总经理", headMobile: "13800138000",
      contactName: "司马晓琳", contactTitle: "知识产权部经理、高级工程师", contactMobile: "13912345678", hasIpDepartment: true, ipDepartmentName: "知识产权与法务部", ipStaffCount: 12,
      ipRulesYear: 2016, gbt29490Year: 2021, demoEnterprise: '["national","provincial"]', advantageEnterprise: '["provincial"]', highTechYear: 2023, patentAward: '["national","provincial"]',
      validInvention: 1234, validUtility: 4567, validDesign: 890, validPct: 56, validTrademarkDomestic: 321, validTrademarkOverseas: 45, validCopyright: 678, validOther: 9,
      needs: '["a","b","c","d","e","f","g"]', needsOther: "海外展会知识产权风险排查与应对培训", headConfirmation: "HEAD_IN_CHAT", headConfirmedAt: at("2026-05-04T08:30:00Z"),
      submittedAt: at("2026-05-04T08:00:00Z"), studioNumber: "ZSIPS-2026-123",
    },
    townName: "小榄镇",
    steps: [
      { stage: 1, round: 1, status: "FORWARDED", decidedByName: "李明", opinion: "注册地址在小榄镇，转小榄镇分局", decidedAt: at("2026-05-05T02:00:00Z") },
      { stage: 1, round: 2, status: "APPROVED", decidedByName: "周敏", opinion: "同意推荐。企业知识产权基础扎实，建议优先建站。", decidedAt: at("2026-05-06T02:00:00Z") },
      { stage: 2, round: 2, status: "RETURNED", decidedByName: "张磊", opinion: "请补充 GB/T 29490 认证年份，并核对注册资本与营业执照是否一致。", decidedAt: at("2026-05-07T02:00:00Z") },
      { stage: 2, round: 3, status: "APPROVED", decidedByName: "张磊", opinion: "同意推荐", decidedAt: at("2026-05-08T02:00:00Z") },
      { stage: 3, round: 3, status: "APPROVED", decidedByName: "王芳", opinion: "同意设立，编号 ZSIPS-2026-123。", decidedAt: at("2026-05-09T02:00:00Z") },
    ],
    headConfirmedByName: "欧阳建国",
    timeZone: "Asia/Shanghai",
    printedAt: at("2026-05-10T02:00:00Z"),
    nonce: "testnonce",
  };
}

describe.skipIf(skipBrowserTests)("the printed Table A.1 in Chromium [A.1]", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("[A.1] fits one A4 page in the PDF, with opinion boxes of at least 45 mm (signature + 42 mm seal)", { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    await page.setContent(renderApplicationPrint(fullForm()));
    await page.emulateMedia({ media: "print" });
    const boxes = await page.locator(".op-box").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(boxes).toHaveLength(3);
    for (const px of boxes) expect(px / PX_PER_MM).toBeGreaterThanOrEqual(45 - 0.1);
    const pdf = await page.pdf({ preferCSSPageSize: true });
    // Chromium writes one page object per page ("/Type /Page"; the tree is "/Type /Pages").
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) ?? [];
    expect(pages).toHaveLength(1);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "print-a4.png"), fullPage: true });
    await page.close();
  });

  it("a long opinion grows its box onto a second page rather than being cut", { timeout: 60_000 }, async () => {
    const data = fullForm();
    data.steps[4] = { ...data.steps[4]!, opinion: "同意设立。".repeat(200) };
    const page = await browser.newPage();
    await page.setContent(renderApplicationPrint(data));
    const pdf = await page.pdf({ preferCSSPageSize: true });
    expect((pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length).toBeGreaterThan(1);
    expect(await page.locator(".op-text").nth(2).innerText()).toHaveLength("同意设立。".length * 200);
    await page.close();
  });

  it("on a 390 px phone no number, mobile or date breaks across lines", { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
    await page.setContent(renderApplicationPrint(fullForm()));
    const broken = await page.locator(".nw, td.num").evaluateAll((els) =>
      els.filter((e) => {
        const r = document.createRange();
        r.selectNodeContents(e);
        // One line box per element: a number split over two lines has two rects of text.
        return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1;
      }).map((e) => e.textContent),
    );
    expect(await page.locator(".nw").count()).toBeGreaterThan(10);
    expect(broken).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "print-phone-390.png"), fullPage: true });
    await page.close();
  });
});
