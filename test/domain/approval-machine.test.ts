// 6.3 a / A.1 opinions: the three-stage approval, every state × every event.
import { describe, expect, it } from "vitest";
import {
  canDecide,
  decisionSummary,
  eligibleRoleForStage,
  transition,
  type ApprovalEvent,
  type ApprovalView,
  type Approver,
  type Stage,
} from "../../src/domain/approval/approval-machine.ts";
import { ConflictError, ForbiddenError, ValidationError } from "../../src/domain/errors.ts";

const TOWN = "xiaolan";
const APPLICANT = "p-applicant";

const view = (status: ApprovalView["status"], stage: Stage | null = null, version = 2): ApprovalView => ({
  status,
  stage,
  version,
  townId: TOWN,
  applicantId: APPLICANT,
});

const STATES: Record<string, ApprovalView> = {
  DRAFT: view("DRAFT"),
  "IN_REVIEW@1": view("IN_REVIEW", 1),
  "IN_REVIEW@2": view("IN_REVIEW", 2),
  "IN_REVIEW@3": view("IN_REVIEW", 3),
  "RETURNED@1": view("RETURNED", 1),
  "RETURNED@2": view("RETURNED", 2),
  "RETURNED@3": view("RETURNED", 3),
  APPROVED: view("APPROVED"),
  REJECTED: view("REJECTED"),
  WITHDRAWN: view("WITHDRAWN"),
};

const officer = (stage: Stage, townId: string | null = stage === 1 ? TOWN : null): Approver => ({
  id: `officer-${stage}`,
  name: "张三",
  role: eligibleRoleForStage(stage),
  townId,
});

const EVENTS: Record<string, ApprovalEvent> = {
  SUBMIT: { type: "SUBMIT", actorId: APPLICANT },
  RESUBMIT: { type: "RESUBMIT", actorId: APPLICANT },
  WITHDRAW: { type: "WITHDRAW", actorId: APPLICANT },
};
for (const stage of [1, 2, 3] as const) {
  EVENTS[`APPROVE@${stage}`] = { type: "APPROVE", stage, actor: officer(stage) };
  EVENTS[`RETURN@${stage}`] = { type: "RETURN", stage, actor: officer(stage), opinion: "请补充材料", fields: ["headcount"] };
  EVENTS[`REJECT@${stage}`] = { type: "REJECT", stage, actor: officer(stage), opinion: "不符合条件" };
  EVENTS[`FORWARD@${stage}`] = { type: "FORWARD", stage, actor: officer(stage), toTownId: "guzhen", reason: "注册地址在古镇" };
}

// The legal moves, written out independently of the machine: "state|event" → next state.
const LEGAL: Record<string, string> = {
  "DRAFT|SUBMIT": "IN_REVIEW@1",
  "DRAFT|WITHDRAW": "WITHDRAWN",
  "RETURNED@1|RESUBMIT": "IN_REVIEW@1",
  "RETURNED@2|RESUBMIT": "IN_REVIEW@2",
  "RETURNED@3|RESUBMIT": "IN_REVIEW@3",
  "IN_REVIEW@1|APPROVE@1": "IN_REVIEW@2",
  "IN_REVIEW@2|APPROVE@2": "IN_REVIEW@3",
  "IN_REVIEW@3|APPROVE@3": "APPROVED",
  // 6.3 a: only the town stage can be forwarded to another town.
  "IN_REVIEW@1|FORWARD@1": "IN_REVIEW@1",
};
for (const s of [1, 2, 3]) {
  LEGAL[`IN_REVIEW@${s}|RETURN@${s}`] = `RETURNED@${s}`;
  LEGAL[`IN_REVIEW@${s}|REJECT@${s}`] = "REJECTED";
  LEGAL[`IN_REVIEW@${s}|WITHDRAW`] = "WITHDRAWN";
  LEGAL[`RETURNED@${s}|WITHDRAW`] = "WITHDRAWN";
}

const label = (v: ApprovalView) => (v.stage === null ? v.status : `${v.status}@${v.stage}`);

describe("approval machine: every state × every event [6.3 a]", () => {
  const matrix = Object.keys(STATES).flatMap((s) => Object.keys(EVENTS).map((e) => [s, e] as const));
  it("covers 10 states × 15 events", () => expect(matrix).toHaveLength(150));

  it.each(matrix)("%s + %s", (s, e) => {
    const app = STATES[s]!;
    const event = EVENTS[e]!;
    const next = LEGAL[`${s}|${e}`];
    if (next === undefined) {
      expect(() => transition(app, event)).toThrow(ConflictError);
      return;
    }
    const result = transition(app, event);
    expect(label(result.view)).toBe(next);
    expect(result.view.version).toBe(e === "RESUBMIT" || e.startsWith("FORWARD") ? app.version + 1 : app.version);
    expect(result.view.townId).toBe(e.startsWith("FORWARD") ? "guzhen" : TOWN);
    expect(result.view.applicantId).toBe(APPLICANT);
    expect(result.decision === null).toBe(!("actor" in event) || event.type === "FORWARD");
  });

  it.each(matrix.filter(([, e]) => e.includes("@")))("%s + %s by the wrong role or town is forbidden", (s, e) => {
    const event = EVENTS[e] as Extract<ApprovalEvent, { actor: Approver }>;
    const wrongRole = { ...event, actor: { ...event.actor, role: event.stage === 3 ? "CITY_IP_OFFICER" : "CITY_LEADER" } } as ApprovalEvent;
    expect(() => transition(STATES[s]!, wrongRole)).toThrow(ForbiddenError);
    for (const role of ["ENTERPRISE_MANAGER", "ENTERPRISE_HEAD", "AGENCY_STAFF", "ADMIN"] as const) {
      expect(() => transition(STATES[s]!, { ...event, actor: { ...event.actor, role } })).toThrow(ForbiddenError);
    }
    if (event.stage === 1) {
      const otherTown = { ...event, actor: officer(1, "guzhen") };
      expect(() => transition(STATES[s]!, otherTown)).toThrow("您无权审批该镇街的申请");
      expect(() => transition(STATES[s]!, { ...event, actor: officer(1, null) })).toThrow(ForbiddenError);
    }
  });

  it.each(matrix.filter(([, e]) => !e.includes("@")))("%s + %s by someone other than the applicant is forbidden", (s, e) => {
    const event = { ...EVENTS[e]!, actorId: "p-stranger" } as ApprovalEvent;
    expect(() => transition(STATES[s]!, event)).toThrow(ForbiddenError);
  });
});

describe("effects and decisions", () => {
  it("submit opens stage 1 for the enterprise's town", () => {
    const r = transition(view("DRAFT", null, 1), EVENTS.SUBMIT!);
    expect(r.view).toMatchObject({ status: "IN_REVIEW", stage: 1, version: 1 });
    expect(r.effects).toEqual([
      { type: "openStage", stage: 1, round: 1, role: "TOWN_OFFICER", townId: TOWN },
      { type: "notifyApplicant", notice: "submitted", stage: 1 },
    ]);
  });

  it("[A.1] approve defaults the opinion to 同意推荐 and moves to the next stage", () => {
    const r = transition(STATES["IN_REVIEW@1"]!, EVENTS["APPROVE@1"]!);
    expect(r.decision).toEqual({ stage: 1, round: 2, decision: "APPROVE", opinion: "同意推荐", actor: officer(1), returnFields: [] });
    expect(r.effects).toEqual([
      { type: "closeStage", stage: 1, round: 2, outcome: "APPROVED" },
      { type: "openStage", stage: 2, round: 2, role: "CITY_IP_OFFICER", townId: null },
      { type: "notifyApplicant", notice: "advanced", stage: 2 },
    ]);
    const r2 = transition(STATES["IN_REVIEW@2"]!, { type: "APPROVE", stage: 2, actor: officer(2), opinion: "  同意建站 " });
    expect(r2.decision?.opinion).toBe("同意建站");
  });

  it("[A.1] final approval at stage 3 assigns the studio number (编号)", () => {
    const r = transition(STATES["IN_REVIEW@3"]!, EVENTS["APPROVE@3"]!);
    expect(r.view).toMatchObject({ status: "APPROVED", stage: null });
    expect(r.effects).toEqual([
      { type: "closeStage", stage: 3, round: 2, outcome: "APPROVED" },
      { type: "assignStudioNumber" },
      { type: "notifyApplicant", notice: "approved", stage: 3 },
    ]);
    expect(r.effects.filter((e) => e.type === "assignStudioNumber")).toHaveLength(1);
  });

  it.each([1, 2, 3] as const)("return at stage %i keeps that stage and resubmission goes back to it", (stage) => {
    const returned = transition(view("IN_REVIEW", stage, 1), {
      type: "RETURN",
      stage,
      actor: officer(stage),
      opinion: " 请补充人数 ",
      fields: ["headcount", " headcount", "", "contactMobile"],
    });
    expect(returned.view).toMatchObject({ status: "RETURNED", stage, version: 1 });
    expect(returned.decision).toMatchObject({ decision: "RETURN", opinion: "请补充人数", returnFields: ["headcount", "contactMobile"] });
    expect(returned.effects).toEqual([
      { type: "closeStage", stage, round: 1, outcome: "RETURNED" },
      { type: "notifyApplicant", notice: "returned", stage, opinion: "请补充人数", returnFields: ["headcount", "contactMobile"] },
    ]);
    const again = transition(returned.view, EVENTS.RESUBMIT!);
    expect(again.view).toMatchObject({ status: "IN_REVIEW", stage, version: 2 });
    expect(again.effects[0]).toEqual({ type: "openStage", stage, round: 2, role: eligibleRoleForStage(stage), townId: stage === 1 ? TOWN : null });
    // A second resubmission bumps again.
    const back = transition(again.view, { type: "RETURN", stage, actor: officer(stage), opinion: "仍需补充" });
    expect(transition(back.view, EVENTS.RESUBMIT!).view.version).toBe(3);
  });

  it("reject closes the stage and tells the applicant why", () => {
    const r = transition(STATES["IN_REVIEW@2"]!, EVENTS["REJECT@2"]!);
    expect(r.view).toMatchObject({ status: "REJECTED", stage: null });
    expect(r.decision).toMatchObject({ stage: 2, decision: "REJECT", opinion: "不符合条件" });
    expect(r.effects).toEqual([
      { type: "closeStage", stage: 2, round: 2, outcome: "REJECTED" },
      { type: "notifyApplicant", notice: "rejected", stage: 2, opinion: "不符合条件" },
    ]);
  });

  it.each(["RETURN", "REJECT"] as const)("%s requires an opinion", (type) => {
    for (const opinion of ["", "   "]) {
      expect(() => transition(STATES["IN_REVIEW@1"]!, { type, stage: 1, actor: officer(1), opinion })).toThrow(ValidationError);
    }
  });

  it("withdraw cancels an open stage, and is refused after the final decision", () => {
    expect(transition(STATES["IN_REVIEW@2"]!, EVENTS.WITHDRAW!).effects).toEqual([
      { type: "closeStage", stage: 2, round: 2, outcome: "CANCELLED" },
    ]);
    expect(transition(STATES["RETURNED@2"]!, EVENTS.WITHDRAW!).effects).toEqual([]);
    expect(transition(STATES.DRAFT!, EVENTS.WITHDRAW!).view).toMatchObject({ status: "WITHDRAWN", stage: null });
    expect(() => transition(STATES.APPROVED!, EVENTS.WITHDRAW!)).toThrow("申请已有最终结果，不能撤回");
    expect(() => transition(STATES.REJECTED!, EVENTS.WITHDRAW!)).toThrow(ConflictError);
  });

  it("Chinese messages for lost races and decided applications", () => {
    expect(() => transition(STATES["IN_REVIEW@2"]!, EVENTS["APPROVE@1"]!)).toThrow("该申请已由其他人处理");
    expect(() => transition(STATES.REJECTED!, EVENTS["APPROVE@3"]!)).toThrow("申请已被驳回，不能再审批");
    // A card of an earlier round (before a resubmission) is stale even at the same stage.
    expect(() => transition(STATES["IN_REVIEW@1"]!, { type: "APPROVE", stage: 1, actor: officer(1), version: 1 })).toThrow("该申请已由其他人处理");
    expect(transition(STATES["IN_REVIEW@1"]!, { type: "APPROVE", stage: 1, actor: officer(1), version: 2 }).view.stage).toBe(2);
  });

  it("[6.3 a] forward moves the town stage to the other town in a new round, tells the applicant, records no opinion", () => {
    const r = transition(STATES["IN_REVIEW@1"]!, { type: "FORWARD", stage: 1, actor: officer(1), toTownId: " guzhen ", reason: " 注册地址在古镇 ", version: 2 });
    expect(r.view).toEqual({ status: "IN_REVIEW", stage: 1, version: 3, townId: "guzhen", applicantId: APPLICANT });
    expect(r.decision).toBeNull();
    expect(r.forward).toEqual({ round: 2, fromTownId: TOWN, toTownId: "guzhen", reason: "注册地址在古镇", actor: officer(1) });
    expect(r.effects).toEqual([
      { type: "closeStage", stage: 1, round: 2, outcome: "FORWARDED" },
      { type: "openStage", stage: 1, round: 3, role: "TOWN_OFFICER", townId: "guzhen" },
      { type: "notifyApplicant", notice: "forwarded", stage: 1, opinion: "注册地址在古镇", townId: "guzhen" },
    ]);
    // The new town's officer may now decide; the old town's may not, and the old round's cards are stale.
    expect(canDecide([{ role: "TOWN_OFFICER", townId: "guzhen" }], r.view)).toBe(true);
    expect(() => transition(r.view, EVENTS["APPROVE@1"]!)).toThrow("您无权审批该镇街的申请");
    expect(() => transition(r.view, { type: "APPROVE", stage: 1, actor: officer(1, "guzhen"), version: 2 })).toThrow("该申请已由其他人处理");
    expect(transition(r.view, { type: "APPROVE", stage: 1, actor: officer(1, "guzhen"), version: 3 }).view).toMatchObject({ stage: 2, townId: "guzhen" });
  });

  it("[6.3 a] forward needs a reason and another town; a second tap on the same round is stale", () => {
    const base = { type: "FORWARD", stage: 1, actor: officer(1) } as const;
    expect(() => transition(STATES["IN_REVIEW@1"]!, { ...base, toTownId: "guzhen", reason: "  " })).toThrow("请填写转其他镇街的理由");
    expect(() => transition(STATES["IN_REVIEW@1"]!, { ...base, toTownId: TOWN, reason: "地址" })).toThrow("请选择另一个镇街");
    expect(() => transition(STATES["IN_REVIEW@1"]!, { ...base, toTownId: "", reason: "地址" })).toThrow(ValidationError);
    const moved = transition(STATES["IN_REVIEW@1"]!, { ...base, toTownId: "guzhen", reason: "地址", version: 2 }).view;
    expect(() => transition(moved, { ...base, actor: officer(1, "guzhen"), toTownId: "dongfeng", reason: "地址", version: 2 })).toThrow("该申请已由其他人处理");
  });

  it("refuses a stored row that breaks the stage invariant", () => {
    expect(() => transition(view("IN_REVIEW", null), EVENTS["APPROVE@1"]!)).toThrow(/inconsistent/);
    expect(() => transition(view("APPROVED", 3), EVENTS.WITHDRAW!)).toThrow(/inconsistent/);
  });
});

describe("[A.1] who may decide (the opinion rows)", () => {
  it("maps stages to roles", () => {
    expect([1, 2, 3].map((s) => eligibleRoleForStage(s as Stage))).toEqual(["TOWN_OFFICER", "CITY_IP_OFFICER", "CITY_LEADER"]);
  });

  it("canDecide checks role, town and that the stage is open", () => {
    const town = { role: "TOWN_OFFICER" as const, townId: TOWN };
    expect(canDecide([town], STATES["IN_REVIEW@1"]!)).toBe(true);
    expect(canDecide([{ ...town, townId: "guzhen" }], STATES["IN_REVIEW@1"]!)).toBe(false);
    expect(canDecide([town], STATES["IN_REVIEW@2"]!)).toBe(false);
    expect(canDecide([town, { role: "CITY_IP_OFFICER" }], STATES["IN_REVIEW@2"]!)).toBe(true);
    expect(canDecide([{ role: "CITY_LEADER" }], STATES["IN_REVIEW@3"]!)).toBe(true);
    expect(canDecide([{ role: "ADMIN" }], STATES["IN_REVIEW@3"]!)).toBe(false);
    for (const s of ["DRAFT", "RETURNED@1", "APPROVED", "REJECTED", "WITHDRAWN"]) expect(canDecide([town], STATES[s]!)).toBe(false);
  });
});

describe("decisionSummary", () => {
  it("prints who and when in Asia/Shanghai", () => {
    const at = new Date("2026-11-24T02:32:00Z");
    expect(decisionSummary({ name: "张三", at, decision: "APPROVE" }, "Asia/Shanghai")).toBe("已由 张三 于 11-24 10:32 同意");
    expect(decisionSummary({ name: "李四", at, decision: "RETURN" })).toBe("已由 李四 于 11-24 10:32 退回修改");
    // Past midnight in Beijing, still the day before in UTC; 00:05 not 24:05.
    expect(decisionSummary({ name: "王五", at: new Date("2026-11-24T16:05:00Z"), decision: "REJECT" })).toBe("已由 王五 于 11-25 00:05 不同意");
  });
});
