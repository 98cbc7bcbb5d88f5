// Domain errors carry no HTTP status: one onError in the app maps them.

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that fails validation (bad form field, malformed payload). */
export class ValidationError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("validation", message, details);
  }
}

/** The caller is not allowed to do this (role, town, ownership). */
export class ForbiddenError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("forbidden", message, details);
  }
}

/** The caller could not be identified (bad signature, missing credentials). */
export class UnauthenticatedError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("unauthenticated", message, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("not_found", message, details);
  }
}

/** A state transition that is not legal from the current state (or lost a race). */
export class ConflictError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("conflict", message, details);
  }
}

/** A request body larger than allowed. */
export class PayloadTooLargeError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("payload_too_large", message, details);
  }
}
