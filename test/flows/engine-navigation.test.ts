// Commands at any step: 帮助 / 返回 / 跳过 / 修改 / 取消 / 继续 / 菜单.
import { describe, expect, it } from "vitest";
import { studioApplicationFlow as flow } from "../../bot-flows/studio-application.ts";
import { HELP, makeCtx, startAt } from "./helpers.ts";

const NAME_Q = "请输入企业名称（与营业执照一致）";

describe("返回 (back)", () => {
  it("says so on the first question", () => {
    const d = startAt(flow, "enterpriseName");
    d.send("返回");
    expect(d.replies).toEqual([{ kind: "text", text: `已经是第一题了。\n\n第 1/27 题 · 企业基本信息\n${NAME_Q}` }]);
  });

  it("re-asks the previous question showing the current answer, then jumps back to where it was", () => {
    const d = startAt(flow, "enterpriseName");
    d.send("中山市某某科技有限公司").send("跳过").send("中山市小榄镇升平路1号");
    expect(d.state.cursor).toBe("townId");
    d.send("back");
    expect(d.state.cursor).toBe("registeredAddress");
    expect(d.state.mode).toBe("editing");
    expect(d.lastText).toBe("第 3/27 题 · 企业基本信息\n请输入注册地址（与营业执照一致）\n当前：中山市小榄镇升平路1号（回复新内容即可修改）");
    d.send("上一步");
    expect(d.state.cursor).toBe("uscc");
    d.send("上一步");
    expect(d.state.cursor).toBe("enterpriseName");
    d.send("中山市新名称有限公司");
    // Answered questions are not asked again: on to the first unanswered one.
    expect(d.state.answers.enterpriseName).toBe("中山市新名称有限公司");
    expect(d.state.cursor).toBe("townId");
  });

  it("skips questions that no longer apply", () => {
    const d = startAt(flow, "contactSameAsHead");
    d.send("是");
    expect(d.state.cursor).toBe("hasIpDepartment");
    d.send("返回");
    expect(d.state.cursor).toBe("contactSameAsHead");
  });
});

describe("跳过 (skip)", () => {
  it("refuses on a required question", () => {
    const d = startAt(flow, "headName");
    d.send("跳过");
    expect(d.replies).toEqual([{ kind: "text", text: "这一题必须填写，不能跳过。\n\n第 13/27 题 · 负责人与联系人\n企业负责人的姓名？" }]);
    expect(d.state.failures).toEqual({});
  });

  it("stores null on an optional one, also for 无 and full-width ＳＫＩＰ", () => {
    for (const word of ["跳过", "ＳＫＩＰ", "无", "没有"]) {
      const d = startAt(flow, "ipRulesYear");
      d.send(word);
      expect(d.state.answers.ipRulesYear).toBeNull();
      expect(d.state.cursor).toBe("gbt29490Year");
      expect(d.out.startsWith("已跳过。\n\n")).toBe(true);
    }
  });
});

describe("帮助 (help)", () => {
  it("lists the commands and the contact, then repeats the question", () => {
    const d = startAt(flow, "enterpriseName");
    d.send("HELP");
    expect(d.out).toContain("· 修改 序号：修改已填的内容，如“修改 3”");
    expect(d.out).toContain(`遇到困难请联系：${HELP}`);
    expect(d.out.endsWith(NAME_Q)).toBe(true);
    expect(d.state.cursor).toBe("enterpriseName");
  });
});

describe("修改 (edit) during the flow", () => {
  it("jumps to field N and comes back to the open question", () => {
    const d = startAt(flow, "headcount");
    d.send("修改 1");
    expect(d.state.cursor).toBe("enterpriseName");
    expect(d.lastText).toContain("当前：中山市某某（中国）科技有限公司");
    d.send("中山市另一家有限公司");
    expect(d.state.cursor).toBe("headcount");
  });

  it("accepts a field label and refuses an unknown number", () => {
    const d = startAt(flow, "headcount");
    d.send("修改 注册资本");
    expect(d.state.cursor).toBe("registeredCapitalWan");
    d.send("修改 99");
    expect(d.lastText).toMatch(/^没有第 99 项，请回复 1–\d+ 的序号。\n\n第 6\/27 题 · 企业基本信息\n注册资本是多少万元？如 500\n当前：500 万元（回复新内容即可修改）$/);
  });

  it("treats 修改 followed by ordinary text as an answer", () => {
    const d = startAt(flow, "ipDepartmentName", makeCtx(), { hasIpDepartment: true });
    d.send("修改部");
    expect(d.state.answers.ipDepartmentName).toBe("修改部");
  });

  it("shows the filled part of the summary for a bare 修改, and 继续 goes back", () => {
    const d = startAt(flow, "headcount");
    d.send("修改");
    expect(d.state.mode).toBe("summary");
    expect(d.out).toContain("请回复要修改的序号，如“修改 3”。");
    expect(d.out).toContain("7. 企业人数：（待填）");
    expect(d.lastText).toMatch(/^还有 \d+ 项没填，回复“继续”接着填。$/);
    d.send("确认提交"); // not complete: asks what is missing instead
    expect(d.state.cursor).toBe("headcount");
    expect(d.out).toContain("还有问题没填完：");
    expect(d.commands).toEqual([]);
  });
});

describe("取消 (cancel) and 继续 (resume)", () => {
  it("asks to confirm, keeps the draft, emits cancelled, and resumes where it stopped", () => {
    const d = startAt(flow, "headcount");
    d.send("取消");
    expect(d.state.mode).toBe("confirm-cancel");
    expect(d.lastText).toBe("确定要取消申请吗？已填写的内容会保留，之后回复“继续”可接着填。\n回复“是”确认取消，回复“否”继续填写。");
    d.send("是");
    expect(d.state.mode).toBe("cancelled");
    expect(d.commands).toEqual([{ type: "cancelled", flowId: "studio-application" }]);
    expect(d.state.answers.registeredCapitalWan).toBe(500);
    d.send("你好");
    expect(d.lastText).toBe("申请已暂停，已填内容已保存。回复“继续”接着填写，或回复“菜单”回到主菜单。");
    d.send("继续");
    expect(d.state.mode).toBe("asking");
    expect(d.state.cursor).toBe("headcount");
    expect(d.lastText).toBe("欢迎回来，我们接着填。\n\n第 7/27 题 · 企业基本信息\n企业现有多少人？如 120");
  });

  it("goes back to the question on 否", () => {
    const d = startAt(flow, "headcount");
    d.send("cancel").send("否");
    expect(d.state.mode).toBe("asking");
    expect(d.commands).toEqual([]);
    expect(d.lastText.endsWith("企业现有多少人？如 120")).toBe(true);
  });

  it("uses buttons to confirm where the channel has them", () => {
    const d = startAt(flow, "headcount", makeCtx(true));
    d.send("取消");
    const card = d.replies[0]?.kind === "card" ? d.replies[0].card : undefined;
    expect(card?.buttons.map((b) => b.key)).toEqual(["flow:@cancel:yes", "flow:@cancel:no"]);
    d.press("flow:@cancel:yes");
    expect(d.state.mode).toBe("cancelled");
    d.press("flow:@cmd:resume");
    expect(d.state.cursor).toBe("headcount");
  });

  it("继续 re-asks the current question with its progress and section", () => {
    const d = startAt(flow, "headName");
    d.send("继续");
    expect(d.replies).toEqual([{ kind: "text", text: "第 13/27 题 · 负责人与联系人\n企业负责人的姓名？" }]);
  });
});

describe("菜单 (menu)", () => {
  it("emits a menu command and keeps the state", () => {
    const d = startAt(flow, "headName");
    const before = d.state;
    d.send("菜单");
    expect(d.commands).toEqual([{ type: "menu" }]);
    expect(d.state.cursor).toBe(before.cursor);
    expect(d.state.mode).toBe(before.mode);
    expect(d.state.answers).toEqual(before.answers);
  });
});

describe("progress inside every question", () => {
  it("names the question's number and its section, in the question's own message", () => {
    const d = startAt(flow, "validCopyright");
    d.send("2");
    expect(d.out.startsWith("第 29/31 题 · 有效知识产权数量\n其他知识产权")).toBe(true);
    d.send("0");
    expect(d.replies).toHaveLength(1);
    expect(d.out.startsWith("第 30/31 题 · 申请需求\n希望工作室提供哪些服务？")).toBe(true);
  });
});
