// The simulator in a real browser on a phone-sized screen, two personas in two tabs.
import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../src/domain/chat.ts";
import { openDatabase } from "../../src/storage/database.ts";
import { outboxRow } from "../../src/storage/outbox.ts";
import {
  botMessageCount,
  lastBotMessage,
  send,
  skipBrowserTests,
  tapButton,
  waitForBotText,
  waitForCardFinal,
  waitForNewBotMessage,
  useSimulator,
} from "../support/browser.ts";

describe.skipIf(skipBrowserTests)("simulator in Chromium", () => {
  const sim = useSimulator();

  it("two personas chat side by side: menu card, a tap answered in place, a typed message", { timeout: 60_000 }, async () => {
    const manager = await sim.session.openAs("demo-manager-mingzhu");
    await waitForBotText(manager, "您好，陈晓明");
    expect(await lastBotMessage(manager)).toContain("知识产权流动工作室助手");
    expect(await manager.locator("#who").innerText()).toContain("中山市明珠智能装备有限公司");
    await expect(manager.locator(".card button", { hasText: "申请工作室" }).count()).resolves.toBe(1);
    await sim.session.screenshot(manager, "01-manager-menu");

    const before = await botMessageCount(manager);
    await tapButton(manager, "我的申请");
    await waitForNewBotMessage(manager, before);
    await waitForCardFinal(manager, "已选择"); // the tapped card lost its buttons
    await expect(manager.locator(".msg.tap", { hasText: "我的申请" }).count()).resolves.toBe(1);
    await sim.session.screenshot(manager, "02-manager-after-tap");

    const officer = await sim.session.openAs("demo-city-ip");
    await waitForBotText(officer, "您好，张磊");
    const n = await botMessageCount(officer);
    await send(officer, "菜单");
    await officer.locator(".msg.user", { hasText: "菜单" }).waitFor();
    expect(await waitForNewBotMessage(officer, n)).toContain("待我审批");
    await sim.session.screenshot(officer, "03-city-ip-menu");

    // Each tab kept its own persona; a reload rebuilds the conversation from history.
    expect(await manager.locator("#chat").innerText()).not.toContain("张磊");
    const shown = await botMessageCount(manager);
    await manager.reload();
    await manager.locator('#status[data-state="live"]').waitFor();
    await waitForCardFinal(manager, "已选择");
    await expect(botMessageCount(manager)).resolves.toBe(shown);
    await expect(manager.locator(".msg.tap", { hasText: "我的申请" }).count()).resolves.toBe(1);

    expect(sim.session.errors).toEqual([]);
  });

  it("renders facts, links and markdown, safely, and replaces a card's buttons on update", { timeout: 60_000 }, async () => {
    const page = await sim.session.openAs("demo-agency-staff");
    await waitForBotText(page, "您好，刘洋");
    // Messages as a handler would enqueue them; the server's dispatcher tick (2 s) sends them.
    const db = await openDatabase({ provider: "sqlite", url: sim.server.databaseUrl });
    const enqueue = async (message: OutboundMessage) =>
      db.prisma.outboxMessage.create({ data: outboxRow({ channel: "web", userId: "demo-agency-staff", message }, new Date()) });
    try {
      await enqueue({ kind: "markdown", markdown: '**待办提醒**\n<img src=x onerror="window.__xss=1">第二行 <font color="warning">逾期</font>' });
      await enqueue({
        kind: "card",
        card: {
          id: "browser-card-1",
          title: "工作室申请待审核",
          description: "中山市明珠智能装备有限公司 · **第 2 阶段**",
          facts: [
            { label: "申请人", value: "陈晓明" },
            { label: "镇街", value: "中山港<script>" },
          ],
          url: "/healthz",
          buttons: [
            { key: "approve", label: "同意", style: "primary" },
            { key: "return", label: "退回修改" },
            { key: "reject", label: "不同意", style: "danger" },
          ],
        },
      });
      await enqueue({ kind: "card", card: { id: "browser-card-2", title: "危险链接", url: "javascript:alert(1)", buttons: [] } });
      await waitForBotText(page, "危险链接");
      await sim.session.screenshot(page, "04-agency-card-before-update");
      await enqueue({ kind: "card_update", cardId: "browser-card-1", replaceName: "已同意" });
      await waitForCardFinal(page, "已同意");
    } finally {
      await db.close();
    }
    const card = page.locator('[data-card-id="browser-card-1"]');
    await expect(card.locator("button").count()).resolves.toBe(0);
    await expect(card.locator("dd").allInnerTexts()).resolves.toEqual(["陈晓明", "中山港<script>"]);
    await expect(card.locator("a.link").getAttribute("href")).resolves.toBe("/healthz");
    await expect(page.locator('[data-card-id="browser-card-2"] a').count()).resolves.toBe(0);
    await expect(page.locator("#chat strong", { hasText: "待办提醒" }).count()).resolves.toBe(1);
    await expect(page.locator("#chat img").count()).resolves.toBe(0);
    await expect(page.locator("#chat .c-warning", { hasText: "逾期" }).count()).resolves.toBe(1);
    await expect(page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).resolves.toBeUndefined();
    await sim.session.screenshot(page, "05-agency-card-updated");
    expect(sim.session.errors).toEqual([]);
  });
});
