// Bulk import into the IP register (POST /admin/enterprises/:id/ip-assets/import) and its template
// (GET /ip-assets/template.xlsx), through the real app: the template filled with exceljs imports
// every kind; CSV as the raw body or a multipart field; a bad row is reported by its row number and
// column while the valid rows are kept; importing the same file again changes nothing.
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HEADERS } from "../../src/app/ip/asset-fields.ts";
import { createWecomHarness, testClock, type WecomHarness } from "../support/wecom-harness.ts";

const TOKEN = "import-admin-token-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

let h: WecomHarness;
let enterpriseId: string;
beforeEach(async () => {
  h = await createWecomHarness({ env: { ADMIN_TOKEN: TOKEN }, clock: testClock(new Date("2026-11-25T02:00:00Z")) });
  enterpriseId = (await h.t.db.prisma.enterprise.create({ data: { name: "中山市导入测试灯饰有限公司" } })).id;
});
afterEach(async () => {
  await h?.close();
});
const prisma = () => h.t.db.prisma;
const importUrl = () => `/admin/enterprises/${enterpriseId}/ip-assets/import`;
const post = (body: BodyInit, headers: Record<string, string> = {}) => h.runtime.app.request(importUrl(), { method: "POST", headers: { ...AUTH, ...headers }, body });

async function template(): Promise<ExcelJS.Workbook> {
  const res = await h.runtime.app.request("/ip-assets/template.xlsx"); // public: no token
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe(XLSX);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  return wb;
}
const rowValues = (ws: ExcelJS.Worksheet, n: number) => (ws.getRow(n).values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? "" : String(v)));

describe("IP register import", () => {
  it("the template has the header row and no data; filled with the instructions' example of every kind it imports all ten, and again changes nothing", async () => {
    const wb = await template();
    const entry = wb.getWorksheet("登记表")!;
    expect(rowValues(entry, 1)).toEqual(HEADERS);
    expect(entry.actualRowCount).toBe(1);
    // The instructions sheet ends with the header again and one example per kind: copy them in.
    const help = wb.getWorksheet("填写说明")!;
    let headerAt = 0;
    help.eachRow((row, n) => {
      if ((row.values as unknown[])[1] === "类型" && (row.values as unknown[])[2] === "名称") headerAt = n;
    });
    expect(headerAt).toBeGreaterThan(0);
    let kinds = 0;
    for (let n = headerAt + 1; n <= help.rowCount; n++, kinds++) rowValues(help, n).forEach((v, i) => (entry.getCell(2 + kinds, i + 1).value = v));
    expect(kinds).toBe(10);
    // An Excel date and a formula (its value is read, never the formula).
    entry.getCell(2, 4).value = new Date(Date.UTC(2021, 2, 15));
    entry.getCell(3, 2).value = { formula: 'CONCAT("一种可","折叠灯架")', result: "一种可折叠灯架" };
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());

    const res = await post(bytes, { "content-type": XLSX });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ imported: 10, updated: 0, unchanged: 0, errors: [] });
    const assets = await prisma().ipAsset.findMany({ where: { enterpriseId }, orderBy: { kind: "asc" } });
    expect(assets.map((a) => a.kind).sort()).toEqual(["CERT_GBT29490", "CERT_HIGH_TECH", "COPYRIGHT", "INSURANCE", "PATENT_DESIGN", "PATENT_INVENTION", "PATENT_UTILITY", "PCT", "TRADEMARK", "TRADE_FAIR"]);
    const by = (k: string) => assets.find((a) => a.kind === k)!;
    expect(by("PATENT_INVENTION")).toMatchObject({ number: "202110123456.7", filingDate: "2021-03-15", grantDate: "2023-08-01", annuityPaidYear: 3, feeReductionPct: 85, isHighValue: true, source: "import" });
    expect(by("PATENT_UTILITY")).toMatchObject({ title: "一种可折叠灯架", feeReductionPct: 70, isHighValue: false });
    expect(by("PATENT_DESIGN")).toMatchObject({ feeReductionPct: 0, annuityPaidYear: null });
    expect(by("TRADEMARK")).toMatchObject({ title: "榄盛", tmClass: "11", grantDate: "2020-12-14", jurisdiction: "CN" });
    expect(by("PCT")).toMatchObject({ number: "PCT/CN2022/123456", priorityDate: "2021-03-15", countries: "US,EP,JP" });
    expect(by("TRADE_FAIR")).toMatchObject({ number: null, startDate: "2026-03-08", endDate: "2026-03-13", naturalKey: "TRADE_FAIR:法兰克福国际照明展@2026-03-08" });
    expect(by("INSURANCE")).toMatchObject({ insurer: "中国人民财产保险股份有限公司", title: "中国人民财产保险股份有限公司 海外知识产权保险", expiryDate: "2027-01-31" });
    expect(by("CERT_HIGH_TECH")).toMatchObject({ title: "高新技术企业证书", grantDate: "2023-12-28" });

    const again = await post(bytes, { "content-type": XLSX });
    expect(await again.json()).toMatchObject({ imported: 0, updated: 0, unchanged: 10, errors: [] });
    expect(await prisma().ipAsset.count()).toBe(10);
    const audit = await prisma().auditLog.findMany({ where: { action: "ip_asset.imported", subjectId: enterpriseId } });
    expect(audit.map((a) => JSON.parse(a.detailJson))).toEqual([{ rows: 10, imported: 10, updated: 0, unchanged: 0, errors: 0 }]); // the unchanged re-import is not an event
  });

  it("CSV (BOM, quoted commas, quotes and line breaks) as the raw body: bad rows reported by row and column, valid rows kept; multipart updates by the number", async () => {
    const header = HEADERS.join(",");
    const col = (values: Record<string, string>) => HEADERS.map((hd) => values[hd] ?? "").join(",");
    const csv = [
      header,
      col({ 类型: "发明专利", 名称: '"一种灯具，含""星环""结构"', 编号: "202110123456.7", 申请日: "2021/3/15", 费减比例: "85%", 高价值专利: "是" }), // row 2
      col({ 类型: "商标", 名称: '"榄盛\n（图形）"', 编号: "45678901", 商标类别: "9,35".replace(",", "，"), "授权/注册/认定日": "2020年12月14日", 注册地: "美国" }), // row 3
      col({ 类型: "专利", 名称: "x", 编号: "1" }), // row 4: no such kind
      col({ 类型: "实用新型专利", 名称: "一种灯架", 编号: "202220234567.8", 申请日: "2022-02-30", 费减比例: "50" }), // row 5: two problems
      "", // blank line: skipped, still counted
      col({ 类型: "参展（展会）", 名称: "广交会", 开始日期: "2026-04-15", 结束日期: "2026-04-19" }), // row 7: countries missing
      col({ 类型: "著作权", 名称: "=HYPERLINK(\"http://x\")", 编号: "2023SR1", "授权/注册/认定日": "2023-02-20" }), // row 8: a formula
      col({ 类型: "外观设计专利", 名称: "吸顶灯", 编号: "202730345678.9", 申请日: "2027-01-04" }), // row 9: filed after today (the rules' check)
    ].join("\r\n");
    const res = await post(new TextEncoder().encode(`\uFEFF${csv}\r\n`), { "content-type": "text/csv; charset=utf-8" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { imported: number; errors: { row: number; column: string; message: string }[] };
    expect(body.imported).toBe(2);
    expect(body.errors.map((e) => [e.row, e.column])).toEqual([
      [4, "类型"],
      [5, "申请日"],
      [5, "费减比例"],
      [7, "国家/地区"],
      [8, "名称"],
      [9, "申请日"],
    ]);
    expect(body.errors[5]!.message).toContain("晚于今天");
    expect(body.errors[0]!.message).toContain("不认识的类型");
    expect(body.errors[1]!.message).toContain("不是有效日期");
    expect(body.errors[3]!.message).toContain("必填");
    expect(await prisma().ipAsset.findFirstOrThrow({ where: { kind: "PATENT_INVENTION" } })).toMatchObject({ title: '一种灯具，含"星环"结构', filingDate: "2021-03-15", feeReductionPct: 85, isHighValue: true });
    expect(await prisma().ipAsset.findFirstOrThrow({ where: { kind: "TRADEMARK" } })).toMatchObject({ title: "榄盛\n（图形）", tmClass: "9,35", grantDate: "2020-12-14", jurisdiction: "美国" });
    expect(await prisma().ipAsset.count()).toBe(2); // nothing of the bad rows
    // Each imported asset's deadlines were brought in step in its row's transaction.
    const tm = await prisma().ipAsset.findFirstOrThrow({ where: { kind: "TRADEMARK" } });
    expect(await prisma().reminder.count({ where: { assetId: tm.id, kind: "TM_RENEWAL", status: "PENDING" } })).toBe(1);

    // The patent again as a multipart file (no BOM, LF), its grant now known: updated in place.
    const fixed = [header, col({ 类型: "发明专利", 名称: '"一种灯具，含""星环""结构"', 编号: "ZL 202110123456.7", 申请日: "2021-03-15", "授权/注册/认定日": "2023-08-01", 费减比例: "85", 高价值专利: "是" })].join("\n");
    const form = new FormData();
    form.append("file", new Blob([fixed], { type: "text/csv" }), "assets.csv");
    const multi = await h.runtime.app.request(importUrl(), { method: "POST", headers: AUTH, body: form });
    expect(await multi.json()).toMatchObject({ imported: 0, updated: 1, unchanged: 0, errors: [] });
    expect(await prisma().ipAsset.count({ where: { kind: "PATENT_INVENTION" } })).toBe(1);
    expect((await prisma().ipAsset.findFirstOrThrow({ where: { kind: "PATENT_INVENTION" } })).grantDate).toBe("2023-08-01");
  });

  it("refusals: 401 without the token, 404 for an unknown enterprise, 413 past 5 MB (connection closed), 400 for what is not the template", async () => {
    const csv = new TextEncoder().encode(`${HEADERS.join(",")}\n著作权,作品,2023SR9,,,2023-02-20\n`);
    expect((await h.runtime.app.request(importUrl(), { method: "POST", body: csv })).status).toBe(401);
    expect((await h.runtime.app.request(importUrl(), { method: "POST", headers: { authorization: "Bearer wrong" }, body: csv })).status).toBe(401);
    expect((await h.runtime.app.request("/admin/enterprises/nobody/ip-assets/import", { method: "POST", headers: AUTH, body: csv })).status).toBe(404);

    const big = new Uint8Array(5 * 1024 * 1024 + 1).fill(0x41);
    const tooBig = await post(big, { "content-type": "text/csv" });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get("connection")).toBe("close");
    // The same without a Content-Length: counted as it streams.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 6; i++) c.enqueue(new Uint8Array(1024 * 1024).fill(0x41));
        c.close();
      },
    });
    expect((await h.runtime.app.request(importUrl(), { method: "POST", headers: { ...AUTH, "content-type": "text/csv" }, body: stream, duplex: "half" } as RequestInit)).status).toBe(413);

    const gbk = new Uint8Array([0xc0, 0xe0, 0xd0, 0xcd, 0x2c, 0x0a]); // "类型," in GBK
    const cases: [string, BodyInit, Record<string, string>, RegExp][] = [
      ["JSON", "{}", { "content-type": "application/json" }, /XLSX/],
      ["not UTF-8", gbk, { "content-type": "text/csv" }, /UTF-8/],
      ["no 类型 column", "名称,编号\n作品,1\n", { "content-type": "text/csv" }, /类型/],
      ["an unclosed quote", `${HEADERS.join(",")}\n"著作权,作品\n`, { "content-type": "text/csv" }, /引号/],
      ["XLSX declared, not a zip", "类型,名称\n", { "content-type": XLSX }, /不是 XLSX/],
      ["a broken zip", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]), { "content-type": XLSX }, /无法读取/],
      ["multipart without file", (() => { const f = new FormData(); f.append("other", "x"); return f; })(), {}, /file/],
      ["an empty body", new Uint8Array(0), { "content-type": "text/csv" }, /空/],
    ];
    for (const [name, body, headers, message] of cases) {
      const res = await post(body, headers);
      expect(res.status, name).toBe(400);
      expect(((await res.json()) as { message: string }).message, name).toMatch(message);
    }
    expect(await prisma().ipAsset.count()).toBe(0);
  });
});
