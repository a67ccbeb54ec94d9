import { PipeError } from "@pipe/result";
import { TenantErrorCodes } from "../codes.ts";

/** Error factories of the router (one place for messages and metadata). @internal */

export const unknownTenantError = (tenantId: string): PipeError =>
  PipeError.from(`No tenant "${tenantId}" is registered.`, TenantErrorCodes.unknown, {
    metadata: { tenantId },
  });

export const overflowError = (tenantId: string, capacity: number): PipeError =>
  PipeError.from(
    `The branch of tenant "${tenantId}" is full (capacity ${capacity}).`,
    TenantErrorCodes.overflow,
    {
      metadata: { tenantId, capacity },
    },
  );

export const droppedError = (tenantId: string, capacity: number): PipeError =>
  PipeError.from(
    `The branch of tenant "${tenantId}" was full (capacity ${capacity}); its oldest envelope was dropped.`,
    TenantErrorCodes.dropped,
    { metadata: { tenantId, capacity } },
  );

export const parkedError = (tenantId: string, attempts: number, cause: PipeError): PipeError =>
  PipeError.from(
    `Tenant "${tenantId}" was parked after ${attempts} failed attempt(s): ${cause.message}`,
    TenantErrorCodes.parked,
    { cause, metadata: { tenantId, attempts } },
  );

export const removedError = (tenantId: string): PipeError =>
  PipeError.from(`Tenant "${tenantId}" was removed and is draining.`, TenantErrorCodes.removed, {
    metadata: { tenantId },
  });

export const shutdownError = (cause: PipeError | undefined): PipeError =>
  PipeError.from("The run stopped before the envelope was processed.", TenantErrorCodes.shutdown, {
    ...(cause === undefined ? {} : { cause }),
  });

export const keyInvalidError = (cause: unknown, key: unknown): PipeError =>
  PipeError.from(
    "The key function threw or returned a value that is not a tenant id (see tenantIdProblem).",
    TenantErrorCodes.keyInvalid,
    {
      ...(cause === undefined ? {} : { cause }),
      metadata: { key: typeof key === "string" ? key : String(key) },
    },
  );

export const duplicateError = (tenantId: string, draining: boolean): PipeError =>
  PipeError.from(
    draining
      ? `Tenant "${tenantId}" is still draining after removal; add it again once remove() resolved.`
      : `Tenant "${tenantId}" is already registered.`,
    TenantErrorCodes.duplicate,
    { metadata: { tenantId } },
  );

export const notFoundError = (tenantId: string): PipeError =>
  PipeError.from(`No tenant "${tenantId}" is registered.`, TenantErrorCodes.notFound, {
    metadata: { tenantId },
  });

export const closedError = (): PipeError =>
  PipeError.from("The tenant router already ran.", TenantErrorCodes.closed);

export const registryFailedError = (cause: unknown): PipeError =>
  PipeError.from("The tenant registry source failed.", TenantErrorCodes.registryFailed, {
    cause: PipeError.is(cause) ? cause : PipeError.fromException(cause),
  });

export const deadLetterFailedError = (tenantId: string | undefined, cause: PipeError): PipeError =>
  PipeError.from("The dead-letter channel refused an entry.", TenantErrorCodes.deadLetterFailed, {
    cause,
    metadata: tenantId === undefined ? {} : { tenantId },
  });

/** `error` with `tenantId` in its metadata (the same instance when it is already there). */
export const withTenant = (error: PipeError, tenantId: string): PipeError =>
  error.metadata.tenantId === tenantId ? error : error.withMetadata("tenantId", tenantId);
