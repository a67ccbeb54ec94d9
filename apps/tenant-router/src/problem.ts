import { ErrorCodes, type PipeError } from "@pipe/pipeline";

/**
 * The error codes of the admin HTTP API's own failures (the router's, such as `tenants.duplicate`, pass
 * through; a bad body is `error.validation` with `issues`: `{ path, message }[]`, as on the shard control
 * plane).
 *
 * @example
 * ```ts
 * import { TenantAdminErrorCodes } from "@pipe/app-tenant-router";
 * console.log(TenantAdminErrorCodes.forbidden); // "tenant-router.http.forbidden"
 * ```
 */
export const TenantAdminErrorCodes: {
  readonly unauthorized: "tenant-router.http.unauthorized";
  readonly forbidden: "tenant-router.http.forbidden";
  readonly payloadTooLarge: "tenant-router.http.payload_too_large";
  readonly malformedJson: "tenant-router.http.json.malformed";
  readonly routeNotFound: "tenant-router.http.route.not_found";
} = Object.freeze({
  unauthorized: "tenant-router.http.unauthorized",
  forbidden: "tenant-router.http.forbidden",
  payloadTooLarge: "tenant-router.http.payload_too_large",
  malformedJson: "tenant-router.http.json.malformed",
  routeNotFound: "tenant-router.http.route.not_found",
} as const);

const HIDDEN = new Set(["stackTrace", "stack", "cause", "exceptionType"]);

/**
 * An RFC 9457 `application/problem+json` response in the shard control plane's shape: `type`
 * `urn:pipe:error:<code>`, `title`, `status`, `detail`, `code` and `metadata` (without stack traces or causes),
 * with `Cache-Control: no-store`. An `error.exception` gets a generic detail and no metadata. @internal
 */
export function problemResponse(
  status: number,
  code: string,
  detail: string,
  metadata: Readonly<Record<string, unknown>> = {},
  headers?: Readonly<Record<string, string>>,
): Response {
  const hidden = code === ErrorCodes.exception;
  const shown: Record<string, unknown> = {};
  if (!hidden) for (const key of Object.keys(metadata)) if (!HIDDEN.has(key)) shown[key] = metadata[key];
  const body = {
    type: `urn:pipe:error:${code}`,
    title: "Tenant router admin error",
    status,
    detail: hidden ? "An internal error occurred." : detail,
    code,
    metadata: shown,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...headers, "content-type": "application/problem+json", "cache-control": "no-store" },
  });
}

/** A 400 `error.validation` problem naming the field at `path`. @internal */
export const validationProblem = (path: string, message: string): Response =>
  problemResponse(400, ErrorCodes.validation, message, { issues: [{ path, message }] });

/** The problem of a router failure (`tenants.duplicate`, `tenants.closed`, `tenants.not_found`). @internal */
export const routerProblem = (status: number, error: PipeError): Response =>
  problemResponse(status, error.code ?? ErrorCodes.unspecified, error.message, error.metadata);
