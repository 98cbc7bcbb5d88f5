// Authorization matrix (issue 9): every role × every chat command, card button, admin route and
// page is allowed exactly where the roles say (README "Using the bot" and "Approvals"; the approval
// machine's canDecide), and refused everywhere else WITH an audit entry naming actor, channel and
// reason, leaving nothing changed. Chat and buttons go through the real /webhooks/wecom route.
// One database for the whole table; rows run in order and only allowed rows change anything.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { APPLICATION_FLOW } from "../../src/app/bot/application-handler.ts";
import { loadConfig } from "../../src/config/config.ts";
import { canDecide, type Stage } from "../../src/domain/approval/approval-machine.ts";
import { verifyAuditChain } from "../../src/storage/audit-log.ts";
import { enterAgentXml } from "../fakes/wecom-callback-signer.ts";
import { createWecomHarness, WECOM, type WecomHarness } from "../support/wecom-harness.ts";
import { seedApplication, stageCard } from "./seed-application.ts";

// ---------- who ----------

const ACTORS = {
  manager: { personId: "demo-manager-xiaolan", userId: "mx-manager", label: "ENTERPRISE_MANAGER (the applicant)" },
  head: { personId: "demo-head-xiaolan", userId: "mx-head", label: "ENTERPRISE_HEAD" },
  town: { personId: "demo-town-xiaolan", userId: "mx-town", label: "TOWN_OFFICER of 小榄 (the application's town)" },
  townOther: { personId: "demo-town-zhongshangang", userId: "mx-town-other", label: "TOWN_OFFICER of 中山港 (another town)" },
  cityIp: { personId: "demo-city-ip", userId: "mx-city-ip", label: "CITY_IP_OFFICER" },
  leader: { personId: "demo-city-leader", userId: "mx-leader", label: "CITY_LEADER" },
  agency: { personId: "demo-agency-staff", userId: "mx-agency", label: "AGENCY_STAFF" },
  admin: { personId: "demo-admin", userId: "mx-admin", label: "ADMIN" },
  stranger: { personId: null, userId: "mx-stranger", label: "stranger (no role)" },
} as const;
type Actor = keyof typeof ACTORS;
const COLUMNS = Object.keys(ACTORS) as Actor[];

/** "✓ ✗ …" in COLUMNS order → the actors allowed. */
function allowedIn(row: string): Set<Actor> {
  const cells = row.trim().split(/\s+/);
  if (cells.length !== COLUMNS.length || cells.some((c) => c !== "✓" && c !== "✗")) throw new Error(`bad matrix row "${row}"`);
  return new Set(COLUMNS.filter((_, i) => cells[i] === "✓"));
}

// ---------- the tables ----------

// Columns, in ACTORS order: M manager (the applicant) · H head · T town officer of 小榄 (the
// application's town) · t town officer of another town · I city IP officer · L city leader ·
// A agency staff · D admin · S stranger. ✓ allowed, ✗ refused with an audit entry.
const CHAT_MATRIX: [row: string, say: string, refusal: string | null][] = [
//  M H T t I L A D S
  ["✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓", "菜单", null],
  ["✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓", "申请工作室", null], // whoever writes to the app can apply
  ["✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓", "我的申请", null], // one's own applications only
  ["✗ ✗ ✓ ✓ ✓ ✓ ✗ ✗ ✗", "待我审批", "pending.refused"],
  ["✗ ✗ ✓ ✓ ✓ ✓ ✗ ✗ ✗", "menu:pending", "pending.refused"], // WeCom custom menu entry 待我审批
  ["✓ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗", "声明授权", "declare_authority.refused"], // the applicant, draft awaiting its head
  ["✓ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗", "催办", "urge.refused"],
  ["✓ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗", "撤回申请", "withdraw.refused"],
  ["✓ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗", "确认撤回", "withdraw.refused"],
  // Clause 4: services are asked by the manager of a studio (nobody here has one; the studio's own
  // manager, agency staff and officers are in test/integration/service-requests.test.ts).
  ["✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗", "申请服务", "service.refused"],
  ["✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓", "我的服务", null], // one's own requests, and what one holds
  ["✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗", "进展 已完成检索", "service.refused"], // only a request's owner
  ["✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗", "办结 已出具报告", "service.refused"],
  // The IP register: an enterprise's manager only (ENTERPRISE_MANAGER, or the studio's enterprise side).
  ["✓ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗", "登记知识产权", "ip_asset.refused"],
  ["✓ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗", "我的知识产权", "ip_asset.refused"],
  // 6.3 b / 6.4: nobody here has a studio yet (a studio's manager, officers and roster edits are in
  // test/integration/studio-setup-chat.test.ts and studio-roster.test.ts). Officers and admins may
  // keep rosters: they are told there is none to keep; the others are refused.
  ["✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗", "工作室建设", "studio_setup.refused"],
  ["✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗ ✗", "工作室情况", "studio_status.refused"],
  ["✗ ✗ ✓ ✓ ✓ ✗ ✗ ✓ ✗", "工作室成员", "studio_roster.refused"],
];

/** What the allowed person is told (the refused are told why, checked below). */
const CHAT_ANSWERS: Record<string, (a: Actor) => RegExp> = {
  菜单: () => /知识产权流动工作室助手/,
  申请工作室: (a) => (a === "manager" ? /已从企业名录填好以下信息/ : /请输入企业名称/), // 6.2: the manager's registered enterprise is prefilled
  我的申请: (a) => (a === "manager" ? /您的申请：[\s\S]*矩阵三号/ : /您还没有提交过工作室申请/),
  待我审批: (a) => ({ town: /等待您审批[\s\S]*矩阵一号/, cityIp: /等待您审批[\s\S]*矩阵二号/, leader: /等待您审批[\s\S]*矩阵三号/ })[a as string] ?? /目前没有等待您审批的申请/,
  "menu:pending": (a) => CHAT_ANSWERS["待我审批"]!(a),
  声明授权: () => /声明授权（代负责人签名）/, // A.1: the declaration first; 确认声明 records it (below)
  催办: () => /已催办/,
  撤回申请: () => /确定要撤回/,
  确认撤回: () => /已撤回/,
  我的服务: () => /您还没有服务申请/,
  登记知识产权: () => /请选择要登记的知识产权类型/,
  我的知识产权: () => /还没有登记知识产权/,
  工作室成员: () => /目前没有您可以维护成员的工作室/,
};
const CHAT_REFUSALS: Record<string, RegExp> = {
  "pending.refused": /您没有需要审批的事项/,
  "declare_authority.refused": /无需声明授权/,
  "urge.refused": /只有申请人本人可以催办或撤回/,
  "withdraw.refused": /只有申请人本人可以催办或撤回/,
  "service.refused": /还没有工作室|没有正在办理的服务申请/,
  "ip_asset.refused": /知识产权登记面向企业管理者/,
  "studio_setup.refused": /还没有获批的工作室/,
  "studio_status.refused": /还没有可以查看的工作室/,
  "studio_roster.refused": /只对市局知识产权科室/,
};

/** Who may decide each stage from its card (A.1 opinion rows). */
const STAGE_HOLDERS: Record<Stage, string> = {
  //  M H T t I L A D S
  1: "✗ ✗ ✓ ✗ ✗ ✗ ✗ ✗ ✗",
  2: "✗ ✗ ✗ ✗ ✓ ✗ ✗ ✗ ✗",
  3: "✗ ✗ ✗ ✗ ✗ ✓ ✗ ✗ ✗",
};
const BUTTONS = [
  { key: "ap:return", label: "退回", allowedReply: /请输入退回修改的意见/ },
  { key: "ap:reject", label: "不同意", allowedReply: /请输入不同意的理由/ },
  { key: "ap:approve", label: "同意", allowedReply: /已记录：已同意/ }, // last: it moves the stage on
] as const;
/** The head confirmation card (确认提交 / 暂不同意). */
//                 M H T t I L A D S
const HEAD_CARD = "✗ ✓ ✗ ✗ ✗ ✗ ✗ ✗ ✗";

/** The Table A.1 print view, with a link signed for that reader. */
//                           M H T t I L A D S
const PRINT_WITH_OWN_LINK = "✓ ✗ ✓ ✗ ✓ ✓ ✗ ✓ ✗";

const ADMIN_ROUTES: [method: string, path: string, body?: string][] = [
  ["GET", "/admin/people"],
  ["POST", "/admin/people", "{}"],
  ["POST", "/admin/people/nobody/identities", "{}"],
  ["POST", "/admin/people/nobody/roles", "{}"],
  ["DELETE", "/admin/roles/nogrant"],
  ["GET", "/admin/towns"],
  ["POST", "/admin/towns", "{}"],
  ["PATCH", "/admin/towns/nowhere", "{}"],
  ["GET", "/admin/outbox"],
  ["POST", "/admin/outbox/nothing/retry"],
  ["GET", "/admin/inbound"],
  ["GET", "/admin/audit"],
  ["GET", "/admin/agencies"],
  ["POST", "/admin/agencies", "{}"],
  ["GET", "/admin/studios"],
  ["GET", "/admin/studios/ZSIPS-MATRIX-001"], // made in the admin block's beforeAll
  ["POST", "/admin/studios/ZSIPS-MATRIX-001/members", "{}"],
  ["DELETE", "/admin/studios/ZSIPS-MATRIX-001/members/nobody"],
  ["GET", "/admin/jobs"],
  ["POST", "/admin/jobs/nothing/run"],
  ["GET", "/admin/reports/surveys"], // 8.2 reports
  ["GET", "/admin/reports/surveys.png"],
  ["GET", "/admin/reports/surveys.svg"],
  ["GET", "/admin/reports/survey-responses.csv"],
  ["GET", "/admin/reports/survey-responses.xlsx"],
  ["POST", "/admin/enterprises/nobody/ip-assets/import", "{}"], // IP register import (GET /ip-assets/template.xlsx is public)
  ["GET", "/admin/calendar/2027"], // working-day calendar years
  ["PUT", "/admin/calendar/2027", "{}"],
  ["DELETE", "/admin/calendar/2027"],
];
const TOKEN = "matrix-admin-token-0123456789";
const CREDENTIALS: [name: string, headers: Record<string, string>, allowed: boolean][] = [
  ["Bearer ADMIN_TOKEN", { authorization: `Bearer ${TOKEN}` }, true],
  ["no credentials", {}, false],
  ["a wrong token", { authorization: "Bearer matrix-admin-token-012345678X" }, false],
  ["the token as Basic", { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString("base64")}` }, false],
];

// ---------- the run ----------

let h: WecomHarness;
const apps: Record<"a1" | "a2" | "a3" | "confirmDraft" | "declineDraft", string> = { a1: "", a2: "", a3: "", confirmDraft: "", declineDraft: "" };
const headCards: { confirm: string; decline: string } = { confirm: "", decline: "" };
const personIds = {} as Record<Actor, string>;

const prisma = () => h.t.db.prisma;
const lastAuditId = async () => (await prisma().auditLog.findFirst({ orderBy: { id: "desc" }, select: { id: true } }))?.id ?? 0;
const auditSince = (id: number) => prisma().auditLog.findMany({ where: { id: { gt: id } }, orderBy: { id: "asc" } });
const isRefusal = (action: string) => /refused$/.test(action);
/** Everything an authorization refusal must leave as it was. */
const state = async () => ({
  apps: await prisma().application.findMany({ select: { id: true, status: true, stage: true, version: true, lastUrgedOn: true, headConfirmation: true }, orderBy: { id: "asc" } }),
  steps: await prisma().approvalStep.findMany({ select: { id: true, status: true }, orderBy: { id: "asc" } }),
});

/** What one action told the actor on WeCom. */
async function act(a: Actor, send: () => Promise<Response>) {
  const before = h.to(ACTORS[a].userId).length;
  const auditBefore = await lastAuditId();
  const res = await send();
  expect(res.status).toBe(200);
  const told = h.to(ACTORS[a].userId).slice(before).map((s) => s.content ?? JSON.stringify(s.templateCard)).join("\n");
  return { told, audit: await auditSince(auditBefore) };
}

function expectRefusal(a: Actor, r: Awaited<ReturnType<typeof act>>, action: string, reply: RegExp, reason = /^[a-z_]+$/) {
  expect(r.told).toMatch(reply);
  const refusals = r.audit.filter((e) => isRefusal(e.action));
  expect(refusals.map((e) => e.action)).toEqual([action]);
  expect(refusals[0]).toMatchObject({ actorId: personIds[a], channel: "wecom" });
  expect(JSON.parse(refusals[0]!.detailJson).reason).toMatch(reason);
}

function expectAllowed(r: Awaited<ReturnType<typeof act>>, reply: RegExp) {
  expect(r.told).toMatch(reply);
  expect(r.audit.filter((e) => isRefusal(e.action))).toEqual([]);
}

beforeAll(async () => {
  h = await createWecomHarness({ env: { ADMIN_TOKEN: TOKEN } });
  for (const a of COLUMNS) {
    const { personId, userId } = ACTORS[a];
    if (personId) await prisma().channelIdentity.create({ data: { personId, channel: "wecom", externalId: userId } });
    personIds[a] = personId ?? (await h.runtime.services.directory.resolve({ channel: "wecom", userId })).id;
  }
  const applicantId = ACTORS.manager.personId;
  // Two drafts whose head is asked in chat (one to confirm, one to decline), then one application
  // pending at each stage, then a draft whose head cannot be reached (for 声明授权): newest last.
  const head = { personId: ACTORS.head.personId, userId: ACTORS.head.userId };
  const c = await seedApplication(h, { applicantId, stage: 0, headConfirmation: "HEAD_IN_CHAT", headCardTo: head, enterpriseName: "中山市矩阵确认科技有限公司" });
  const d = await seedApplication(h, { applicantId, stage: 0, headConfirmation: "HEAD_IN_CHAT", headCardTo: head, enterpriseName: "中山市矩阵婉拒科技有限公司" });
  Object.assign(apps, { confirmDraft: c.id, declineDraft: d.id });
  Object.assign(headCards, { confirm: c.headCardId, decline: d.headCardId });
  apps.a1 = (await seedApplication(h, { applicantId, stage: 1, enterpriseName: "中山市矩阵一号科技有限公司" })).id;
  apps.a2 = (await seedApplication(h, { applicantId, stage: 2, enterpriseName: "中山市矩阵二号科技有限公司" })).id;
  apps.a3 = (await seedApplication(h, { applicantId, stage: 3, enterpriseName: "中山市矩阵三号科技有限公司" })).id;
  await seedApplication(h, { applicantId, stage: 0, headConfirmation: "HEAD_IN_CHAT", enterpriseName: "中山市矩阵声明科技有限公司" });
});
afterAll(async () => {
  await h?.close();
});

describe("authorization matrix: chat commands", () => {
  const rows = CHAT_MATRIX.flatMap(([row, say, refusal]) => {
    const allowed = allowedIn(row);
    return COLUMNS.map((a) => ({ say, a, allowed: allowed.has(a), refusal }));
  });
  it.each(rows)("$say · $a → allowed: $allowed", async ({ say, a, allowed, refusal }) => {
    const before = await state();
    const r = await act(a, () => (say.startsWith("menu:") ? h.post(enterAgentXml({ fromUser: ACTORS[a].userId, event: "click", eventKey: say, createTime: Math.floor(h.clock.now().getTime() / 1000), agentId: WECOM.agentId })) : h.text(ACTORS[a].userId, say)));
    if (allowed) {
      expectAllowed(r, CHAT_ANSWERS[say]!(a));
      if (say === "菜单") expect(r.told.includes("待我审批"), "the menu offers 待我审批 to approvers only").toBe(["town", "townOther", "cityIp", "leader"].includes(a));
      if (say === "声明授权") expect((await act(a, () => h.text(ACTORS[a].userId, "确认声明"))).told).toMatch(/已记录您的声明/);
      if (say === "申请工作室") await prisma().conversationSession.updateMany({ where: { flowId: APPLICATION_FLOW, status: "ACTIVE" }, data: { status: "DONE" } });
      if (say === "登记知识产权") await prisma().conversationSession.updateMany({ where: { flowId: "ip-asset", status: "ACTIVE" }, data: { status: "DONE" } });
    } else {
      expectRefusal(a, r, refusal!, CHAT_REFUSALS[refusal!]!);
      expect(await state()).toEqual(before);
    }
  });
});

describe("authorization matrix: mid-form, command words are the form's to judge", () => {
  it.each(["待我审批", "声明授权"])("a stranger filling the form types %s: an answer to the question, not a refusal", async (say) => {
    await h.text(ACTORS.stranger.userId, "申请工作室");
    const r = await act("stranger", () => h.text(ACTORS.stranger.userId, say));
    expect(r.audit.filter((e) => isRefusal(e.action))).toEqual([]);
    // The form took it as an answer (accepted or re-asked), whatever it made of it.
    expect(r.told).toMatch(/请输入|请回复/);
    expect(r.told).not.toMatch(/您没有需要审批的事项|无需声明授权/);
    await prisma().conversationSession.updateMany({ where: { flowId: APPLICATION_FLOW, status: "ACTIVE" }, data: { status: "DONE" } });
  });
});

describe("authorization matrix: approval card buttons (同意 / 退回 / 不同意 at each stage)", () => {
  it("the table agrees with the approval machine (canDecide)", async () => {
    for (const stage of [1, 2, 3] as const) {
      for (const a of COLUMNS) {
        const grants = (await h.runtime.services.directory.get(personIds[a]))!.roles;
        const view = { status: "IN_REVIEW" as const, stage, version: 1, townId: "xiaolan", applicantId: ACTORS.manager.personId };
        expect(canDecide(grants, view), `stage ${stage}, ${a}`).toBe(allowedIn(STAGE_HOLDERS[stage]).has(a));
      }
    }
  });

  const appOf = { 1: "a1", 2: "a2", 3: "a3" } as const;
  const rows = ([1, 2, 3] as const).flatMap((stage) => {
    const holders = allowedIn(STAGE_HOLDERS[stage]);
    // Everyone else first (nothing may change), then the holder's own taps.
    const order = [...COLUMNS.filter((a) => !holders.has(a)), ...COLUMNS.filter((a) => holders.has(a))];
    return order.flatMap((a) => BUTTONS.map((b) => ({ stage, a, button: b.label, key: b.key, allowed: holders.has(a) })));
  });
  it.each(rows)("stage $stage · $button · $a → allowed: $allowed", async ({ stage, a, key, allowed }) => {
    const holder = COLUMNS.find((x) => allowedIn(STAGE_HOLDERS[stage]).has(x))!;
    const appId = apps[appOf[stage]];
    // The holder's card: for anyone else, a tap with a card id they were never sent.
    const cardId = await stageCard(h, appId, stage, personIds[holder]);
    const before = await state();
    const r = await act(a, () => h.click(ACTORS[a].userId, key, cardId));
    if (allowed) {
      expectAllowed(r, BUTTONS.find((b) => b.key === key)!.allowedReply);
      if (key === "ap:approve") {
        expect(r.audit.map((e) => [e.action, e.actorId, e.channel])).toContainEqual(["approval.approve", personIds[a], "wecom"]);
      } else {
        await h.text(ACTORS[a].userId, "取消"); // the opinion dialog: leave it, nothing decided
        expect(await state()).toEqual(before);
      }
    } else {
      expectRefusal(a, r, "approval.refused", /不是发给您/);
      expect(await state()).toEqual(before);
    }
  });
});

describe("authorization matrix: head confirmation buttons (确认提交 / 暂不同意)", () => {
  const holders = allowedIn(HEAD_CARD);
  const order = [...COLUMNS.filter((a) => !holders.has(a)), ...COLUMNS.filter((a) => holders.has(a))];
  const rows = order.flatMap((a) => [
    { a, button: "确认提交", key: "hc:confirm", card: "confirm" as const, allowed: holders.has(a), reply: /已确认，申请已提交审核/, status: "IN_REVIEW" },
    { a, button: "暂不同意", key: "hc:decline", card: "decline" as const, allowed: holders.has(a), reply: /已记录：您暂不同意/, status: "WITHDRAWN" },
  ]);
  it.each(rows)("$button · $a → allowed: $allowed", async ({ a, key, card, allowed, reply, status }) => {
    const appId = card === "confirm" ? apps.confirmDraft : apps.declineDraft;
    const before = await state();
    const r = await act(a, () => h.click(ACTORS[a].userId, key, headCards[card]));
    if (allowed) {
      expectAllowed(r, reply);
      expect((await prisma().application.findUniqueOrThrow({ where: { id: appId } })).status).toBe(status);
    } else {
      expectRefusal(a, r, "application.head_confirm_refused", /不是发给您/);
      expect(await state()).toEqual(before);
    }
  });
});

describe("[A.1] authorization matrix: the printable table", () => {
  const allowed = allowedIn(PRINT_WITH_OWN_LINK);
  const print = (appId: string, t?: string) => h.runtime.app.request(`/applications/${appId}/print${t === undefined ? "" : `?t=${encodeURIComponent(t)}`}`);
  const linkFor = (appId: string, a: Actor) => h.runtime.domain.linkSigner.sign(`print:${appId}`, personIds[a]);

  it.each(COLUMNS.map((a) => ({ a, allowed: allowed.has(a) })))("a link signed for $a → allowed: $allowed", async ({ a, allowed: ok }) => {
    const auditBefore = await lastAuditId();
    const res = await print(apps.a1, linkFor(apps.a1, a));
    const audit = await auditSince(auditBefore);
    if (ok) {
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("矩阵一号");
      expect(audit.filter((e) => isRefusal(e.action))).toEqual([]);
    } else {
      expect(res.status).toBe(403);
      expect(audit.map((e) => [e.action, e.actorId, e.channel, e.subjectId, JSON.parse(e.detailJson).reason])).toEqual([["print.refused", personIds[a], "print-link", apps.a1, "reader_not_allowed"]]);
    }
  });

  it.each([
    ["no link", undefined, "no_link"],
    ["a forged link", "x.y.z", "invalid_or_expired_link"],
    ["the officer's link for another application", "other-app", "invalid_or_expired_link"],
  ] as const)("%s → 401, audited without an actor", async (_name, t, reason) => {
    const auditBefore = await lastAuditId();
    const res = await print(apps.a1, t === "other-app" ? linkFor(apps.a2, "town") : t);
    expect(res.status).toBe(401);
    const audit = await auditSince(auditBefore);
    expect(audit.map((e) => [e.action, e.actorId, e.subjectId, JSON.parse(e.detailJson).reason])).toEqual([["print.refused", null, apps.a1, reason]]);
  });
});

describe("authorization matrix: admin API", () => {
  beforeAll(async () => {
    // A studio to read by its number (an applicant of its own, so no one else's drafts change).
    const applicant = await h.runtime.services.directory.resolve({ channel: "wecom", userId: "mx-studio-applicant" });
    const app = await seedApplication(h, { applicantId: applicant.id, stage: 0, enterpriseName: "中山市矩阵工作室科技有限公司" });
    const enterprise = await prisma().enterprise.create({ data: { name: "中山市矩阵工作室科技有限公司" } });
    await prisma().studio.create({ data: { number: "ZSIPS-MATRIX-001", enterpriseId: enterprise.id, applicationId: app.id, status: "SETTING_UP", approvedAt: h.clock.now() } });
  });

  it("the table lists every /admin route the app serves", () => {
    const served = new Set(h.runtime.app.routes.filter((r) => r.path.startsWith("/admin/") && r.method !== "ALL").map((r) => `${r.method} ${r.path}`));
    const listed = new Set(ADMIN_ROUTES.map(([m, p]) => `${m} ${p}`));
    for (const route of served) {
      const pattern = new RegExp(`^${route.replace(/:[A-Za-z]+/g, "[^/]+")}$`);
      expect([...listed].some((l) => pattern.test(l)), `${route} is missing from ADMIN_ROUTES`).toBe(true);
    }
  });

  const rows = ADMIN_ROUTES.flatMap(([method, path, body]) => CREDENTIALS.map(([cred, headers, allowed]) => ({ method, path, body, cred, headers, allowed })));
  it.each(rows)("$method $path with $cred → allowed: $allowed", async ({ method, path, body, headers, allowed }) => {
    // Refusals are audited up to 60 a minute (refusal-budget.ts), fewer than the table's rows.
    h.clock.advance(1_000);
    const auditBefore = await lastAuditId();
    const res = await h.runtime.app.request(path, { method, headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) }, body });
    const audit = await auditSince(auditBefore);
    if (allowed) {
      // Past the check: a listing, or the route's own answer to an empty body or unknown id.
      expect([200, 400, 404]).toContain(res.status);
      if (method === "GET") expect(res.status).toBe(200);
      expect(audit.filter((e) => isRefusal(e.action))).toEqual([]);
    } else {
      expect(res.status).toBe(401);
      expect(audit.map((e) => [e.action, e.channel, e.subjectId, JSON.parse(e.detailJson).method])).toEqual([["admin.refused", "admin-api", path, method]]);
      expect(audit[0]!.detailJson).not.toContain(TOKEN);
    }
  });
});

describe("authorization matrix: the simulator in production (admin sign-in only)", () => {
  let rt: ReturnType<typeof createRuntime>;
  let sim: ReturnType<typeof createRuntime>["app"];
  let cookie = "";
  let n = 0;
  // The page, its API, and the web channel it posts to (acting as a persona).
  const REQUESTS: [name: string, init: () => [string, RequestInit]][] = [
    ["GET /simulator", () => ["/simulator", {}]],
    ["GET /simulator/api/personas", () => ["/simulator/api/personas", {}]],
    ["POST /webhooks/web", () => ["/webhooks/web", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "demo-agency-staff", clientMsgId: `matrix-sim-${++n}`, text: "菜单" }) }]],
  ];
  const send = (req: (typeof REQUESTS)[number][1], headers: Record<string, string>) => {
    const [path, init] = req();
    return sim.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
  };
  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: "production", SIMULATOR_ENABLED: "true", ADMIN_TOKEN: TOKEN });
    rt = createRuntime({ config, db: h.t.db, logger: h.logs.logger, clock: h.clock });
    sim = rt.app;
    const res = await sim.request("/simulator/login", { method: "POST", body: new URLSearchParams({ token: TOKEN }) }, { incoming: { socket: { remoteAddress: "203.0.113.9" } } });
    expect(res.status).toBe(303);
    cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  });
  afterAll(async () => {
    await rt.services.settle(); // the web events accepted above are handled before the database goes
  });

  it.each(REQUESTS)("%s with the admin's session → allowed", async (_name, req) => {
    expect((await send(req, { cookie })).status).toBe(200);
  });

  it.each(REQUESTS)("%s without a session → 401, with a forged one → 403", async (_name, req) => {
    expect((await send(req, {})).status).toBe(401);
    expect((await send(req, { cookie: `${cookie.split("=")[0]}=forged-session-value` })).status).toBe(403);
  });

  it.each(REQUESTS)("%s without a session is audited", async (_name, req) => {
    const auditBefore = await lastAuditId();
    expect((await send(req, {})).status).toBe(401);
    expect((await auditSince(auditBefore)).filter((e) => isRefusal(e.action))).toHaveLength(1);
  });
});

describe("authorization matrix: a role revoked after the card and link were sent", () => {
  it("the officer's own card and print link are refused (re-checked on every use), audited", async () => {
    const { id } = await seedApplication(h, { applicantId: ACTORS.manager.personId, stage: 1, enterpriseName: "中山市矩阵撤权科技有限公司" });
    const cardId = await stageCard(h, id, 1, personIds.town);
    const link = h.runtime.domain.linkSigner.sign(`print:${id}`, personIds.town);
    await prisma().roleGrant.updateMany({ where: { personId: personIds.town, revokedAt: null }, data: { revokedAt: h.clock.now() } });
    try {
      const before = await state();
      const r = await act("town", () => h.click(ACTORS.town.userId, "ap:approve", cardId));
      // The approval machine's own refusal: its message is the recorded reason.
      expectRefusal("town", r, "approval.refused", /无权/, /无权/);
      expect(await state()).toEqual(before);
      const auditBefore = await lastAuditId();
      expect((await h.runtime.app.request(`/applications/${id}/print?t=${encodeURIComponent(link)}`)).status).toBe(403);
      expect((await auditSince(auditBefore)).map((e) => [e.action, e.actorId])).toEqual([["print.refused", personIds.town]]);
    } finally {
      await prisma().roleGrant.updateMany({ where: { personId: personIds.town }, data: { revokedAt: null } });
    }
  });
});

describe("authorization matrix: afterwards", () => {
  it("every refusal above is in the audit chain, and the chain verifies", async () => {
    const refused = await prisma().auditLog.groupBy({ by: ["action"], where: { action: { endsWith: "refused" } }, _count: { _all: true } });
    const counts = Object.fromEntries(refused.map((r) => [r.action, r._count._all]));
    const refusedCells = (row: string) => COLUMNS.length - allowedIn(row).size;
    expect(counts["approval.refused"]).toBe(([1, 2, 3] as const).reduce((n, s) => n + refusedCells(STAGE_HOLDERS[s]) * BUTTONS.length, 0) + 1); // + the revoked officer
    expect(counts["application.head_confirm_refused"]).toBe(refusedCells(HEAD_CARD) * 2);
    expect(counts["pending.refused"]).toBe(refusedCells(CHAT_MATRIX[3]![0]) + refusedCells(CHAT_MATRIX[4]![0]));
    expect(await verifyAuditChain(prisma())).toMatchObject({ ok: true });
  });
});
