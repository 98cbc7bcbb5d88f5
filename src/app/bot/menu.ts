import { studioApplicationFlow } from "../../../bot-flows/studio-application.ts";
import type { ChannelCapabilities } from "../../channels/channel.ts";
import { eligibleRoleForStage, STAGES } from "../../domain/approval/approval-machine.ts";
import type { OutboundMessage } from "../../domain/chat.ts";
import type { PersonView } from "../../storage/directory.ts";
import { MENU_SERVICE_KEYS } from "../service-requests/service-texts.ts";

export const MENU_KEYS = { apply: "menu:apply", status: "menu:status", pending: "menu:pending" } as const;

/** The roles that decide a stage (A.1's three opinion rows); ADMIN is told of escalations but decides none. */
const APPROVER_ROLES = new Set<string>(STAGES.map(eligibleRoleForStage));

/** Whether 待我审批 applies to the person: they hold a role that decides an approval stage. */
export function isApprover(person: PersonView): boolean {
  return person.roles.some((r) => APPROVER_ROLES.has(r.role));
}

/** The main menu: buttons where the channel has them, a list of words otherwise. */
/** Said to someone new on a channel: how to bring the account they use elsewhere (绑定). */
export const LINK_HINT = "已在其他聊天工具上使用本助手？在那里回复“绑定”获取绑定码，再在这里发送“绑定 绑定码”，两个账号即归为一人。";

export function menuMessage(person: PersonView, caps: ChannelCapabilities, cardId: string, opts: { studioManager?: boolean; linkHint?: boolean } = {}): OutboundMessage {
  const items: { key: string; label: string; word: string; hint: string }[] = [
    { key: MENU_KEYS.apply, label: "申请工作室", word: "申请工作室", hint: `在线填写《工作室申请表》，约 ${studioApplicationFlow.estimatedMinutes} 分钟` },
    { key: MENU_KEYS.status, label: "我的申请", word: "我的申请", hint: "查看申请进度" },
  ];
  if (isApprover(person)) items.push({ key: MENU_KEYS.pending, label: "待我审批", word: "待我审批", hint: "查看等待您审批的申请" });
  // Clause 4 / 7.1: an enterprise's manager asks its studio for services; owners see theirs.
  const manager = opts.studioManager === true;
  if (manager) items.push({ key: MENU_SERVICE_KEYS.request, label: "申请服务", word: "申请服务", hint: "向工作室提出知识产权服务需求" });
  if (manager || person.roles.some((r) => ["AGENCY_STAFF", "CITY_IP_OFFICER", "ADMIN"].includes(r.role))) items.push({ key: MENU_SERVICE_KEYS.mine, label: "我的服务", word: "我的服务", hint: "服务申请的进度与待办" });
  const greeting = `您好，${person.name}！我是中山市企业知识产权保护流动工作室助手。`;
  if (caps.buttons) {
    return {
      kind: "card",
      card: {
        id: cardId,
        title: "知识产权流动工作室助手",
        description: `${greeting}\n请选择要办理的事项，或随时回复“帮助”。${opts.linkHint ? `\n${LINK_HINT}` : ""}`,
        buttons: items.map((i, n) => ({ key: i.key, label: i.label, style: n === 0 ? "primary" : "default" })),
      },
    };
  }
  const lines = items.map((i) => `· ${i.word} — ${i.hint}`);
  return { kind: "text", text: `${greeting}\n可以回复：\n${lines.join("\n")}\n· 帮助 — 联系人工${opts.linkHint ? `\n\n${LINK_HINT}` : ""}` };
}

const WORDS: Record<string, string[]> = {
  apply: ["申请工作室", "申请", "我要申请", "apply"],
  status: ["我的申请", "进度", "申请进度", "查询进度", "status"],
  pending: ["待我审批", "待审批", "审批", "pending"],
  menu: ["菜单", "主菜单", "menu", "帮助", "help", "你好", "您好", "hi", "hello", "start", "/start"],
};

/** Which menu entry a typed word or a button key means, if any. */
export function menuIntent(text: string | null, buttonKey: string | null): keyof typeof WORDS | null {
  if (buttonKey) {
    const hit = Object.entries(MENU_KEYS).find(([, k]) => k === buttonKey);
    return hit ? (hit[0] as keyof typeof WORDS) : null;
  }
  if (text === null) return null;
  const w = text.normalize("NFKC").trim().toLowerCase();
  for (const [intent, words] of Object.entries(WORDS)) if (words.includes(w)) return intent;
  return null;
}
