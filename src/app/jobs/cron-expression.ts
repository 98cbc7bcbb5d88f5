// node-cron 4's expression syntax without node-cron (its package imports child_process, which Workers cannot
// bundle). The Node entry schedules with node-cron and Workers match minutes with this, so both must accept
// and fire on the same expressions: the steps below mirror node-cron's convertExpression and validate
// (dist/_shared.js, dist/node-cron.js, 4.6), quirks included — names are replaced anywhere in their field
// ("1jan" in the month field reads "11"), and "*" anywhere in a token becomes the field's range ("5*" is 50-59).

/** An expression's fields, as node-cron's parse lists them (7 in day of week is 0, Sunday). */
export interface CronFields {
  second: number[];
  minute: number[];
  hour: number[];
  dayOfMonth: number[];
  /** Day-of-month tokens: "L" last day, "L-n" n days before it, "nW"/"LW" the weekday nearest day n / the last. */
  dayOfMonthSpecial: string[];
  month: number[];
  dayOfWeek: number[];
  /** Day-of-week tokens: "dL" the month's last weekday d, "d#n" its n-th weekday d. */
  dayOfWeekSpecial: string[];
}

const NICKNAMES = new Map(Object.entries({
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
}));
const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
/** Per field (second … day of week): what "*" stands for, and the bounds a reversed range such as 22-2 wraps within. */
const STAR = ["0-59", "0-59", "0-23", "1-31", "1-12", "0-6"];
const WRAP = [60, 60, 24, 31, 12, 7].map((size, i) => ({ min: i === 3 || i === 4 ? 1 : 0, size }));
/** Per field: the numbers it accepts (day of week takes 7 as well as 0 for Sunday). */
const VALID = [[0, 59], [0, 59], [0, 23], [1, 31], [1, 12], [0, 7]] as const;
const MAX_DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DOM_WEEKDAY = /^(\d{1,2}|L)W$/;
const DOM_OFFSET = /^L-(\d{1,2})$/;
const DOW_SPECIAL = /^[0-7](L|#[1-5])$/;

/** The fields of a node-cron expression (5 fields, or 6 with seconds first, or an @nickname); null where node-cron's validate says no. */
export function parseCron(expression: string): CronFields | null {
  const resolved = NICKNAMES.get(expression.trim().toLowerCase()) ?? expression;
  if (!/^[a-zA-Z0-9\-*/,#? ]+$/.test(resolved)) return null;
  const fields = resolved.replace(/\s{2,}/g, " ").trim().split(" ");
  if (fields.length === 5) fields.unshift("0");
  if (fields.length !== 6) return null;
  if (fields[3] === "?") fields[3] = "*";
  if (fields[5] === "?") fields[5] = "*";
  fields[4] = replaceNames(fields[4]!, MONTHS, 1);
  fields[5] = replaceNames(fields[5]!, WEEKDAYS, 0);
  const lists = fields.map((field, i) => field.split(",").flatMap((token) => expand(token.replace("*", STAR[i]!), i)));
  lists[5] = [...new Set(lists[5]!.map((v) => (v === 7 ? 0 : typeof v === "string" && v.startsWith("7") ? `0${v.slice(1)}` : v)))];

  const [second, minute, hour, dom, month, dow] = lists as (number | string)[][];
  const numbers = (list: (number | string)[], i: number) =>
    list.every((v) => typeof v === "number" && v >= VALID[i]![0] && v <= VALID[i]![1]) ? (list as number[]) : null;
  const domSpecial = dom!.filter((v): v is string => typeof v === "string" && isDayOfMonthSpecial(v));
  const dowSpecial = dow!.filter((v): v is string => typeof v === "string" && DOW_SPECIAL.test(v));
  const plainDom = dom!.filter((v) => !domSpecial.includes(v as string));
  const plainDow = dow!.filter((v) => !dowSpecial.includes(v as string));
  const parsed = [numbers(second!, 0), numbers(minute!, 1), numbers(hour!, 2), numbers(plainDom, 3), numbers(month!, 4), numbers(plainDow, 5)];
  if (parsed.some((list) => list === null)) return null;
  const [s, mi, h, d, mo, w] = parsed as number[][];
  // A plain day that no listed month has (30 2, 31 4,6) never fires: node-cron refuses it.
  if (domSpecial.length === 0 && !mo!.some((m) => d!.some((day) => day <= MAX_DAYS_IN_MONTH[m]!))) return null;
  return { second: s!, minute: mi!, hour: h!, dayOfMonth: d!, dayOfMonthSpecial: domSpecial, month: mo!, dayOfWeek: w!, dayOfWeekSpecial: dowSpecial };
}

/**
 * Whether the expression fires on this calendar day (month 1–12): month, day of month and day of week must
 * all match, as node-cron does it (not cron's either-or when both days are restricted).
 */
export function cronDayMatches(f: CronFields, year: number, month: number, day: number): boolean {
  if (!f.month.includes(month)) return false;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const weekdayOf = (d: number) => new Date(Date.UTC(year, month - 1, d)).getUTCDay();
  const weekday = weekdayOf(day);
  const dom =
    f.dayOfMonth.includes(day) ||
    f.dayOfMonthSpecial.some((token) => {
      if (token === "L") return day === last;
      const offset = DOM_OFFSET.exec(token);
      if (offset) return day === last - Number(offset[1]);
      const target = token === "LW" ? last : parseInt(token, 10);
      if (target > last) return false;
      // The weekday nearest the target, staying within the month (1W on a Saturday is the 3rd).
      const wd = weekdayOf(target);
      const nearest = wd === 6 ? (target === 1 ? 3 : target - 1) : wd === 0 ? (target === last ? target - 2 : target + 1) : target;
      return day === nearest;
    });
  const dow =
    f.dayOfWeek.includes(weekday) ||
    f.dayOfWeekSpecial.some((token) => {
      if (Number(token[0]) !== weekday) return false;
      return token[1] === "L" ? day + 7 > last : Math.floor((day - 1) / 7) + 1 === Number(token.slice(2));
    });
  return dom && dow;
}

/** node-cron's name replacement: every long name, then every short one, anywhere in the field, case-insensitive. */
function replaceNames(field: string, names: string[], first: number): string {
  for (const list of [names, names.map((n) => n.slice(0, 3))]) {
    list.forEach((name, i) => (field = field.replace(new RegExp(name, "gi"), String(i + first))));
  }
  return field;
}

/** One comma-separated token of field i: a range a-b or a-b/n expanded to numbers, or the token normalized. */
function expand(token: string, i: number): (number | string)[] {
  const range = /^(\d+)-(\d+)(?:\/(\d+))?$/.exec(token);
  if (!range) return [normalize(token)];
  const [first, last, step] = [range[1], range[2], range[3] ?? "1"].map((n) => parseInt(n!, 10)) as [number, number, number];
  if (!(step >= 1)) return [token];
  const out: number[] = [];
  if (first <= last) {
    // Stop past the field's maximum: the field is invalid then anyway (and 0-99999999 would take long).
    for (let v = first; v <= last; v += step) {
      out.push(v);
      if (v > VALID[i]![1]) break;
    }
    return out;
  }
  const { min, size } = WRAP[i]!;
  const span = (((last - first) % size) + size) % size;
  for (let offset = 0; offset <= span; offset += step) out.push(first + offset > min + size - 1 ? first + offset - size : first + offset);
  return out.length ? out : [token];
}

function normalize(token: string): number | string {
  if (/^l$/i.test(token)) return "L";
  if (/^l-\d{1,2}$/i.test(token) || /^[0-7]l$/i.test(token) || /w/i.test(token)) return token.toUpperCase();
  if (token.includes("#")) return token;
  return /^\d+$/.test(token) ? parseInt(token, 10) : token;
}

function isDayOfMonthSpecial(token: string): boolean {
  if (token === "L") return true;
  const weekday = DOM_WEEKDAY.exec(token);
  if (weekday) return weekday[1] === "L" || (Number(weekday[1]) >= 1 && Number(weekday[1]) <= 31);
  const offset = DOM_OFFSET.exec(token);
  return offset !== null && Number(offset[1]) >= 1 && Number(offset[1]) <= 30;
}
