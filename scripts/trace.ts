// npm run trace: every clause of the standard (docs/standard.md) with the code that cites it
// (`// 7.2.4 b`, `6.4 a–c`, `A.1`) and the tests that name it in their titles (`[7.2.4 b]`).
// Clauses with neither are listed at the end. `--strict` exits 1 when a clause has no test.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dirname, "..");

export interface Clause {
  id: string;
  says: string;
}

/** The clause rows of docs/standard.md's "## Clauses" table. */
export function readClauses(markdown: string): Clause[] {
  const section = markdown.split(/^## Clauses\s*$/m)[1]?.split(/^## /m)[0] ?? "";
  const out: Clause[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 4 || cells[1] === "clause" || /^-+$/.test(cells[1] ?? "")) continue;
    out.push({ id: cells[1]!, says: cells[2]! });
  }
  return out;
}

const LETTERS = "abcdefg";

/** "a–c" → a b c; "a/b" → a b; "b" → b. */
function expandLetters(spec: string): string[] {
  const out = new Set<string>();
  for (const part of spec.split(/[/、,，]/)) {
    const m = /^([a-g])\s*[–—~-]\s*([a-g])$/.exec(part.trim());
    if (m) for (let i = LETTERS.indexOf(m[1]!); i <= LETTERS.indexOf(m[2]!); i++) out.add(LETTERS[i]!);
    else if (/^[a-g]$/.test(part.trim())) out.add(part.trim());
  }
  return [...out];
}

/** The clause ids a line of code cites. */
export function citedIn(line: string, known: Set<string>): string[] {
  const found = new Set<string>();
  if (/\bA\.1\b/.test(line) && known.has("A.1")) found.add("A.1");
  const re = /(?<![\w.])(\d(?:\.\d){1,2})(?:\s?([a-g](?:\s*[/、,–—~-]\s*[a-g])*)(?![\w]))?/g;
  for (const m of line.matchAll(re)) {
    const num = m[1]!;
    const letters = m[2] ? expandLetters(m[2]) : [];
    if (letters.length === 0) {
      if (known.has(num)) found.add(num);
      // "7.1" alone cites the whole list, e.g. "7.1 a–g" written as 7.1.
      continue;
    }
    for (const l of letters) if (known.has(`${num} ${l}`)) found.add(`${num} ${l}`);
  }
  // Whole-number clauses (1, 2, 4, 5) only when named as a clause.
  for (const m of line.matchAll(/(?:clause|条款|第)\s*(\d)(?![\d.])/gi)) if (known.has(m[1]!)) found.add(m[1]!);
  return [...found];
}

function walk(dir: string, exts: string[], skip: string[] = []): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (skip.some((s) => p.includes(s))) continue;
    if (statSync(p).isDirectory()) out.push(...walk(p, exts, skip));
    else if (exts.some((e) => name.endsWith(e))) out.push(p);
  }
  return out;
}

/** Test titles naming clauses: it/describe/test("… [7.2.4 b] …"). */
export function namedInTests(source: string, known: Set<string>): { clause: string; title: string }[] {
  const out: { clause: string; title: string }[] = [];
  for (const m of source.matchAll(/\b(?:it|test|describe)(?:\.\w+(?:\([^()]*\))?)*\(\s*(["'`])((?:(?!\1).)*)\1/g)) {
    const title = m[2]!;
    for (const b of title.matchAll(/\[([^\]]+)\]/g)) for (const id of b[1]!.split(/\s*[,，;]\s*/)) if (known.has(id.trim())) out.push({ clause: id.trim(), title });
  }
  return out;
}

function main(argv: string[]) {
  const clauses = readClauses(readFileSync(join(root, "docs/standard.md"), "utf8"));
  const known = new Set(clauses.map((c) => c.id));
  const code = new Map<string, string[]>();
  const tests = new Map<string, string[]>();
  for (const file of [...walk(join(root, "src"), [".ts", ".tsx"], ["generated"]), ...walk(join(root, "bot-flows"), [".ts"])]) {
    const lines = readFileSync(file, "utf8").split("\n");
    lines.forEach((line, i) => {
      for (const id of citedIn(line, known)) code.set(id, [...(code.get(id) ?? []), `${relative(root, file)}:${i + 1}`]);
    });
  }
  // trace.test.ts holds sample titles in strings: they name no clause.
  for (const file of walk(join(root, "test"), [".ts"], [join("test", "scripts", "trace.test.ts")])) {
    for (const { clause, title } of namedInTests(readFileSync(file, "utf8"), known)) tests.set(clause, [...(tests.get(clause) ?? []), `${relative(root, file)} › ${title}`]);
  }
  const untested: string[] = [];
  const uncited: string[] = [];
  for (const c of clauses) {
    const cs = code.get(c.id) ?? [];
    const ts = tests.get(c.id) ?? [];
    console.log(`${c.id.padEnd(8)} ${c.says.slice(0, 70)}`);
    console.log(`         code  ${cs.length ? `${cs.length}: ${cs.slice(0, 4).join(", ")}${cs.length > 4 ? ", …" : ""}` : "—"}`);
    console.log(`         tests ${ts.length ? `${ts.length}: ${ts.slice(0, 2).join(" | ")}${ts.length > 2 ? " | …" : ""}` : "—"}`);
    if (ts.length === 0) untested.push(c.id);
    if (cs.length === 0) uncited.push(c.id);
  }
  console.log("");
  console.log(`${clauses.length} clauses; cited in code: ${clauses.length - uncited.length}; named by tests: ${clauses.length - untested.length}`);
  console.log(`no code cites: ${uncited.join(", ") || "none"}`);
  console.log(`no test names: ${untested.join(", ") || "none"}`);
  if (argv.includes("--strict") && untested.length > 0) process.exit(1);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) main(process.argv.slice(2));
