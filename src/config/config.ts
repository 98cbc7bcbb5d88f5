import { z } from "zod";
import { parseCron } from "../app/jobs/cron-expression.ts";
import type { ChannelModule } from "../channels/channel-module.ts";
import { CHANNEL_MODULES } from "../channels/registry.ts";
import { validateStudioNumberFormat } from "../domain/approval/studio-number.ts";

/** The scheduled jobs' names (src/app/jobs/product-jobs.ts); each has a JOB_<NAME>_CRON variable. */
export const JOB_NAMES = ["flow-nudges", "approval-reminders", "service-escalation", "studio-setup", "studio-rosters", "calendar-check", "inbound-retry", "outbox", "media-fetch", "surveys", "survey-follow-ups", "ip-reminders", "housekeeping"] as const;

/** "studio-setup" → "JOB_STUDIO_SETUP_CRON". */
export function jobEnvName(job: string): string {
  return `JOB_${job.toUpperCase().replaceAll("-", "_")}_CRON`;
}

// Configuration comes from the environment and is validated once at start. Every problem
// is reported as one line: NAME: what is wrong (e.g. …).

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const EXAMPLES: Record<string, string> = {
  PORT: "3000",
  DATABASE_URL: "file:./data/ipstudio.db or postgres://user:pass@127.0.0.1:5432/ipstudio",
  PUBLIC_BASE_URL: "https://ipstudio.example.gov.cn",
  TZ_BUSINESS: "Asia/Shanghai",
  LOG_LEVEL: "info",
  NODE_ENV: "production",
  WEBHOOK_MAX_AGE_SECONDS: "300",
  HELP_CONTACT: "市市场监管局知识产权科 0760-88888888",
  FLOW_NUDGE_IDLE_HOURS: "24",
  APPROVAL_SLA_WORKING_DAYS: "3",
  SURVEY_DELAY_MINUTES: "60",
  SURVEY_EXPIRY_DAYS: "7",
  SURVEY_FATIGUE_DAYS: "7",
  FOLLOW_UP_WORKING_DAYS: "5",
  STUDIO_NUMBER_FORMAT: "ZSIPS-{year}-{seq:3}",
  SIMULATOR_ENABLED: "true",
  ADMIN_TOKEN: "(a long random string)",
  SIGNING_SECRET: "(a long random string; signs links such as the print view)",
  ...Object.fromEntries(JOB_NAMES.map((j) => [jobEnvName(j), `"*/15 * * * *" (5 or 6 fields) or off`])),
};

/** Per-job schedule overrides, JOB_<NAME>_CRON → the job's name in jobCatalogue (src/app/jobs/product-jobs.ts). */
const jobCron = z
  .string()
  .refine((v) => v === "off" || parseCron(v) !== null, { message: 'must be a cron expression (5 fields, or 6 with seconds) or "off"' })
  .optional();

const port = z
  .string()
  .regex(/^\d+$/, "must be a whole number from 1 to 65535")
  .transform(Number)
  .pipe(z.number().min(1, "must be 1–65535").max(65535, "must be 1–65535"));

const databaseUrl = z.string().refine((v) => /^file:.+/.test(v) || /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(v), {
  message: "must be file:<path> for the embedded SQLite database or postgres://user@host:port/db",
});

const optionalUrl = z.url({ message: "must be an absolute http(s) URL" }).optional();

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: port.default(3000),
  DATABASE_URL: databaseUrl.default("file:./data/ipstudio.db"),
  PUBLIC_BASE_URL: optionalUrl,
  TZ_BUSINESS: z
    .string()
    .default("Asia/Shanghai")
    .refine((tz) => isTimeZone(tz), { message: "is not an IANA time zone" }),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  WEBHOOK_MAX_AGE_SECONDS: z.coerce.number().int().min(0, "must be 0 (off) or more").default(300),
  HELP_CONTACT: z.string().min(1).default("中山市市场监督管理局知识产权科"),
  FLOW_NUDGE_IDLE_HOURS: z.coerce.number().positive("must be a positive number of hours").default(24),
  APPROVAL_SLA_WORKING_DAYS: z.coerce.number().int().min(1).max(30).default(3),
  SURVEY_DELAY_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),
  SURVEY_EXPIRY_DAYS: z.coerce.number().int().min(1).max(60).default(7),
  SURVEY_FATIGUE_DAYS: z.coerce.number().int().min(0).max(90).default(7),
  FOLLOW_UP_WORKING_DAYS: z.coerce.number().int().min(1).max(30).default(5),
  STUDIO_NUMBER_FORMAT: z
    .string()
    .default("ZSIPS-{year}-{seq:3}")
    .superRefine((f, ctx) => {
      // Checked at start, not at the first final approval: one {year} and one {seq}/{seq:N}.
      try {
        validateStudioNumberFormat(f);
      } catch {
        ctx.addIssue({ code: "custom", message: "must contain exactly one {year} and one {seq} or {seq:N} (N = 1–9), and no other {…}" });
      }
    }),
  SIMULATOR_ENABLED: z.enum(["true", "false"]).optional(),
  ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  SIGNING_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  ...Object.fromEntries(JOB_NAMES.map((j) => [jobEnvName(j), jobCron])),
});

type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env["NODE_ENV"];
  port: number;
  databaseUrl: string;
  database: { provider: "sqlite" | "postgresql"; url: string };
  publicBaseUrl: string;
  timeZone: string;
  logLevel: Env["LOG_LEVEL"];
  webhookMaxAgeSeconds: number;
  /** Each registered channel's config (src/channels/registry.ts), by name: the channels turned on. */
  channels: Record<string, unknown>;
  helpContact: string;
  flowNudgeIdleHours: number;
  approvalSlaWorkingDays: number;
  /** 8.1 surveys: sent this long after a service is closed (then in working hours only). */
  surveys: { delayMinutes: number; expiryDays: number; fatigueDays: number; followUpWorkingDays: number };
  studioNumberFormat: string;
  simulatorEnabled: boolean;
  adminToken: string | null;
  /** Signs links (print view). Random per process when unset: links then die with a restart. */
  signingSecret: string;
  /** Schedules set by JOB_<NAME>_CRON, by job name ("off" disables the job). */
  jobSchedules: Record<string, string>;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Reads and validates configuration; throws ConfigError listing every problem. */
export function loadConfig(source: Record<string, string | undefined>, modules: readonly ChannelModule[] = CHANNEL_MODULES): Config {
  // Empty strings count as unset, as in most .env tooling.
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? "?");
      const got = raw[name] === undefined ? "" : ` (got "${redact(name, raw[name]!)}")`;
      problems.push(`${name}: ${issue.message}${got}; e.g. ${name}=${EXAMPLES[name] ?? "…"}`);
    }
  }
  // Each channel reads its own variables (registry.ts): on when they are set, a partial set a mistake.
  const channels: Record<string, unknown> = {};
  for (const m of modules) {
    const r = m.configSchema.safeParse(raw);
    if (r.success) {
      if (r.data !== null) channels[m.name] = r.data;
      continue;
    }
    for (const issue of r.error.issues) {
      const name = String(issue.path[0] ?? "?");
      const got = raw[name] === undefined ? "" : ` (got "${redact(name, raw[name]!)}")`;
      problems.push(`${name}: ${issue.message}${got}; e.g. ${name}=${m.examples[name] ?? "…"}`);
    }
  }
  // A misspelt job variable would silently keep the default schedule.
  for (const k of Object.keys(raw).filter((k) => /^JOB_\w+_CRON$/.test(k) && !JOB_NAMES.some((j) => jobEnvName(j) === k))) {
    problems.push(`${k}: no such job; the jobs are ${JOB_NAMES.map(jobEnvName).join(", ")}; e.g. ${jobEnvName("flow-nudges")}=off`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const signing = modules.filter((m) => m.signsWithSecret && Object.hasOwn(channels, m.name)).map((m) => m.label);
  if (production && signing.length > 0 && !e.SIGNING_SECRET) {
    throw new ConfigError([`SIGNING_SECRET: required in production with ${signing.join("、")} (its buttons are signed; a random secret per process would void them at a restart); e.g. SIGNING_SECRET=${EXAMPLES.SIGNING_SECRET ?? "(32 random characters)"}`]);
  }
  if (production && e.SIMULATOR_ENABLED === "true" && !e.ADMIN_TOKEN) {
    throw new ConfigError([`ADMIN_TOKEN: required when SIMULATOR_ENABLED=true in production (the simulator asks for an admin sign-in); e.g. ADMIN_TOKEN=${EXAMPLES.ADMIN_TOKEN}`]);
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    database: { provider: e.DATABASE_URL.startsWith("file:") ? "sqlite" : "postgresql", url: e.DATABASE_URL },
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    timeZone: e.TZ_BUSINESS,
    logLevel: e.LOG_LEVEL,
    webhookMaxAgeSeconds: e.WEBHOOK_MAX_AGE_SECONDS,
    channels,
    helpContact: e.HELP_CONTACT,
    flowNudgeIdleHours: e.FLOW_NUDGE_IDLE_HOURS,
    approvalSlaWorkingDays: e.APPROVAL_SLA_WORKING_DAYS,
    surveys: { delayMinutes: e.SURVEY_DELAY_MINUTES, expiryDays: e.SURVEY_EXPIRY_DAYS, fatigueDays: e.SURVEY_FATIGUE_DAYS, followUpWorkingDays: e.FOLLOW_UP_WORKING_DAYS },
    studioNumberFormat: e.STUDIO_NUMBER_FORMAT,
    simulatorEnabled: e.SIMULATOR_ENABLED ? e.SIMULATOR_ENABLED === "true" : !production,
    adminToken: e.ADMIN_TOKEN ?? null,
    signingSecret: e.SIGNING_SECRET ?? crypto.randomUUID() + crypto.randomUUID(),
    jobSchedules: Object.fromEntries(JOB_NAMES.flatMap((j) => (raw[jobEnvName(j)] ? [[j, raw[jobEnvName(j)]!]] : []))),
  };
}

/** Secrets never appear in messages, not even in a config error. */
function redact(name: string, value: string): string {
  if (/SECRET|TOKEN|AES_KEY|PASSWORD/.test(name)) return "***";
  if (name === "DATABASE_URL") return value.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
