/** Strict base64url (RFC 4648 §5, no padding) over UTF-8. @internal */
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const DIGITS: readonly string[] = Array.from(ALPHABET);
/** Value of each ASCII code in the alphabet, -1 outside it. */
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** The UTF-8 bytes of `text`; ASCII (every cursor of ASCII identifiers) without an encoder call. */
function utf8(text: string): Uint8Array {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return encoder.encode(text);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export function encodeBase64Url(text: string): string {
  const bytes = utf8(text);
  const n = bytes.length;
  let out = "";
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      (DIGITS[v >>> 18] as string) +
      (DIGITS[(v >>> 12) & 63] as string) +
      (DIGITS[(v >>> 6) & 63] as string) +
      (DIGITS[v & 63] as string);
  }
  if (n - i === 1) {
    const v = (bytes[i] as number) << 16;
    out += (DIGITS[v >>> 18] as string) + (DIGITS[(v >>> 12) & 63] as string);
  } else if (n - i === 2) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out +=
      (DIGITS[v >>> 18] as string) + (DIGITS[(v >>> 12) & 63] as string) + (DIGITS[(v >>> 6) & 63] as string);
  }
  return out;
}

/** Decodes canonical unpadded base64url to a UTF-8 string; `undefined` for anything non-canonical. */
export function decodeBase64Url(token: string): string | undefined {
  const length = token.length;
  if (length === 0 || length % 4 === 1) return undefined;
  const bytes = new Uint8Array(Math.floor((length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let at = 0;
  let ascii = true;
  for (let i = 0; i < length; i++) {
    const code = token.charCodeAt(i);
    const value = code < 128 ? (VALUES[code] as number) : -1;
    if (value < 0) return undefined;
    acc = ((acc << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (acc >>> bits) & 0xff;
      if (byte > 0x7f) ascii = false;
      bytes[at++] = byte;
    }
  }
  // Canonical form only: the bits left over after the last byte must be zero.
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  if (ascii) {
    let text = "";
    for (let i = 0; i < at; i++) text += String.fromCharCode(bytes[i] as number);
    return text;
  }
  let text: string;
  try {
    text = decoder.decode(bytes.subarray(0, at));
  } catch {
    return undefined;
  }
  // A leading byte-order mark is dropped by the decoder: such a token does not round-trip, so it is not canonical.
  return encodeBase64Url(text) === token ? text : undefined;
}
