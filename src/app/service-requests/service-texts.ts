import { localParts } from "../../domain/calendar/working-days.ts";
import type { Card } from "../../domain/chat.ts";
import { describeService } from "../../domain/studio/service-catalogue.ts";

// What service-request cards and notices say (clause 4, 7.1, 7.2), in one place: the chat
// handler, the service and the escalation job share them. Service wording comes from the
// catalogue (describeService), never retyped here.

/** Card button keys: bound server-side to the card (request, round, recipient). */
export const SERVICE_KEYS = { accept: "sr:accept", transfer: "sr:transfer", progress: "sr:progress", close: "sr:close" } as const;
export const SERVICE_KEY_SET: ReadonlySet<string> = new Set(Object.values(SERVICE_KEYS));

/** Main-menu buttons (src/app/bot/menu.ts). */
export const MENU_SERVICE_KEYS = { request: "menu:service", mine: "menu:my-services" } as const;

/** Chat words. */
export const SERVICE_WORDS = { request: ["申请服务", "服务申请", "我要服务"], mine: ["我的服务", "服务进度"] } as const;
export const PROGRESS_WORD = "进展";
export const CLOSE_WORD = "办结";

export const STATUS_LABELS: Record<string, string> = { OPEN: "待受理", ACCEPTED: "办理中", CLOSED: "已办结", CANCELLED: "已取消" };

/** "REQ-XXXXXX": how people name a request in chat (进展 编号 内容). */
export const requestNo = (id: string) => id.slice(-6).toUpperCase();

export function shortTime(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export interface CardRequest {
  id: string;
  category: string;
  subItem: string | null;
  urgent: boolean;
  description: string;
  dueAt: Date | null;
  attachmentKind: string | null;
  escalationLevel: number;
}

const ESCALATION_NOTE = ["", "【已超时，升级至市局知识产权科室】", "【已超时，升级至系统管理员】"];

/** The owner's card: 受理 / 转派 while open; 登记进展 / 办结 once accepted. */
export function requestCard(o: { cardId: string; req: CardRequest; studioNumber: string; enterpriseName: string; requester: string; stage: "open" | "accepted"; timeZone: string }): Card {
  const { req } = o;
  const facts = [
    { label: "服务", value: describeService(req.category, req.subItem) },
    { label: "工作室", value: `${o.studioNumber}（${o.enterpriseName}）` },
    { label: "申请人", value: o.requester },
    { label: "需求", value: req.description.slice(0, 200) },
  ];
  if (req.attachmentKind) facts.push({ label: "附件", value: req.attachmentKind === "image" ? "照片 1 张" : "文件 1 个" });
  if (o.stage === "open") {
    const due = req.dueAt ? `请于 ${shortTime(req.dueAt, o.timeZone)} 前受理${req.urgent ? "（7.2.3 纠纷初期，4 个工作小时内）" : "（1 个工作日内）"}。` : "";
    return {
      id: o.cardId,
      title: `${ESCALATION_NOTE[req.escalationLevel] ?? ""}服务申请 ${requestNo(req.id)}`,
      description: `${due}受理后由您负责办理；也可转派给工作室其他成员。`,
      facts,
      buttons: [
        { key: SERVICE_KEYS.accept, label: "受理", style: "primary" },
        { key: SERVICE_KEYS.transfer, label: "转派" },
      ],
    };
  }
  return {
    id: o.cardId,
    title: `办理中：服务申请 ${requestNo(req.id)}`,
    description: `登记进展或办结时会通知申请人。也可回复“${PROGRESS_WORD} 内容”“${CLOSE_WORD} 办理结果”。`,
    facts,
    buttons: [
      { key: SERVICE_KEYS.progress, label: "登记进展", style: "primary" },
      { key: SERVICE_KEYS.close, label: "办结" },
    ],
  };
}

export const texts = {
  created: (no: string, service: string, due: Date, urgent: boolean, tz: string) =>
    `已提交服务申请 ${no}：${service}。\n工作室服务机构人员将于 ${shortTime(due, tz)} 前受理${urgent ? "（纠纷初期，4 个工作小时内）" : "（1 个工作日内）"}，受理、进展和办结都会通知您。回复“我的服务”可查看进度。`,
  acceptedToRequester: (no: string, service: string, name: string) => `您的服务申请 ${no}（${service}）已由 ${name} 受理，正在办理。`,
  acceptedToOwner: (no: string) => `已受理服务申请 ${no}，由您负责办理。办理中可回复“${PROGRESS_WORD} 内容”登记进展，完成后回复“${CLOSE_WORD} 办理结果”。`,
  transferredToRequester: (no: string, name: string) => `您的服务申请 ${no} 已转派给 ${name} 办理。`,
  transferredToActor: (no: string, name: string) => `已将服务申请 ${no} 转派给 ${name}，等待其受理。`,
  progressToRequester: (no: string, name: string, note: string) => `【服务进展】您的服务申请 ${no}：${note}（${name}）`,
  progressToOwner: (no: string) => `已登记进展，并已通知申请人（${no}）。`,
  closedToRequester: (no: string, service: string, name: string, outcome: string) => `【服务已办结】您的服务申请 ${no}（${service}）已由 ${name} 办结。\n办理结果：${outcome}`,
  closedToOwner: (no: string) => `服务申请 ${no} 已办结，已通知申请人。`,
  escalated: (no: string, service: string, studio: string, level: number) =>
    `【服务申请超时未受理】${studio}的服务申请 ${no}（${service}）未在时限内受理（第 ${level} 级升级，标准第 4 章“有需必应”）。请受理或转派。`,
  escalatedToRequester: (no: string) => `您的服务申请 ${no} 未在时限内受理，已提醒上级部门督办。`,
};
