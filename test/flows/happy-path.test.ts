// 6.2 / A.1: a whole application, typed the way people type on a phone, saved and reloaded as
// JSON between every step; the submit command must carry exactly what was typed, normalized.
import { describe, expect, it } from "vitest";
import { priorityFacts, studioApplicationFlow as flow } from "../../bot-flows/studio-application.ts";
import { KEY } from "../../src/flows/engine.ts";
import { cards, Driver, HAPPY, HAPPY_ANSWERS, makeCtx, townId } from "./helpers.ts";

describe("studio application happy path [A.1]", () => {
  it("[A.1] collects every field of the table and submits exactly what was typed", () => {
    const d = new Driver(flow, makeCtx(false));
    expect(d.out).toContain("第 1/27 题 · 企业基本信息");
    for (const [field, typed, stored] of HAPPY) {
      expect(d.state.cursor, `asking ${field}`).toBe(field);
      d.send(typed);
      expect(d.state.answers[field], field).toEqual(stored);
    }
    expect(d.state.mode).toBe("summary");
    expect(d.out).toContain("6. 注册资本：500 万元");
    expect(d.out).toContain("24. GB/T 29490 认证年份：（未填）");
    expect(d.out).toContain("26. 知识产权优势企业：无");
    expect(d.lastText).toBe("确认无误请回复“确认提交”；需要修改请回复序号，如“修改 3”。");

    d.send("确认提交");
    expect(d.state.mode).toBe("done");
    expect(d.replies).toEqual([{ kind: "text", text: flow.final!.message }]);
    expect(d.commands).toEqual([
      {
        type: "submit",
        flowId: "studio-application",
        flowVersion: 1,
        // Derived: 6.1 上市 from 上市情况 (主板), and the head's own confirmation.
        answers: { ...HAPPY_ANSWERS, isListed: true, headConfirmation: "SELF" },
      },
    ]);
    const submitted = d.commands[0]?.type === "submit" ? d.commands[0].answers : {};
    // 6.1 priority facts for approvers.
    expect(priorityFacts(submitted)).toEqual(["非规上企业", "国家级专精特新“小巨人”", "上市企业", "领军入库企业"]);
  });

  it("[6.1] shows the notice to a non-规上 enterprise and lets it go on", () => {
    const d = new Driver(flow, makeCtx(false));
    for (const [, typed] of HAPPY.slice(0, 9)) d.send(typed); // up to isAboveScale = 否
    expect(d.out).toContain("工作室主要设立在规上企业（标准 6.1）");
    expect(d.state.cursor).toBe("specialisedLevel");
  });

  it("works with buttons: same-as-head contact, head confirms in chat", () => {
    const d = new Driver(flow, makeCtx(true));
    const byField = new Map(HAPPY.map(([f, t]) => [f, t]));
    const buttonAnswers: Record<string, string> = {
      townId: KEY.answer("townId", townId("小榄")),
      specialisedLevel: KEY.answer("specialisedLevel", "little-giant"),
      isAboveScale: KEY.answer("isAboveScale", "yes"),
      contactSameAsHead: KEY.answer("contactSameAsHead", "yes"),
      advantageEnterprise: KEY.none("advantageEnterprise"),
      isHeadSelf: KEY.answer("isHeadSelf", "no"),
      headConfirmation: KEY.answer("headConfirmation", "HEAD_IN_CHAT"),
    };
    for (let i = 0; i < 60 && d.state.cursor; i++) {
      const field = d.state.cursor;
      const key = buttonAnswers[field];
      expect(d.replies, `one message for ${field}`).toHaveLength(1);
      if (key) {
        expect(cards(d.replies).some((c) => c.buttons.some((b) => b.key === key)), `button for ${field}`).toBe(true);
        d.press(key);
      } else d.send(byField.get(field)!);
    }
    expect(d.state.mode).toBe("summary");
    d.press(KEY.submit);
    const submitted = d.commands[0];
    expect(submitted?.type).toBe("submit");
    const answers = submitted?.type === "submit" ? submitted.answers : {};
    expect(answers).toMatchObject({
      isAboveScale: true,
      contactSameAsHead: true,
      // A.1 联系人 "同负责人": copied from the head at submit.
      contactName: "张三",
      contactTitle: "总经理",
      contactMobile: "13800138000",
      advantageEnterprise: [],
      gbt29490Year: null,
      isHeadSelf: false,
      headConfirmation: "HEAD_IN_CHAT",
      isListed: true,
    });
    expect(answers).not.toHaveProperty("aboveScaleNotice");
  });
});
