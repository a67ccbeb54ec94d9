/**
 * Configured bearer tokens: a token that could never be presented in an `Authorization` header (white space,
 * a comma, control or non-ASCII characters) is a configuration error, and every token the configuration
 * accepts authenticates over the real fetch handler.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createShardControlPlaneApp,
  createShardTokenVerifier,
  shardTokenProblem,
} from "../../src/http/index.ts";
import { InMemoryShardRepository, ShardControlPlaneService } from "../../src/index.ts";

const GOOD = "0123456789abcdef";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";

const appWith = (token: string) =>
  createShardControlPlaneApp({
    service: new ShardControlPlaneService({ repository: new InMemoryShardRepository() }),
    tokens: [{ name: "reader", token, scopes: ["shards.read"] }],
    allowQueryToken: true,
  });

describe("configured tokens", () => {
  it("accept 16 to 4096 characters of RFC 6750 b64token", () => {
    for (const token of [
      GOOD,
      `${GOOD}==`,
      "A-._~+/z".repeat(2),
      "a".repeat(4096),
      `${"base64url_".repeat(4)}=`,
    ])
      expect(shardTokenProblem(token)).toBeUndefined();
  });

  it("reject, naming tokens[i] and never the token, what no Authorization header can carry", () => {
    const bad = [
      `${GOOD} x`,
      `${GOOD}\tx`,
      `${GOOD}\n`,
      ` ${GOOD}`,
      `${GOOD},x`,
      `${GOOD}\u0000`,
      `${GOOD}\u007f`,
      `${GOOD}\u00e9`,
      `${GOOD}\u20ac`,
      `${GOOD}\u{1f511}`,
      `${GOOD}"`,
      `=${GOOD}`,
      `${GOOD}=x`,
      "short-token",
      "a".repeat(4097),
    ];
    for (const token of bad) {
      expect(shardTokenProblem(token), JSON.stringify(token)).toBeDefined();
      const configured = [
        { token: "another-valid-token-0123", scopes: ["shards.read" as const] },
        { token, scopes: ["shards.read" as const] },
      ];
      const builds: [() => unknown, string][] = [
        [() => createShardTokenVerifier(configured), "tokens[1]"],
        [() => appWith(token), "tokens[0]"],
      ];
      for (const [build, named] of builds) {
        let thrown: unknown;
        try {
          build();
        } catch (e) {
          thrown = e;
        }
        expect(thrown, JSON.stringify(token)).toBeInstanceOf(TypeError);
        const message = (thrown as TypeError).message;
        expect(message).toContain(named);
        expect(message).toMatch(/Expected/);
        if (token.length >= 4) expect(message).not.toContain(token.trim());
      }
    }
    expect(() => createShardTokenVerifier([{ token: undefined as unknown as string, scopes: [] }])).toThrow(
      /tokens\[0\]/,
    );
  });

  it("every accepted token is presentable and authenticates over the fetch handler (header and query)", async () => {
    const body = fc.string({ unit: fc.constantFrom(...B64), minLength: 14, maxLength: 40 });
    const padding = fc.string({ unit: fc.constant("="), maxLength: 2 });
    const good = fc.tuple(body, padding).map(([b, p]) => b + p);
    // A good-looking token with one character no header can carry (or any UTF-16 unit) spliced in.
    const stray = fc.oneof(
      fc.constantFrom(
        " ",
        "\t",
        "\n",
        "\r",
        ",",
        "\u0000",
        "\u007f",
        "\u00a0",
        "\u00e9",
        "\u2028",
        "\u{1f511}",
      ),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    );
    const spliced = fc
      .tuple(good, stray, fc.nat())
      .map(([t, c, at]) => t.slice(0, at % (t.length + 1)) + c + t.slice(at % (t.length + 1)));
    const token = fc.oneof(good, spliced);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        let app: ReturnType<typeof appWith>;
        try {
          app = appWith(t);
        } catch (e) {
          expect(e).toBeInstanceOf(TypeError);
          expect(shardTokenProblem(t)).toBeDefined();
          return;
        }
        accepted++;
        expect(shardTokenProblem(t)).toBeUndefined();
        // new Headers throws for a value that is not a byte string: the token must be presentable as is.
        const viaHeader = new Request("http://cp.test/control/shards?namespace=ns", {
          headers: new Headers({ authorization: `Bearer ${t}` }),
        });
        expect((await app.fetch(viaHeader)).status).toBe(200);
        const query = new URLSearchParams({ namespace: "ns", access_token: t });
        const viaQuery = new Request(`http://cp.test/control/shards/watch?${query}`);
        const watch = await app.fetch(viaQuery);
        expect(watch.status).toBe(200);
        await watch.body?.cancel();
      }),
      { numRuns: 300 },
    );
    // The generator must reach both sides.
    expect(accepted).toBeGreaterThan(30);
    expect(accepted).toBeLessThan(290);
  });
});
