import type { Answers } from "../../flows/flow-schema.ts";

// Maps the studio-application flow's answers (bot-flows/studio-application.ts) to the
// Application row (Table A.1) and back; the raw answers are kept too, for re-editing.

const str = (a: Answers, k: string): string | null => (typeof a[k] === "string" ? (a[k] as string) : a[k] == null ? null : String(a[k]));
const num = (a: Answers, k: string): number | null => (typeof a[k] === "number" ? (a[k] as number) : null);
const bool = (a: Answers, k: string): boolean => a[k] === true;
const list = (a: Answers, k: string): string[] => (Array.isArray(a[k]) ? (a[k] as string[]) : []);
const int = (a: Answers, k: string): number => Math.trunc(num(a, k) ?? 0);

/** 万元 with up to 4 decimals → whole yuan, exactly (no float drift: 1200.5 万元 → 12005000). */
export function wanToYuan(wan: number | null): bigint | null {
  if (wan === null) return null;
  const [whole, frac = ""] = wan.toFixed(4).split(".");
  return BigInt(whole!) * 10_000n + BigInt(frac.padEnd(4, "0").slice(0, 4)) * (wan < 0 ? -1n : 1n);
}

export function applicationFields(a: Answers) {
  const sameContact = a.contactSameAsHead === true;
  return {
    enterpriseName: str(a, "enterpriseName") ?? "",
    uscc: str(a, "uscc"),
    registeredAddress: str(a, "registeredAddress") ?? "",
    townId: str(a, "townId") ?? "",
    listingStatus: str(a, "listingStatus") ?? "unlisted",
    registeredCapitalYuan: wanToYuan(num(a, "registeredCapitalWan")) ?? 0n,
    headcount: int(a, "headcount"),
    revenueYuan: wanToYuan(num(a, "revenueWan")),
    isAboveScale: bool(a, "isAboveScale"),
    specialisedLevel: str(a, "specialisedLevel") ?? "none",
    isLeadingReserve: bool(a, "isLeadingReserve"),
    isIpKeyProtection: bool(a, "isIpKeyProtection"),
    headName: str(a, "headName") ?? "",
    headTitle: str(a, "headTitle") ?? "",
    headMobile: str(a, "headMobile") ?? "",
    contactName: (sameContact ? str(a, "headName") : str(a, "contactName")) ?? "",
    contactTitle: (sameContact ? str(a, "headTitle") : str(a, "contactTitle")) ?? "",
    contactMobile: (sameContact ? str(a, "headMobile") : str(a, "contactMobile")) ?? "",
    hasIpDepartment: bool(a, "hasIpDepartment"),
    ipDepartmentName: a.hasIpDepartment === true ? str(a, "ipDepartmentName") : null,
    ipStaffCount: int(a, "ipStaffCount"),
    ipRulesYear: num(a, "ipRulesYear"),
    gbt29490Year: num(a, "gbt29490Year"),
    demoEnterprise: JSON.stringify(list(a, "demoEnterprise")),
    advantageEnterprise: JSON.stringify(list(a, "advantageEnterprise")),
    highTechYear: num(a, "highTechYear"),
    patentAward: JSON.stringify(list(a, "patentAward")),
    validInvention: int(a, "validInvention"),
    validUtility: int(a, "validUtility"),
    validDesign: int(a, "validDesign"),
    validPct: int(a, "validPct"),
    validTrademarkDomestic: int(a, "validTrademarkDomestic"),
    validTrademarkOverseas: int(a, "validTrademarkOverseas"),
    validCopyright: int(a, "validCopyright"),
    validOther: int(a, "validOther"),
    needs: JSON.stringify(list(a, "needs")),
    needsOther: list(a, "needs").includes("g") ? str(a, "needsOther") : null,
    headConfirmation: str(a, "headConfirmation") ?? "SELF",
    answersJson: JSON.stringify(a),
  };
}

export type ApplicationFields = ReturnType<typeof applicationFields>;
