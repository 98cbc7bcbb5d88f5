// 登记知识产权: an enterprise's manager adds one asset to the register — the kind first, then only
// the fields that kind needs (the same fields as the import's columns, src/app/ip/asset-fields.ts),
// a summary to confirm. Step ids are `<group>_<field>`: the completion maps them onto the asset.
import { ASSET_KIND_LABELS, ASSET_KINDS, type AssetKind } from "../src/domain/ip/ip-types.ts";
import type { Condition, FlowDefinition, Step } from "../src/flows/flow-schema.ts";
import { DATE_EXAMPLE } from "../src/flows/validators.ts";

export const IP_ASSET_FLOW = "ip-asset";
/** Started by the register's handler (src/app/bot/ip-asset-handler.ts), which checks who asks first. */
export const IP_ASSET_START_WORDS = ["登记知识产权", "登记专利", "登记商标"];

const PATENTS: AssetKind[] = ["PATENT_INVENTION", "PATENT_UTILITY", "PATENT_DESIGN"];
const CERTS: AssetKind[] = ["CERT_HIGH_TECH", "CERT_GBT29490"];
const kinds = (list: AssetKind[]): Condition => ({ field: "kind", in: list });

const S = "asset";
const text = (id: string, when: Condition | Condition[], label: string, prompt: string, extra: Partial<Extract<Step, { kind: "text" }>> = {}): Step => ({
  id, kind: "text", section: S, when, label, prompt, minLength: 1, maxLength: 200, ...extra,
});
const number = (id: string, when: Condition, label: string, prompt: string, example: string): Step =>
  text(id, when, label, prompt, { normalizer: "removeSpaces", maxLength: 60, error: `请输入${label}，如：${example}` });
const date = (id: string, when: Condition | Condition[], label: string, prompt: string, optional = false): Step =>
  text(id, when, label, prompt, { normalizer: "date", validator: "date", maxLength: 20, optional, error: `请输入日期，如 ${DATE_EXAMPLE}` });

export const ipAssetFlow: FlowDefinition = {
  id: IP_ASSET_FLOW,
  version: 1,
  title: "登记知识产权",
  sections: [{ id: S, title: "知识产权" }],
  steps: [
    {
      id: "kind", kind: "choice", section: S, label: "类型", prompt: "请选择要登记的知识产权类型：",
      options: ASSET_KINDS.map((k) => ({ value: k, label: ASSET_KIND_LABELS[k] })),
    },
    // Patents (3.2: the high-value flag).
    text("pat_title", kinds(PATENTS), "专利名称", "专利名称是？"),
    number("pat_number", kinds(PATENTS), "申请号", "专利申请号（或专利号）是？", "202110123456.7"),
    date("pat_filingDate", kinds(PATENTS), "申请日", "申请日是？"),
    date("pat_grantDate", kinds(PATENTS), "授权公告日", "授权公告日是？", true),
    {
      id: "pat_annuityPaidYear", kind: "number", section: S, when: kinds(PATENTS), label: "已缴年费至", unit: "年", min: 1, max: 20, optional: true,
      prompt: "年费已缴到第几个专利年度？（自申请日起算，如 3）", error: "请输入 1–20 的数字，如 3",
    },
    {
      id: "pat_feeReductionPct", kind: "choice", section: S, when: kinds(PATENTS), label: "费减比例", prompt: "年费费减比例是？",
      options: [{ value: "0", label: "无费减" }, { value: "70", label: "费减 70%" }, { value: "85", label: "费减 85%" }],
    },
    { id: "pat_isHighValue", kind: "yes-no", section: S, clause: "3.2", when: kinds(PATENTS), label: "高价值专利", prompt: "是否属于高价值专利（3.2）？" },
    // Trademarks.
    text("tm_title", kinds(["TRADEMARK"]), "商标", "商标名称（文字或图形的描述）是？"),
    number("tm_number", kinds(["TRADEMARK"]), "注册号", "商标注册号是？", "45678901"),
    text("tm_tmClass", kinds(["TRADEMARK"]), "类别", "核定使用的类别是？（如 9，多个用逗号分隔：9,35）", { maxLength: 60 }),
    date("tm_grantDate", kinds(["TRADEMARK"]), "注册日", "注册日是？"),
    date("tm_expiryDate", kinds(["TRADEMARK"]), "有效期至", "有效期至哪天？（不填则按注册日起 10 年）", true),
    {
      id: "tm_abroad", kind: "choice", section: S, when: kinds(["TRADEMARK"]), label: "注册地", prompt: "在哪里注册？",
      options: [{ value: "domestic", label: "境内（中国）" }, { value: "overseas", label: "境外" }],
    },
    text("tm_jurisdiction", [kinds(["TRADEMARK"]), { field: "tm_abroad", equals: "overseas" }], "国家/地区", "注册的国家或地区是？（如 美国、欧盟、US）", { maxLength: 60 }),
    // Copyrights.
    text("cr_title", kinds(["COPYRIGHT"]), "作品名称", "作品（或软件）名称是？"),
    number("cr_number", kinds(["COPYRIGHT"]), "登记号", "著作权登记号是？", "2023SR0123456"),
    date("cr_grantDate", kinds(["COPYRIGHT"]), "登记日", "登记日是？"),
    // PCT applications.
    text("pct_title", kinds(["PCT"]), "发明名称", "发明名称是？"),
    number("pct_number", kinds(["PCT"]), "国际申请号", "国际申请号是？", "PCT/CN2022/123456"),
    date("pct_filingDate", kinds(["PCT"]), "国际申请日", "国际申请日是？"),
    date("pct_priorityDate", kinds(["PCT"]), "优先权日", "最早优先权日是？", true),
    text("pct_countries", kinds(["PCT"]), "拟进入国家", "拟进入哪些国家或地区？（多个用逗号分隔，如 US,EP,JP）", { maxLength: 200 }),
    // Certificates.
    number("cert_number", kinds(CERTS), "证书编号", "证书编号是？", "GR202344001234"),
    date("cert_grantDate", kinds(CERTS), "认定（发证）日", "认定（发证）日期是？"),
    // Trade fairs (7.2.4 b).
    text("fair_title", kinds(["TRADE_FAIR"]), "展会名称", "展会名称是？", { clause: "7.2.4 b" }),
    date("fair_startDate", kinds(["TRADE_FAIR"]), "开始日期", "展会开始日期是？"),
    date("fair_endDate", kinds(["TRADE_FAIR"]), "结束日期", "展会结束日期是？"),
    text("fair_countries", kinds(["TRADE_FAIR"]), "举办国家", "展会在哪个国家或地区举办？", { maxLength: 200 }),
    // Overseas IP insurance (7.2.4 c).
    text("ins_insurer", kinds(["INSURANCE"]), "保险公司", "承保的保险公司是？", { clause: "7.2.4 c" }),
    number("ins_number", kinds(["INSURANCE"]), "保单号", "保单号是？", "PICC-IP-2026-0001"),
    date("ins_expiryDate", kinds(["INSURANCE"]), "到期日", "保险到期日是？"),
  ],
  summary: { title: "确认登记？", intro: "请核对登记信息（回复序号可修改）：" },
  texts: {
    intro: "好的，我们来登记一项知识产权（随时回复“取消”放弃）。",
    done: "已登记。",
    cancelled: "已取消，本次没有登记。",
    paused: "知识产权登记尚未填完，已暂停。",
    resumed: "回到知识产权登记：回复“继续”查看当前问题，或回复“取消”放弃。",
  },
  conversation: { lifetimeMinutes: 120, cancelWords: ["取消", "cancel", "算了"], restart: "replace", nudges: false },
};
