import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeStreamFields, encodeStreamFields } from "../src/index.ts";

describe("stream entry fields of an envelope", () => {
  it("decodes what it encodes, with or without a tenant id", () => {
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: undefined }),
        fc.string(),
        fc.jsonValue(),
        (tenantId, messageId, payload) => {
          const fields = encodeStreamFields({ tenantId, messageId, payload });
          const decoded = decodeStreamFields("1-0", fields);
          expect(decoded.tenantId).toBe(tenantId);
          expect(decoded.messageId).toBe(messageId);
          expect(decoded.payload).toEqual(JSON.parse(JSON.stringify(payload)));
        },
      ),
    );
  });

  it("takes outside entries as they come: text payloads stay text, a missing message id is the entry id", () => {
    expect(decodeStreamFields("7-1", ["payload", "not json", "other", "x"])).toEqual({
      tenantId: undefined,
      messageId: "7-1",
      payload: "not json",
    });
    expect(decodeStreamFields("7-2", ["messageId"])).toEqual({
      tenantId: undefined,
      messageId: "7-2",
      payload: null,
    });
  });
});
