import { pino, type DestinationStream, type Logger } from "pino";
import { maskPersonal, scrubForLog } from "../domain/mask.ts";

export type { Logger };

/**
 * Structured JSON logs. Every object logged is scrubbed: secret-looking keys are censored and
 * mainland mobile numbers (138****5678) and credit codes masked, so a careless call cannot leak them.
 */
export function createLogger(opts: { level: string; destination?: DestinationStream; base?: Record<string, unknown> }): Logger {
  return pino(
    {
      level: opts.level,
      base: opts.base ?? { app: "ip-studio-bot" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => scrubForLog(obj) as Record<string, unknown>,
      },
      // Workers bundle pino's browser build, which ignores the formatters and hooks above: there
      // every log object is scrubbed here and written as one JSON line (Workers Logs reads it).
      browser: {
        asObject: true,
        write: (o: object) => console.log(JSON.stringify(scrubForLog(o))),
      },
      hooks: {
        logMethod(args, method) {
          // Mask mobiles and credit codes in the message strings as well as in the objects.
          const masked = args.map((a) => (typeof a === "string" ? maskPersonal(a) : a)) as Parameters<typeof method>;
          method.apply(this, masked);
        },
      },
    },
    opts.destination,
  );
}
