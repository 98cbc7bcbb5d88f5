import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPEAT_NOTICE } from "../../src/flows/repeat-guard.ts";
import { HAPPY } from "../flows/helpers.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

// Issue 9, defect 4: a person who sends the same answer twice (the reply was slow) got the
// repeat saved as the next field (负责人职务职称 = "张三").
const typed = (field: string) => HAPPY.find(([f]) => f === field)![1];

describe("an answer belongs to the question it answers", () => {
  let h: WecomHarness;
  const user = "repeat-user";
  beforeEach(async () => {
    h = await createWecomHarness();
    await h.text(user, "申请工作室");
    for (const [field] of HAPPY) {
      if (field === "headName") break;
      await h.text(user, typed(field));
    }
  });
  afterEach(async () => {
    await h.close();
  });

  const answers = async () => {
    const s = await h.t.db.prisma.conversationSession.findFirstOrThrow({ where: { externalUserId: user, status: "ACTIVE" } });
    return JSON.parse(s.stateJson) as { answers: Record<string, unknown>; cursor: string | null };
  };

  it("treats an identical text sent before the next question was delivered as a repeat, and says nothing is lost", async () => {
    // The reply to 张三 (the next question) fails once: it is not delivered when the repeat arrives.
    h.fake.injectFailure({ kind: "http500", path: "message/send", times: 1 });
    await h.text(user, "张三");
    await h.text(user, "张三");
    const s = await answers();
    expect(s.answers["headName"]).toBe("张三");
    expect(s.answers["headTitle"]).toBeUndefined();
    expect(s.cursor).toBe("headTitle");
    await h.settle();
    expect(h.to(user).some((m) => m.content === REPEAT_NOTICE)).toBe(true);
    // The question is answered normally afterwards.
    await h.text(user, "总经理");
    expect((await answers()).answers["headTitle"]).toBe("总经理");
  });

  it("takes the same text as the next answer once the next question was delivered", async () => {
    await h.text(user, "张三");
    await h.text(user, "张三"); // the question 职务职称 had arrived: the person means it
    const s = await answers();
    expect(s.answers["headTitle"]).toBe("张三");
    expect(h.to(user).some((m) => m.content === REPEAT_NOTICE)).toBe(false);
  });

  it("does not swallow a repeated wrong answer: it is refused again with the reason", async () => {
    h.fake.injectFailure({ kind: "http500", path: "message/send", times: 1 });
    await h.text(user, "张三");
    await h.text(user, "总经理");
    await h.settle();
    // headMobile now: the same wrong number twice gets the error twice.
    await h.text(user, "1380013800");
    await h.text(user, "1380013800");
    const errors = h.to(user).filter((m) => m.content?.startsWith("手机号是 11 位"));
    expect(errors).toHaveLength(2);
  });
});
