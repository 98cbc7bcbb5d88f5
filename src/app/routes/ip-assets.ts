import { Hono } from "hono";
import { readStreamCapped } from "../../channels/read-capped-body.ts";
import type { WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { NotFoundError, PayloadTooLargeError, ValidationError } from "../../domain/errors.ts";
import { findEnterprise } from "../../storage/ip-assets.ts";
import type { AppDeps } from "../deps.ts";
import { importAssets } from "../ip/asset-import.ts";
import { isXlsx, templateXlsx } from "../ip/asset-sheet.ts";
import { requireAdmin } from "./admin-auth.ts";

// The IP register's spreadsheet routes: the template (public: it holds no data) and the bulk
// import into one enterprise's register (Bearer ADMIN_TOKEN, absent without it).

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** The body's bytes, refused past `max` whether or not Content-Length says so. */
async function cappedBytes(req: Request, max: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  const tooBig = () => new PayloadTooLargeError(`import: body over ${max} bytes`, { limit: max });
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > max) throw tooBig();
  if (!req.body) throw new ValidationError("请上传文件：XLSX 模板或 CSV（原始请求体，或 multipart 字段 file）");
  return readStreamCapped(req.body, max, tooBig);
}

/** The uploaded file: multipart field `file`, or the raw body. */
async function uploadedFile(req: Request): Promise<Uint8Array> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  const bytes = await cappedBytes(req, MAX_IMPORT_BYTES);
  if (type.startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": req.headers.get("content-type")! } }).formData();
    } catch {
      throw new ValidationError("multipart 请求体无法解析");
    }
    const file = form.get("file");
    if (!file || typeof file === "string") throw new ValidationError("multipart 请求里没有文件字段 file");
    return new Uint8Array(await file.arrayBuffer());
  }
  if (type.startsWith("application/json") || type.startsWith("application/x-www-form-urlencoded")) {
    throw new ValidationError(`请上传 XLSX（${XLSX_TYPE}）或 CSV（text/csv），不是 ${type.split(";")[0]}`);
  }
  return bytes;
}

export function ipAssetRoutes(deps: Pick<AppDeps, "config" | "db" | "clock"> & { calendar: WorkingCalendar }) {
  const app = new Hono();
  const { prisma } = deps.db;

  app.get("/ip-assets/template.xlsx", async (c) => {
    const xlsx = await templateXlsx();
    return c.body(xlsx as Uint8Array<ArrayBuffer>, 200, { "content-type": XLSX_TYPE, "content-disposition": `attachment; filename="ip-assets-template.xlsx"; filename*=UTF-8''${encodeURIComponent("知识产权登记模板.xlsx")}`, "cache-control": "no-store" });
  });

  const token = deps.config.adminToken;
  if (!token) return app;
  app.use("/admin/enterprises/*", requireAdmin(token));

  app.post("/admin/enterprises/:id/ip-assets/import", async (c) => {
    const enterprise = await findEnterprise(prisma, c.req.param("id").slice(0, 100));
    if (!enterprise) throw new NotFoundError(`no enterprise "${c.req.param("id").slice(0, 60)}"`);
    const bytes = await uploadedFile(c.req.raw);
    if (bytes.byteLength === 0) throw new ValidationError("文件是空的");
    const type = (c.req.header("content-type") ?? "").toLowerCase();
    if (type.startsWith(XLSX_TYPE) && !isXlsx(bytes)) throw new ValidationError("Content-Type 是 XLSX，但内容不是 XLSX 文件");
    const result = await importAssets({ prisma, timeZone: deps.config.timeZone, calendar: deps.calendar }, { enterpriseId: enterprise.id, bytes, actorId: null, channel: "admin-api", now: deps.clock.now() });
    return c.json({ enterprise: { id: enterprise.id, name: enterprise.name }, ...result });
  });

  return app;
}
