import { ErrorCodes, type ErrorDescriptor } from "@pipe/result";

/**
 * The error codes the shard control-plane HTTP surface adds to the service's (registered with descriptors in
 * `ErrorCodes` when this module loads).
 *
 * When to use: match a problem+json body's `code` against these instead of string literals.
 *
 * Details: access control (`unauthorized` 401, `forbidden` 403), transport limits (`payloadTooLarge` 413,
 * `unsupportedMediaType` 415, `malformedJson` 400), routing (`routeNotFound` 404, `methodNotAllowed` 405) and
 * capacity (`watchersExhausted` 503). Decoding problems of well-formed input are `error.validation` (with
 * `issues`: `{ path, message }[]`), like the service's.
 *
 * @example
 * ```ts
 * import { ShardHttpErrorCodes } from "@pipe/shards/http";
 * console.log(ShardHttpErrorCodes.forbidden); // "shards.http.forbidden"
 * ```
 */
export const ShardHttpErrorCodes: {
  readonly unauthorized: "shards.http.unauthorized";
  readonly forbidden: "shards.http.forbidden";
  readonly payloadTooLarge: "shards.http.payload_too_large";
  readonly unsupportedMediaType: "shards.http.unsupported_media_type";
  readonly malformedJson: "shards.http.json.malformed";
  readonly routeNotFound: "shards.http.route.not_found";
  readonly methodNotAllowed: "shards.http.method_not_allowed";
  readonly watchersExhausted: "shards.http.watchers.exhausted";
} = Object.freeze({
  unauthorized: "shards.http.unauthorized",
  forbidden: "shards.http.forbidden",
  payloadTooLarge: "shards.http.payload_too_large",
  unsupportedMediaType: "shards.http.unsupported_media_type",
  malformedJson: "shards.http.json.malformed",
  routeNotFound: "shards.http.route.not_found",
  methodNotAllowed: "shards.http.method_not_allowed",
  watchersExhausted: "shards.http.watchers.exhausted",
} as const);

const category = "Shards HTTP";
const h = ShardHttpErrorCodes;

/**
 * The descriptors registered for {@link ShardHttpErrorCodes}.
 *
 * @example
 * ```ts
 * import { shardHttpErrorDescriptors } from "@pipe/shards/http";
 * console.log(shardHttpErrorDescriptors.map((d) => d.code).includes("shards.http.unauthorized")); // true
 * ```
 */
export const shardHttpErrorDescriptors: readonly ErrorDescriptor[] = Object.freeze([
  {
    code: h.unauthorized,
    name: "ShardHttpUnauthorized",
    description: "A valid bearer token is required.",
    category,
  },
  {
    code: h.forbidden,
    name: "ShardHttpForbidden",
    description: "The bearer token lacks the scope this operation needs.",
    category,
  },
  {
    code: h.payloadTooLarge,
    name: "ShardHttpPayloadTooLarge",
    description: "The request body exceeds the configured limit.",
    category,
  },
  {
    code: h.unsupportedMediaType,
    name: "ShardHttpUnsupportedMediaType",
    description: "The request body must be JSON (application/json).",
    category,
  },
  {
    code: h.malformedJson,
    name: "ShardHttpMalformedJson",
    description: "The request body is not well-formed UTF-8 JSON.",
    category,
  },
  { code: h.routeNotFound, name: "ShardHttpRouteNotFound", description: "No such endpoint.", category },
  {
    code: h.methodNotAllowed,
    name: "ShardHttpMethodNotAllowed",
    description: "The endpoint does not support this HTTP method.",
    category,
  },
  {
    code: h.watchersExhausted,
    name: "ShardHttpWatchersExhausted",
    description: "The server already serves its maximum number of watch streams.",
    category,
  },
]);

ErrorCodes.register(shardHttpErrorDescriptors);
