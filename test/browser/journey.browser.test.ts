// Issue 6 "done when": the whole journey in the simulator, by clicking and typing, across persona
// tabs — apply → town approval → city IP returns one field → fix → approvals → studio number.
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import type { Page } from "playwright-core";
import { HAPPY } from "../flows/helpers.ts";
import {
  botMessageCount,
  send,
  skipBrowserTests,
  tapButton,
  waitForBotText,
  waitForCardFinal,
  waitForNewBotMessage,
  useSimulator,
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
  const sim = useSimulator();

  it("apply, approve, return one field, fix, approve twice, get the studio number", { timeout: 180_000 }, async () => {
    // This journey types every answer (HAPPY); the known-facts card of a directory enterprise has its
    // own test (test/integration/known-facts.test.ts): detach 陈晓明 from his enterprise here.
    const db = new Database(sim.server.databaseUrl.replace(/^file:/, ""));
    db.prepare(`UPDATE "RoleGrant" SET "enterpriseId" = NULL WHERE "personId" = 'demo-manager-mingzhu'`).run();
    db.close();
    const manager = await sim.session.openAs("demo-manager-mingzhu");
    await waitForBotText(manager, "您好，陈晓明");
    await tapAndWait(manager, "申请工作室");
    await waitForBotText(manager, "题 · 企业基本信息");
    for (const [field, typed] of HAPPY) {
      const reply = await answer(manager, field === "townId" ? "是" : typed);
      expect(reply, `after ${field}`).not.toMatch(/不像|不能|请回复 1–\d+ 的序号|没看懂/);
    }
    await waitForBotText(manager, "确认提交申请？");
    await sim.session.screenshot(manager, "journey-01-summary");
    await tapAndWait(manager, "确认提交");
    await waitForBotText(manager, "已转镇街市场监督管理分局初审");

    const town = await sim.session.openAs("demo-town-xiaolan");
    await waitForBotText(town, "第1/3阶段");
    await sim.session.screenshot(town, "journey-02-town-card");
    await tapAndWait(town, "同意");
    await waitForCardFinal(town, "已同意");

    const cityIp = await sim.session.openAs("demo-city-ip");
    await waitForBotText(cityIp, "第2/3阶段");
    await tapAndWait(cityIp, "退回修改");
    expect(await answer(cityIp, "注册资本与营业执照不一致")).toContain("需要申请人修改哪些项目");
    expect(await answer(cityIp, "6")).toContain("已记录：已退回修改");
    await sim.session.screenshot(cityIp, "journey-03-city-ip-returned");

    await waitForBotText(manager, "注册资本与营业执照不一致");
    await answer(manager, "600");
    await waitForBotText(manager, "600 万元");
    await tapAndWait(manager, "确认提交");
    await waitForBotText(manager, "修改后的申请已重新提交");

    await cityIp.locator(".card:not(.done)", { hasText: "第2/3阶段" }).first().waitFor();
    await tapAndWait(cityIp, "同意");

    const leader = await sim.session.openAs("demo-city-leader");
    await waitForBotText(leader, "第3/3阶段");
    await tapAndWait(leader, "同意");
    await waitForCardFinal(leader, "已同意");

    const year = new Date().getFullYear();
    await manager.locator("#chat .msg.bot", { hasText: "工作室申请已获批准" }).filter({ hasText: `ZSIPS-${year}-001` }).first().waitFor(); // the approval card, the number on its own line
    await waitForBotText(leader, `ZSIPS-${year}-001`);
    await sim.session.screenshot(manager, "journey-04-approved");

    // The card's "查看详情" opens the filled, decided Table A.1, print-ready.
    const href = await leader.locator(".card", { hasText: "第3/3阶段" }).last().locator("a.link").getAttribute("href");
    const print = await sim.session.context.newPage();
    // PUBLIC_BASE_URL is unset here, so links name the default port: keep their path and token.
    const link = new URL(href!);
    await print.goto(`${sim.server.baseUrl}${link.pathname}${link.search}`);
    const form = await print.locator("body").innerText();
    for (const text of ["中山市企业知识产权保护流动工作室申请表", "镇街市场监督管理分局意见", "市局知识产权相关科室意见", "市局意见", `ZSIPS-${year}-001`, "周敏", "张磊", "王芳", "中山市某某（中国）科技有限公司"]) {
      expect(form, text).toContain(text);
    }
    await print.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    await sim.session.screenshot(print, "journey-05-print");
    expect(sim.session.errors).toEqual([]);
  });
});
