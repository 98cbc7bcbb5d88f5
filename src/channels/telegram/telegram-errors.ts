// grammY's errors as ours. GrammyError is a Bot API answer {ok:false, error_code, description};
// HttpError is a network failure or a body that is not JSON (a proxy's 502 page). Messages carry
// the method and Telegram's description, never the token (grammY's sensitiveLogs stays off).
import { BotError, GrammyError, HttpError } from "grammy";
import { DomainError } from "../../domain/errors.ts";
import { ChannelApiError, ChannelHttpError } from "../channel.ts";

/** Local (non-Telegram) code: a card_update without the card's handle; nothing was sent. */
export const TELEGRAM_ERR_NO_HANDLE = -2;

export function isParseEntitiesError(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /can't parse entities/i.test(err.description);
}

export function isNotModifiedError(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /message is not modified/i.test(err.description);
}

/** Any error from a grammY call (or a middleware run) as a typed channel or domain error. */
export function toChannelError(err: unknown): Error {
  const e = err instanceof BotError ? err.error : err;
  if (e instanceof ChannelApiError || e instanceof ChannelHttpError || e instanceof DomainError) return e;
  if (e instanceof GrammyError) {
    const what = `telegram ${e.method}: ${e.error_code} ${e.description.slice(0, 200)}`;
    // Telegram's own 5xx is "answered 5xx" (channel.ts), worth another try like a network error.
    if (e.error_code >= 500) return new ChannelHttpError("telegram", what, e.error_code);
    // 429 carries parameters.retry_after (seconds): https://core.telegram.org/bots/api#responseparameters
    const retryAfter = e.parameters.retry_after;
    const msg = retryAfter !== undefined ? `${what} (retry after ${retryAfter} s)` : what;
    return new ChannelApiError("telegram", e.error_code, msg, e.error_code === 429, retryAfter !== undefined ? retryAfter * 1000 : undefined);
  }
  if (e instanceof HttpError) return new ChannelHttpError("telegram", `telegram: ${e.message}`);
  return e instanceof Error ? e : new Error(String(e));
}

/** Runs one API call, its errors typed. */
export async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toChannelError(err);
  }
}
