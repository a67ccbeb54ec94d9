/**
 * The `shards` CLI's flags (`node:util` parseArgs options).
 */

export const OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  namespace: { type: "string", short: "n" },
  owner: { type: "string" },
  search: { type: "string" },
  status: { type: "string", multiple: true },
  "page-size": { type: "string" },
  all: { type: "boolean" },
  limit: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  count: { type: "string" },
  strategy: { type: "string" },
  actor: { type: "string" },
  reason: { type: "string" },
  ticket: { type: "string" },
  plan: { type: "string" },
  retries: { type: "string" },
  "retry-for": { type: "string" },
} as const;
