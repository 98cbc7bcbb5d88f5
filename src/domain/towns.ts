// Zhongshan's 23 towns and sub-districts (镇街) since 2021-07-19 (东升 merged into 小榄;
// 民众 and 南朗 became sub-districts). Each has a market-supervision sub-bureau that takes
// stage 1 of the approval (A.1 镇街分局意见). Admins may edit the list in the database.

export interface TownSeed {
  id: string;
  name: string;
  kind: "街道" | "镇";
  aliases: string[];
}

export const ZHONGSHAN_TOWNS: readonly TownSeed[] = [
  { id: "shiqi", name: "石岐", kind: "街道", aliases: ["石岐街道", "石岐区"] },
  { id: "dongqu", name: "东区", kind: "街道", aliases: ["东区街道"] },
  { id: "xiqu", name: "西区", kind: "街道", aliases: ["西区街道"] },
  { id: "nanqu", name: "南区", kind: "街道", aliases: ["南区街道"] },
  { id: "wuguishan", name: "五桂山", kind: "街道", aliases: ["五桂山街道"] },
  { id: "zhongshangang", name: "中山港", kind: "街道", aliases: ["中山港街道", "火炬开发区街道", "火炬开发区", "火炬区", "火炬"] },
  { id: "minzhong", name: "民众", kind: "街道", aliases: ["民众街道", "民众镇"] },
  { id: "nanlang", name: "南朗", kind: "街道", aliases: ["南朗街道", "南朗镇"] },
  { id: "huangpu", name: "黄圃", kind: "镇", aliases: ["黄圃镇"] },
  { id: "nantou", name: "南头", kind: "镇", aliases: ["南头镇"] },
  { id: "dongfeng", name: "东凤", kind: "镇", aliases: ["东凤镇"] },
  { id: "fusha", name: "阜沙", kind: "镇", aliases: ["阜沙镇"] },
  { id: "xiaolan", name: "小榄", kind: "镇", aliases: ["小榄镇", "东升", "东升镇"] },
  { id: "guzhen", name: "古镇", kind: "镇", aliases: ["古镇镇"] },
  { id: "henglan", name: "横栏", kind: "镇", aliases: ["横栏镇"] },
  { id: "sanjiao", name: "三角", kind: "镇", aliases: ["三角镇"] },
  { id: "gangkou", name: "港口", kind: "镇", aliases: ["港口镇"] },
  { id: "dachong", name: "大涌", kind: "镇", aliases: ["大涌镇"] },
  { id: "shaxi", name: "沙溪", kind: "镇", aliases: ["沙溪镇"] },
  { id: "sanxiang", name: "三乡", kind: "镇", aliases: ["三乡镇"] },
  { id: "banfu", name: "板芙", kind: "镇", aliases: ["板芙镇"] },
  { id: "shenwan", name: "神湾", kind: "镇", aliases: ["神湾镇"] },
  { id: "tanzhou", name: "坦洲", kind: "镇", aliases: ["坦洲镇"] },
];

/**
 * The town an address names, if exactly one does (longest name/alias wins: "火炬开发区" over "火炬").
 * 翠亨新区 is a development zone, not a 镇街, so it never matches by itself.
 */
export function townFromAddress<T extends { id: string; name: string; aliases?: readonly string[] }>(address: string, towns: readonly T[]): T | null {
  let best: { town: T; len: number } | null = null;
  for (const town of towns) {
    for (const name of [town.name, ...(town.aliases ?? [])]) {
      if (address.includes(name) && (!best || name.length > best.len)) best = { town, len: name.length };
    }
  }
  return best?.town ?? null;
}

/** How labels are compared: as people type them (full-width, spaces). */
const label = (s: string) => s.normalize("NFKC").replace(/\s+/g, "");

/**
 * A name or alias of `town` that another active town already answers to, if any. Addresses are
 * matched by these labels (townFromAddress), so one label naming two towns would misroute
 * applications: names and aliases are unique across active towns.
 */
export function townLabelClash(
  town: { id: string; name: string; aliases: readonly string[] },
  others: readonly { id: string; name: string; aliases: readonly string[]; active: boolean }[],
): { label: string; townId: string; townName: string } | null {
  const mine = new Set([town.name, ...town.aliases].map(label));
  for (const o of others) {
    if (!o.active || o.id === town.id) continue;
    for (const l of [o.name, ...o.aliases]) if (mine.has(label(l))) return { label: l, townId: o.id, townName: o.name };
  }
  return null;
}
