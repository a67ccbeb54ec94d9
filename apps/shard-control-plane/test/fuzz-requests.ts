/**
 * fast-check arbitraries of hostile HTTP requests against the shard API: every route and method, missing,
 * wrong and under-scoped tokens, the issue 14 alphabet (`%`, `_`, `ß`, `İ`, NUL, lone surrogates) in ids,
 * query values and bodies, tampered cursors, huge ids and URLs, oversized, deep, malformed and mistyped
 * bodies. A request is plain data, so a failing one prints as JSON for replay.
 */
import fc from "fast-check";
import { OPERATOR, READER } from "./support.ts";

export interface FuzzRequest {
  readonly method: string;
  /** Path and query, already percent-encoded (possibly malformed on purpose). */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  /** A JSON text, or a description of a raw body built at send time. */
  readonly body?: string | { readonly raw: "invalid-utf8" | "oversized" } | undefined;
  /** Whether the request may change the store (upsert, apply). */
  readonly mutation: boolean;
}

const UNITS = [
  "%",
  "_",
  "ß",
  "İ",
  "ı",
  "ẞ",
  "\u0000",
  "\u0001",
  "\uD800",
  "\uDFFF",
  "\uD83D\uDE00",
  "|",
  "/",
];
const ASCII = ["a", "Z", "0", "-", ".", " ", "#", "?", "&", "=", "+", ",", ";", "\\", '"', "'", "\t", "\n"];
const unit = fc.constantFrom(...UNITS, ...ASCII);
const KNOWN = ["demo", "shard-00", "shard-01", "shard-63", "node-a", "node-b", "fuzz", "DEMO", "Shard-00"];

/** Short strings over the alphabet, known ids (so requests hit real rows), and huge ids (2.7 KB to 9 KB). */
const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(unit, { maxLength: 10 }).map((a) => a.join("")) },
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("a", "ß", "\u0000", "%"), fc.integer({ min: 2_700, max: 9_000 }))
      .map(([c, n]) => c.repeat(n)),
  },
);

/** Percent-encodes like a browser, but a lone surrogate becomes its (invalid) 3-byte UTF-8 form. */
function encode(value: string): string {
  let out = "";
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff)
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join("");
    else out += encodeURIComponent(ch);
  }
  return out;
}

const rawFragment = fc.constantFrom("%", "%zz", "%00", "%C3", "%ED%A0%80", "%FF", "+", "&&", "=");

const b64url = (s: string) =>
  Buffer.from(s, "utf8").toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const cursor = fc.oneof(
  fc.constantFrom("AGVtb3xzaGFyZC0wMQ", b64url("demo|shard-00"), b64url("demo|"), "YQ", "====", "-_-_"),
  fc.tuple(text, text).map(([ns, id]) => b64url(`${ns}|${id}`)),
  text,
);
const position = fc.oneof(
  fc.integer({ min: -10, max: 500 }).map(String),
  fc.constantFrom("9007199254740991", "9007199254740993", "1e3", "0x10", "-0", "", "99999999999999999999"),
  text,
);
const pageSize = fc.oneof(
  fc.integer({ min: -5, max: 1_000 }).map(String),
  fc.constantFrom("1", "500", "501", "0", "1.5", "1e2", "9007199254740993"),
  text,
);

type Param = [string, string];
const param = (name: string, value: fc.Arbitrary<string>): fc.Arbitrary<Param> =>
  value.map((v): Param => [name, v]);
const filters = [
  param("namespace", text),
  param("owner", text),
  param("search", text),
  param("status", fc.oneof(fc.constantFrom("active", "PAUSED", "0", "3", "4", "active,bogus"), text)),
  param("bogus", fc.constantFrom("1", "")),
];
const query = (extra: fc.Arbitrary<Param>[]): fc.Arbitrary<string> =>
  fc
    .tuple(fc.array(fc.oneof(...filters, ...extra), { maxLength: 5 }), fc.option(rawFragment, { freq: 8 }))
    .map(([params, raw]) => {
      const q = params.map(([k, v]) => `${k}=${encode(v)}`).join("&") + (raw === null ? "" : `&${raw}`);
      return q.length === 0 ? "" : `?${q}`;
    });

const auth = fc.oneof(
  { weight: 14, arbitrary: fc.constant<Record<string, string>>({ authorization: `Bearer ${OPERATOR}` }) },
  { weight: 2, arbitrary: fc.constant<Record<string, string>>({ authorization: `Bearer ${READER}` }) },
  { weight: 1, arbitrary: fc.constant<Record<string, string>>({}) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Record<string, string>>(
      { authorization: "Bearer wrong-token-0123456789" },
      { authorization: `Bearer ${OPERATOR}x` },
      { authorization: "Basic b3BlcmF0b3I6eA==" },
      { authorization: "Bearer" },
      { authorization: `bearer  ${OPERATOR}` },
    ),
  },
);

const get = (path: string, q: fc.Arbitrary<string>, extraHeaders = fc.constant({})) =>
  fc.record({ q, auth, extra: extraHeaders }).map(
    ({ q, auth, extra }): FuzzRequest => ({
      method: "GET",
      target: `${path}${q}`,
      headers: { ...auth, ...extra },
      mutation: false,
    }),
  );

const number = fc.oneof(
  fc.double({ noNaN: true }),
  fc.integer({ min: -3, max: 1_001 }),
  fc.constantFrom(0, 1, 1000, 1000.0001, 50_000, 1e6, 1e9, -1, 1e308),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
const node = fc.record(
  {
    nodeId: fc.oneof(text, fc.constant(null)),
    weight: maybe(number),
    region: maybe(text),
    zone: maybe(text),
  },
  { requiredKeys: [] },
);
const simulateBody = fc.record(
  {
    namespace: fc.oneof(fc.constant("demo"), text, fc.constant(null)),
    strategyId: fc.oneof(
      fc.constantFrom("ring", "RING", "rendezvous", "locality", "weighted-rendezvous", "x"),
      text,
    ),
    nodes: fc.oneof(
      fc.array(fc.oneof(node, fc.constant(null)), { maxLength: 12 }),
      fc
        .integer({ min: 1, max: 10_005 })
        .map((n) => Array.from({ length: n }, (_, i) => ({ nodeId: `n${i}` }))),
    ),
  },
  { requiredKeys: [] },
);
const version = fc.oneof(fc.integer({ min: -2, max: 6 }), fc.constantFrom(0.5, 1e20, "1", null));
const upsertBody = fc.record(
  {
    namespace: fc.oneof(fc.constant("demo"), text),
    shardId: fc.oneof(fc.constantFrom("shard-00", "shard-01", "fuzz-1"), text),
    strategyId: fc.oneof(fc.constant("rendezvous"), text),
    ownerNodeId: fc.oneof(fc.constant("node-a"), text),
    leaderId: maybe(fc.oneof(text, fc.constant(null))),
    capacityHint: maybe(number),
    status: maybe(fc.oneof(fc.constantFrom("active", "paused", "Draining", 2, 7, "x"), text)),
    changeTicket: maybe(text),
    expectedVersion: maybe(version),
    changeMetadata: maybe(
      fc.record(
        { actor: text, reason: text, changeTicket: maybe(text), metadata: maybe(text) },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ["namespace", "shardId", "strategyId", "ownerNodeId"] },
);
const change = fc.record({
  namespace: fc.oneof(fc.constant("demo"), text),
  shardId: fc.oneof(fc.constantFrom("shard-00", "shard-02", "shard-63"), text),
  currentOwner: fc.oneof(fc.constant("node-a"), text),
  proposedOwner: fc.oneof(fc.constant("node-b"), text),
  changesOwner: maybe(fc.boolean()),
  currentVersion: version,
});
const applyBody = fc.record(
  {
    simulation: fc.record(
      {
        namespace: fc.oneof(fc.constant("demo"), text),
        strategyId: fc.oneof(fc.constant("rendezvous"), text),
        generatedAt: maybe(text),
        changes: fc.array(change, { maxLength: 4 }),
      },
      { requiredKeys: ["namespace", "strategyId", "changes"] },
    ),
    actor: text,
    reason: text,
    changeTicket: text,
    metadata: maybe(text),
  },
  { requiredKeys: [] },
);

const json = { "content-type": "application/json" };
const post = (path: string, body: fc.Arbitrary<unknown>, mutation: boolean) =>
  fc.record({ body, auth }).map(
    ({ body, auth }): FuzzRequest => ({
      method: "POST",
      target: path,
      headers: { ...auth, ...json },
      body: JSON.stringify(body) ?? "null",
      mutation,
    }),
  );

const mutationPaths = ["/control/shards/upsert", "/control/shards/apply"];
const anyPostPath = fc.constantFrom("/control/shards/simulate", ...mutationPaths);
const rawBodies = fc
  .record({
    path: anyPostPath,
    auth,
    kind: fc.constantFrom("deep", "deep-string", "malformed", "empty", "scalar", "utf8", "type", "oversized"),
    depth: fc.integer({ min: 10, max: 100_000 }),
  })
  .map(({ path, auth, kind, depth }): FuzzRequest => {
    const mutation = mutationPaths.includes(path);
    const base = { method: "POST", target: path, mutation };
    switch (kind) {
      case "deep":
        return { ...base, headers: { ...auth, ...json }, body: `${"[".repeat(depth)}${"]".repeat(depth)}` };
      case "deep-string":
        return {
          ...base,
          headers: { ...auth, ...json },
          body: JSON.stringify({ namespace: "[".repeat(depth) }),
        };
      case "malformed":
        return { ...base, headers: { ...auth, ...json }, body: '{"namespace": "demo", ' };
      case "empty":
        return { ...base, headers: { ...auth, ...json }, body: "" };
      case "scalar":
        return { ...base, headers: { ...auth, ...json }, body: depth % 2 === 0 ? "null" : '"\\u0000"' };
      case "utf8":
        return { ...base, headers: { ...auth, ...json }, body: { raw: "invalid-utf8" } };
      case "type":
        return { ...base, headers: { ...auth, "content-type": "text/plain" }, body: "{}" };
      default:
        return { ...base, headers: { ...auth, ...json }, body: { raw: "oversized" } };
    }
  });

const routes = fc
  .record({
    method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"),
    path: fc.oneof(
      fc.constantFrom(
        "/control/shards/",
        "/control/shards/nope",
        "/control/shards/simulate",
        "/control/shards/upsert",
        "/control",
        "/metrics",
        "/healthz",
        "/%",
        "/%ED%A0%80",
        "/control/shards/%00",
      ),
      text.map((t) => `/control/shards/${encode(t)}`),
    ),
    auth,
  })
  .map(
    ({ method, path, auth }): FuzzRequest => ({
      method,
      target: path,
      headers: auth,
      mutation: method !== "GET" && method !== "OPTIONS",
    }),
  );

const hugeUrl = fc.record({ size: fc.integer({ min: 17_000, max: 120_000 }), auth }).map(
  ({ size, auth }): FuzzRequest => ({
    method: "GET",
    target: `/control/shards?search=${"x".repeat(size)}`,
    headers: auth,
    mutation: false,
  }),
);

const inm = fc.option(
  fc.record({
    "if-none-match": fc.constantFrom('"shards-0"', "*", 'W/"shards-1"', '"x"', '"shards-99999999"'),
  }),
  { nil: {}, freq: 4 },
);

/** One hostile request (weights favour the routes with the most input surface). */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 5,
    arbitrary: get("/control/shards", query([param("pageSize", pageSize), param("cursor", cursor)]), inm),
  },
  {
    weight: 3,
    arbitrary: get(
      "/control/shards/diff",
      query([
        param("fromPosition", position),
        param("toPosition", position),
        param("fromVersion", position),
        param("to", position),
      ]),
    ),
  },
  {
    weight: 2,
    arbitrary: get(
      "/control/shards/watch",
      query([param("resumeToken", position)]),
      fc.option(
        fc.record({
          "last-event-id": fc.constantFrom("0", "1", "-1", "abc", "9007199254740993", "1e3", " 2 ", ""),
        }),
        { nil: {}, freq: 3 },
      ),
    ),
  },
  { weight: 4, arbitrary: post("/control/shards/simulate", simulateBody, false) },
  { weight: 5, arbitrary: post("/control/shards/upsert", upsertBody, true) },
  { weight: 3, arbitrary: post("/control/shards/apply", applyBody, true) },
  { weight: 2, arbitrary: rawBodies },
  { weight: 1, arbitrary: routes },
  { weight: 1, arbitrary: get("/healthz", fc.constant("")) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      { weight: 1, arbitrary: hugeUrl },
      { weight: 9, arbitrary: get("/metrics", fc.constant("")) },
    ),
  },
);
