import { ErrorCodes, type ErrorDescriptor } from "@pipe/result";

/**
 * The error codes the shard control-plane HTTP surface adds to the service's (registered with descriptors in
 * `ErrorCodes` when this module loads).
 *
 * When to use: match a problem+json body's `code` against these instead of string literals.
 *
 * Details: access control (`unauthorized` 401, `forbidden` 403), transport limits (`payloadTooLarge` 413,
 * `unsupportedMediaType` 415, `malformedJson` 400, `jsonTooDeep` 400), routing (`routeNotFound` 404,
 * `methodNotAllowed` 405), adapters' parse errors (`headersTooLarge` 431 for a URL or headers over the
 * server's limit, `malformedRequest` 400) and capacity (`watchersExhausted` 503, `simulationsExhausted` 503 with
 * `Retry-After`, `starting` 503 with `Retry-After` while an instance loads). Decoding problems of well-formed input are `error.validation` (with
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
  readonly jsonTooDeep: "shards.http.json.too_deep";
  readonly simulationsExhausted: "shards.http.simulations.exhausted";
  readonly headersTooLarge: "shards.http.headers_too_large";
  readonly malformedRequest: "shards.http.request.malformed";
  readonly starting: "shards.http.starting";
} = Object.freeze({
  unauthorized: "shards.http.unauthorized",
  forbidden: "shards.http.forbidden",
  payloadTooLarge: "shards.http.payload_too_large",
  unsupportedMediaType: "shards.http.unsupported_media_type",
  malformedJson: "shards.http.json.malformed",
  routeNotFound: "shards.http.route.not_found",
  methodNotAllowed: "shards.http.method_not_allowed",
  watchersExhausted: "shards.http.watchers.exhausted",
  jsonTooDeep: "shards.http.json.too_deep",
  simulationsExhausted: "shards.http.simulations.exhausted",
  headersTooLarge: "shards.http.headers_too_large",
  malformedRequest: "shards.http.request.malformed",
  starting: "shards.http.starting",
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
  {
    code: h.jsonTooDeep,
    name: "ShardHttpJsonTooDeep",
    description: "The JSON body nests arrays and objects deeper than the limit (16 levels).",
    category,
  },
  {
    code: h.simulationsExhausted,
    name: "ShardHttpSimulationsExhausted",
    description:
      "The server already runs its maximum number of simulations; retry after the Retry-After delay.",
    category,
  },
  {
    code: h.headersTooLarge,
    name: "ShardHttpHeadersTooLarge",
    description: "The request line (URL) or headers exceed the server's limit (a server adapter answers it).",
    category,
  },
  {
    code: h.malformedRequest,
    name: "ShardHttpMalformedRequest",
    description: "The request is not well-formed HTTP (a server adapter answers it).",
    category,
  },
  {
    code: h.starting,
    name: "ShardHttpStarting",
    description:
      "The server is still loading its read view of the store; retry after the Retry-After delay (a server adapter answers it).",
    category,
  },
]);

ErrorCodes.register(shardHttpErrorDescriptors);
