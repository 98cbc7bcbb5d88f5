// Issue 6 "done when": the whole journey in the simulator, by clicking and typing, across persona
// tabs — apply → town approval → city IP returns one field → fix → approvals → studio number.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { HAPPY } from "../flows/helpers.ts";
import {
  botMessageCount,
  launchBrowser,
  send,
  skipBrowserTests,
  startSimulatorServer,
  tapButton,
  waitForBotText,
  waitForCardFinal,
  waitForNewBotMessage,
  type BrowserSession,
  type SimulatorServer,
} from "../support/browser.ts";

/** Type a reply and wait for the bot's answer to it. */
async function answer(page: Page, text: string): Promise<string> {
  const n = await botMessageCount(page);
  await send(page, text);
  return waitForNewBotMessage(page, n);
}

async function tapAndWait(page: Page, label: string): Promise<string> {
  const n = await botMessageCount(page);
  await tapButton(page, label);
  return waitForNewBotMessage(page, n);
}

describe.skipIf(skipBrowserTests)("the whole journey in the simulator", () => {
  let server: SimulatorServer;
  let session: BrowserSession;

  beforeAll(async () => {
    server = await startSimulatorServer();
    session = await launchBrowser(server.baseUrl);
  }, 60_000);

  afterAll(async () => {
    await session?.close();
    await server?.stop();
  });

  it("apply, approve, return one field, fix, approve twice, get the studio number", { timeout: 180_000 }, async () => {
    const manager = await session.openAs("demo-manager-mingzhu");
    await waitForBotText(manager, "您好，陈晓明");
    await tapAndWait(manager, "申请工作室");
    await waitForBotText(manager, "第 1/8 部分");
    for (const [field, typed] of HAPPY) {
      const reply = await answer(manager, field === "townId" ? "是" : typed);
      expect(reply, `after ${field}`).not.toMatch(/不像|不能|请回复 1–\d+ 的序号|没看懂/);
    }
    await waitForBotText(manager, "确认提交申请？");
    await session.screenshot(manager, "journey-01-summary");
    await tapAndWait(manager, "确认提交");
    await waitForBotText(manager, "已转镇街市场监督管理分局初审");

    const town = await session.openAs("demo-town-xiaolan");
    await waitForBotText(town, "第1/3阶段");
    await session.screenshot(town, "journey-02-town-card");
    await tapAndWait(town, "同意");
    await waitForCardFinal(town, "已同意");

    const cityIp = await session.openAs("demo-city-ip");
    await waitForBotText(cityIp, "第2/3阶段");
    await tapAndWait(cityIp, "退回修改");
    expect(await answer(cityIp, "注册资本与营业执照不一致")).toContain("需要申请人修改哪些项目");
    expect(await answer(cityIp, "6")).toContain("已记录：已退回修改");
    await session.screenshot(cityIp, "journey-03-city-ip-returned");

    await waitForBotText(manager, "注册资本与营业执照不一致");
    await answer(manager, "600");
    await waitForBotText(manager, "600 万元");
    await tapAndWait(manager, "确认提交");
    await waitForBotText(manager, "修改后的申请已重新提交");

    await cityIp.locator(".card:not(.done)", { hasText: "第2/3阶段" }).first().waitFor();
    await tapAndWait(cityIp, "同意");

    const leader = await session.openAs("demo-city-leader");
    await waitForBotText(leader, "第3/3阶段");
    await tapAndWait(leader, "同意");
    await waitForCardFinal(leader, "已同意");

    const year = new Date().getFullYear();
    await waitForBotText(manager, `工作室编号：ZSIPS-${year}-001`);
    await waitForBotText(leader, `ZSIPS-${year}-001`);
    await session.screenshot(manager, "journey-04-approved");
    expect(session.errors).toEqual([]);
  });
});
