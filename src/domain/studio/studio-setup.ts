// 6.3 b: before a studio works, it has a fixed workplace, basic office software and hardware, and
// the studio sign displayed at the workplace. The manager records each (a note, a photo where the
// channel allows images); the studio's city IP officer confirms the whole checklist (the studio
// then becomes OPERATING) or returns it with a reason.

export const STUDIO_STATUSES = ["SETTING_UP", "OPERATING", "SUSPENDED", "CLOSED"] as const;
export type StudioStatus = (typeof STUDIO_STATUSES)[number];
export const STUDIO_STATUS_LABELS: Record<StudioStatus, string> = { SETTING_UP: "建设中", OPERATING: "运行中", SUSPENDED: "暂停", CLOSED: "已撤销" };

export const SETUP_ITEMS = ["WORKPLACE", "EQUIPMENT", "SIGN"] as const;
export type SetupItemCode = (typeof SETUP_ITEMS)[number];

/** 6.3 b in the standard's words, and what the manager is asked for. */
export const SETUP_ITEM_INFO: Record<SetupItemCode, { label: string; short: string; ask: string }> = {
  WORKPLACE: { label: "固定的工作场所", short: "工作场所", ask: "工作室的固定工作场所在哪里？请发地址（可再发一张照片）" },
  EQUIPMENT: { label: "基本的办公软、硬件设备", short: "办公设备", ask: "工作室配备了哪些办公软、硬件设备？请简单说明或发照片" },
  SIGN: { label: "在办公场所标明工作室标志", short: "工作室标志", ask: "请发一张办公场所工作室标志（挂牌）的照片，或简单说明" },
};

export interface SetupItemState {
  item: string;
  completedAt: Date | null;
  returnedAt: Date | null;
}

/** Items still to record: never recorded, or returned by the officer for more. */
export function setupItemsMissing(items: readonly SetupItemState[]): SetupItemCode[] {
  return SETUP_ITEMS.filter((code) => {
    const row = items.find((i) => i.item === code);
    return !row?.completedAt || !!row.returnedAt;
  });
}

export function isSetupItem(code: string): code is SetupItemCode {
  return (SETUP_ITEMS as readonly string[]).includes(code);
}
