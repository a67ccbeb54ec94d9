/** Strict base64url (RFC 4648 §5, no padding) over UTF-8. @internal */
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export function encodeBase64Url(text: string): string {
  const bytes = encoder.encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes canonical unpadded base64url to a UTF-8 string; `undefined` for anything non-canonical. */
export function decodeBase64Url(token: string): string | undefined {
  if (token.length === 0 || token.length % 4 === 1 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const padded = token.replace(/-/g, "+").replace(/_/g, "/") + "===".slice(0, (4 - (token.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return undefined;
  }
  // Canonical form only: rejects non-zero trailing bits and other malleable spellings.
  return encodeBase64Url(text) === token ? text : undefined;
}
