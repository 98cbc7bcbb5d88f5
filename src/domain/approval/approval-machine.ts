// 6.3 a: a studio must be approved by the IP authority. Table A.1 has three opinion rows,
// taken in order: stage 1 镇街市场监督管理分局意见, stage 2 市局知识产权相关科室意见,
// stage 3 市局意见 (which assigns the 编号). Pure: the caller stores the result and runs the effects.

import { localParts } from "../calendar/working-days.ts";
import { ConflictError, ForbiddenError, ValidationError } from "../errors.ts";
import type { Role, RoleGrantView } from "../roles.ts";

export const APPROVAL_STATUSES = ["DRAFT", "IN_REVIEW", "RETURNED", "APPROVED", "REJECTED", "WITHDRAWN"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export const STAGES = [1, 2, 3] as const;
export type Stage = (typeof STAGES)[number];

/** What the machine needs of an Application row. `stage` is set only while IN_REVIEW / RETURNED. */
export interface ApprovalView {
  status: ApprovalStatus;
  stage: Stage | null;
  /** Bumped on every resubmission and forward; binds card buttons to one round. */
  version: number;
  townId: string;
  applicantId: string;
}

export interface Approver {
  id: string;
  name?: string;
  /** The grant the actor acts under (one person may hold several). */
  role: Role;
  townId?: string | null;
}

export type Decision = "APPROVE" | "RETURN" | "REJECT";

export type ApprovalEvent =
  | { type: "SUBMIT"; actorId: string }
  | { type: "RESUBMIT"; actorId: string }
  | { type: "WITHDRAW"; actorId: string }
  /** `version`, when given (from a card), must match: a tap on a stale round is refused. */
  | { type: "APPROVE"; stage: Stage; actor: Approver; opinion?: string; version?: number }
  | { type: "RETURN"; stage: Stage; actor: Approver; opinion: string; fields?: string[]; version?: number }
  | { type: "REJECT"; stage: Stage; actor: Approver; opinion: string; version?: number }
  /** 6.3 a: a town officer sends the application to the sub-bureau of the town it belongs to (转其他镇街). */
  | { type: "FORWARD"; stage: Stage; actor: Approver; toTownId: string; reason: string; version?: number };

export type ApprovalEventType = ApprovalEvent["type"];

/** The A.1 opinion row to store (ApprovalStep: opinion, decidedBy, returnFields). */
export interface DecisionRecord {
  stage: Stage;
  round: number;
  decision: Decision;
  opinion: string;
  actor: Approver;
  returnFields: string[];
}

export type StageOutcome = "APPROVED" | "RETURNED" | "REJECTED" | "CANCELLED" | "FORWARDED";
export type ApplicantNotice = "submitted" | "resubmitted" | "advanced" | "returned" | "rejected" | "approved" | "forwarded";

/** A forward to store on the closed step (status FORWARDED, opinion = the reason) and audit. */
export interface ForwardRecord {
  round: number;
  fromTownId: string;
  toTownId: string;
  reason: string;
  actor: Approver;
}

export type ApprovalEffect =
  /** Open an ApprovalStep (stage, round) and send cards to the eligible approvers. */
  | { type: "openStage"; stage: Stage; round: number; role: Role; townId: string | null }
  /** Mark the pending ApprovalStep decided/cancelled and update its cards to a final text. */
  | { type: "closeStage"; stage: Stage; round: number; outcome: StageOutcome }
  /** A.1 编号: the caller draws the next number of the year (StudioNumberSequence). */
  | { type: "assignStudioNumber" }
  | { type: "notifyApplicant"; notice: ApplicantNotice; stage?: Stage; opinion?: string; returnFields?: string[]; townId?: string };

export interface TransitionResult {
  view: ApprovalView;
  decision: DecisionRecord | null;
  /** Set by FORWARD only. */
  forward?: ForwardRecord;
  effects: ApprovalEffect[];
}

/** A.1: what an approval without a typed opinion says on the form. */
export const DEFAULT_APPROVE_OPINION = "同意推荐";

export const DECISION_LABELS: Record<Decision, string> = {
  APPROVE: "同意",
  RETURN: "退回修改",
  REJECT: "不同意",
};

export const STAGE_LABELS: Record<Stage, string> = {
  1: "镇街市场监督管理分局意见",
  2: "市局知识产权相关科室意见",
  3: "市局意见",
};

const STAGE_ROLES: Record<Stage, Role> = { 1: "TOWN_OFFICER", 2: "CITY_IP_OFFICER", 3: "CITY_LEADER" };

/** A.1 opinion rows: who signs each one. */
export function eligibleRoleForStage(stage: Stage): Role {
  return STAGE_ROLES[stage];
}

function grantFits(grant: { role: Role; townId?: string | null }, stage: Stage, townId: string): boolean {
  if (grant.role !== STAGE_ROLES[stage]) return false;
  // A.1: stage 1 is the sub-bureau of the enterprise's own town.
  return stage !== 1 || grant.townId === townId;
}

/** Whether any of the actor's grants may decide the application's current stage now. */
export function canDecide(actorGrants: readonly RoleGrantView[], app: ApprovalView): boolean {
  if (app.status !== "IN_REVIEW" || app.stage === null) return false;
  const stage = app.stage;
  return actorGrants.some((g) => grantFits(g, stage, app.townId));
}

const FINAL_REFUSAL: Partial<Record<ApprovalStatus, string>> = {
  DRAFT: "申请尚未提交，不能审批",
  RETURNED: "申请已退回企业修改，待重新提交后再审批",
  APPROVED: "申请已批准，不能再审批",
  REJECTED: "申请已被驳回，不能再审批",
  WITHDRAWN: "申请已被撤回，不能再审批",
};

function assertConsistent(app: ApprovalView): void {
  const staged = app.status === "IN_REVIEW" || app.status === "RETURNED";
  if (staged !== (app.stage !== null)) {
    // Not a user error: the stored row breaks the invariant above.
    throw new Error(`approval view inconsistent: status ${app.status} with stage ${app.stage}`);
  }
}

export function transition(row: ApprovalView, event: ApprovalEvent): TransitionResult {
  // Copy only the view's fields: callers may pass a whole Application row.
  const app: ApprovalView = { status: row.status, stage: row.stage, version: row.version, townId: row.townId, applicantId: row.applicantId };
  assertConsistent(app);
  switch (event.type) {
    case "SUBMIT":
    case "RESUBMIT":
    case "WITHDRAW":
      if (event.actorId !== app.applicantId) throw new ForbiddenError("只有申请人可以提交或撤回该申请");
      return applicantEvent(app, event.type);
    case "APPROVE":
    case "RETURN":
    case "REJECT":
      return decide(app, event);
    case "FORWARD":
      return forward(app, event);
  }
}

function applicantEvent(app: ApprovalView, type: "SUBMIT" | "RESUBMIT" | "WITHDRAW"): TransitionResult {
  if (type === "SUBMIT") {
    if (app.status !== "DRAFT") throw new ConflictError("申请已提交，不能重复提交");
    // 6.2 → 6.3 a: the form goes first to the town's sub-bureau.
    return {
      view: { ...app, status: "IN_REVIEW", stage: 1 },
      decision: null,
      effects: [openStage(1, app.version, app.townId), { type: "notifyApplicant", notice: "submitted", stage: 1 }],
    };
  }
  if (type === "RESUBMIT") {
    if (app.status !== "RETURNED" || app.stage === null) {
      throw new ConflictError(app.status === "DRAFT" ? "申请尚未提交，请直接提交" : "申请未被退回，不能重新提交");
    }
    // Back to the stage that returned it, not to stage 1: earlier opinions stand.
    const version = app.version + 1;
    return {
      view: { ...app, status: "IN_REVIEW", version },
      decision: null,
      effects: [openStage(app.stage, version, app.townId), { type: "notifyApplicant", notice: "resubmitted", stage: app.stage }],
    };
  }
  // WITHDRAW: allowed until the final decision.
  if (app.status === "APPROVED" || app.status === "REJECTED") throw new ConflictError("申请已有最终结果，不能撤回");
  if (app.status === "WITHDRAWN") throw new ConflictError("申请已撤回");
  const effects: ApprovalEffect[] =
    app.status === "IN_REVIEW" && app.stage !== null
      ? [{ type: "closeStage", stage: app.stage, round: app.version, outcome: "CANCELLED" }]
      : [];
  return { view: { ...app, status: "WITHDRAWN", stage: null }, decision: null, effects };
}

/**
 * Who may act on the pending stage, checked before anything else (authorization first, so a
 * wrong actor learns nothing about the application's state), then that the stage is still open.
 */
function requireStageActor(app: ApprovalView, event: { stage: Stage; actor: Approver; version?: number }): void {
  const { stage, actor } = event;
  if (actor.role !== STAGE_ROLES[stage]) throw new ForbiddenError(`您无权填写「${STAGE_LABELS[stage]}」`);
  if (!grantFits(actor, stage, app.townId)) throw new ForbiddenError("您无权审批该镇街的申请");
  const refusal = FINAL_REFUSAL[app.status];
  if (refusal) throw new ConflictError(refusal);
  if (app.stage !== stage || (event.version !== undefined && event.version !== app.version)) throw new ConflictError("该申请已由其他人处理");
}

function decide(app: ApprovalView, event: Extract<ApprovalEvent, { type: Decision }>): TransitionResult {
  const { stage, actor } = event;
  requireStageActor(app, event);

  const opinion = (event.opinion ?? "").trim();
  if (event.type !== "APPROVE" && opinion === "") {
    throw new ValidationError(event.type === "RETURN" ? "请填写退回修改的意见" : "请填写不同意的理由");
  }
  const returnFields = event.type === "RETURN" ? cleanFields(event.fields) : [];
  const decision: DecisionRecord = {
    stage,
    round: app.version,
    decision: event.type,
    opinion: opinion || DEFAULT_APPROVE_OPINION,
    actor,
    returnFields,
  };
  const close = (outcome: StageOutcome): ApprovalEffect => ({ type: "closeStage", stage, round: app.version, outcome });

  if (event.type === "RETURN") {
    return {
      view: { ...app, status: "RETURNED" },
      decision,
      effects: [close("RETURNED"), { type: "notifyApplicant", notice: "returned", stage, opinion, returnFields }],
    };
  }
  if (event.type === "REJECT") {
    return {
      view: { ...app, status: "REJECTED", stage: null },
      decision,
      effects: [close("REJECTED"), { type: "notifyApplicant", notice: "rejected", stage, opinion }],
    };
  }
  if (stage === 3) {
    // A.1 市局意见 · 编号: final approval; the studio number is drawn by the caller.
    return {
      view: { ...app, status: "APPROVED", stage: null },
      decision,
      effects: [close("APPROVED"), { type: "assignStudioNumber" }, { type: "notifyApplicant", notice: "approved", stage }],
    };
  }
  const next = (stage + 1) as Stage;
  return {
    view: { ...app, stage: next },
    decision,
    effects: [close("APPROVED"), openStage(next, app.version, app.townId), { type: "notifyApplicant", notice: "advanced", stage: next }],
  };
}

/**
 * 转其他镇街: the stage-1 officer of the application's town finds it belongs to another town. The
 * pending stage closes as FORWARDED and reopens at stage 1 for the new town in a new round, so
 * the old town's cards are stale; nothing was decided, so no A.1 opinion row is written.
 */
function forward(app: ApprovalView, event: Extract<ApprovalEvent, { type: "FORWARD" }>): TransitionResult {
  const { stage, actor } = event;
  requireStageActor(app, event);
  // Only the town stage is the town's: later stages are the city's, whatever the town.
  if (stage !== 1) throw new ConflictError("只有镇街初审阶段可以转其他镇街");
  const reason = event.reason.trim();
  if (reason === "") throw new ValidationError("请填写转其他镇街的理由");
  const toTownId = event.toTownId.trim();
  if (toTownId === "" || toTownId === app.townId) throw new ValidationError("请选择另一个镇街");
  const version = app.version + 1;
  return {
    view: { ...app, townId: toTownId, version },
    decision: null,
    forward: { round: app.version, fromTownId: app.townId, toTownId, reason, actor },
    effects: [
      { type: "closeStage", stage, round: app.version, outcome: "FORWARDED" },
      openStage(1, version, toTownId),
      { type: "notifyApplicant", notice: "forwarded", stage, opinion: reason, townId: toTownId },
    ],
  };
}

function openStage(stage: Stage, round: number, townId: string): ApprovalEffect {
  return { type: "openStage", stage, round, role: STAGE_ROLES[stage], townId: stage === 1 ? townId : null };
}

function cleanFields(fields: readonly string[] | undefined): string[] {
  return [...new Set((fields ?? []).map((f) => f.trim()).filter((f) => f !== ""))];
}

// ---------- card text ----------

/** "已由 张三 于 11-24 10:32 同意": the final text of a decided card (A.1: who decided and when). */
export function decisionSummary(d: { name: string; at: Date; decision: Decision }, timeZone = "Asia/Shanghai"): string {
  const parts = localParts(d.at, timeZone);
  return `已由 ${d.name} 于 ${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${DECISION_LABELS[d.decision]}`;
}
