// Words that steer the conversation (帮助/返回/跳过/修改/取消/继续/菜单), in Chinese and English,
// any case, full-width or not, and the button keys the engine gives its cards.
import { normalizeWord } from "./normalize.ts";

export type ParsedCommand =
  | { type: "help" | "back" | "skip" | "cancel" | "resume" | "menu" }
  /** "修改 12", "改一下12", "修改企业名称", "edit 3"; arg "" for a bare "修改". */
  | { type: "edit"; arg: string };

const WORDS: Record<Exclude<ParsedCommand["type"], "edit">, string[]> = {
  help: ["帮助", "help", "?", "怎么填", "人工"],
  back: ["返回", "上一步", "上一题", "后退", "back"],
  skip: ["跳过", "略过", "skip"],
  cancel: ["取消", "取消申请", "cancel"],
  resume: ["继续", "继续填写", "resume", "continue"],
  menu: ["菜单", "主菜单", "menu"],
};

export function parseCommand(text: string): ParsedCommand | null {
  const w = normalizeWord(text).replace(/^\//, "");
  for (const [type, words] of Object.entries(WORDS)) {
    if (words.includes(w)) return { type: type as Exclude<ParsedCommand["type"], "edit"> };
  }
  // "修改 15", "改一下21", "我要改负责人手机", "第21项改一下".
  const m = /^(?:我要|我想|想|要|需要|请)?(修改|更改|编辑|更正|改正|改|edit)(?:一下|下)?\s*(.*)$/.exec(w);
  if (m) return { type: "edit", arg: m[2]!.replace(/^第/, "").replace(/[项条题]$/, "").replace(/吧$/, "").trim() };
  const after = /^第?(\d+)\s*[项条题]?\s*(?:要|需要)?(?:修改|改)(?:一下|下)?$/.exec(w);
  return after ? { type: "edit", arg: after[1]! } : null;
}

/** Words that submit from the summary (a bare "1" would be ambiguous with "edit field 1"). */
export function isSubmitWord(text: string): boolean {
  return ["确认提交", "确认", "提交", "确定", "确定提交", "submit", "confirm", "ok"].includes(normalizeWord(text));
}

// --- button keys: `flow:<stepId>:<value>`; engine-level actions use `@` names ---------------

export const KEY = {
  answer: (stepId: string, value: string) => `flow:${stepId}:${value}`,
  skip: (stepId: string) => `flow:${stepId}:@skip`,
  none: (stepId: string) => `flow:${stepId}:@none`,
  submit: "flow:@summary:submit",
  edit: "flow:@summary:edit",
  cancel: "flow:@summary:cancel",
  cancelYes: "flow:@cancel:yes",
  cancelNo: "flow:@cancel:no",
  resume: "flow:@cmd:resume",
} as const;

export interface ParsedKey {
  /** A step id, or "@summary" / "@cancel" / "@cmd". */
  target: string;
  value: string;
}

export function parseButtonKey(key: string): ParsedKey | null {
  const m = /^flow:([^:]+):(.+)$/.exec(key);
  return m ? { target: m[1]!, value: m[2]! } : null;
}
