/*
 * `TextDecoder` / `TextEncoder` for the runtime bundle (esbuild `inject`): the engine's own where it has
 * them, else a small pure-JS version. TikTok does not document either global, and Pyodide uses
 * `new TextDecoder("latin1")` and `new TextDecoder("utf8")` without checking.
 *
 * The fallback decodes utf-8 (replacement characters, or TypeError when `fatal`; `stream` supported),
 * latin1 (as the web does: windows-1252) and utf-16le; other labels raise RangeError, like the web's.
 */
const LABELS = {
  "utf-8": "utf-8", "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
  "latin1": "windows-1252", "iso-8859-1": "windows-1252", "iso8859-1": "windows-1252", "l1": "windows-1252",
  "ascii": "windows-1252", "us-ascii": "windows-1252", "windows-1252": "windows-1252", "cp1252": "windows-1252",
  "utf-16le": "utf-16le", "utf-16": "utf-16le",
};
// windows-1252 differs from latin1 only in 0x80..0x9f.
const CP1252 = [0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039,
  0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178];
const CHUNK = 0x2000;

function bytesOf(input) {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new Uint8Array(input);
}

function fromCodes(codes, length) {
  let out = "";
  for (let i = 0; i < length; i += CHUNK) {
    out += String.fromCharCode.apply(null, codes.subarray(i, Math.min(length, i + CHUNK)));
  }
  return out;
}

class FallbackTextDecoder {
  constructor(label = "utf-8", options = {}) {
    const encoding = LABELS[String(label).trim().toLowerCase()];
    if (!encoding) throw new RangeError(`The "${label}" encoding is not supported`);
    this.encoding = encoding;
    this.fatal = !!options.fatal;
    this.ignoreBOM = !!options.ignoreBOM;
    this._pending = new Uint8Array(0);
    this._bomSeen = false;
  }

  decode(input, options = {}) {
    let bytes = bytesOf(input);
    if (this._pending.length) {
      const joined = new Uint8Array(this._pending.length + bytes.length);
      joined.set(this._pending);
      joined.set(bytes, this._pending.length);
      bytes = joined;
      this._pending = new Uint8Array(0);
    }
    const stream = !!options.stream;
    let text;
    if (this.encoding === "utf-8") text = this._utf8(bytes, stream);
    else if (this.encoding === "utf-16le") text = this._utf16(bytes, stream);
    else text = this._cp1252(bytes);
    if (!this.ignoreBOM && !this._bomSeen && text.length) {
      this._bomSeen = true;
      if (this.encoding !== "windows-1252" && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!stream) this._bomSeen = false;
    return text;
  }

  _cp1252(bytes) {
    const codes = new Uint16Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      codes[i] = b >= 0x80 && b < 0xa0 ? CP1252[b - 0x80] : b;
    }
    return fromCodes(codes, codes.length);
  }

  _utf16(bytes, stream) {
    const even = bytes.length & ~1;
    if (even < bytes.length) {
      if (stream) this._pending = bytes.slice(even);
      else if (this.fatal) throw new TypeError("The encoded data was not valid for encoding utf-16le");
    }
    const codes = new Uint16Array(even / 2);
    for (let i = 0; i < even; i += 2) codes[i / 2] = bytes[i] | (bytes[i + 1] << 8);
    let text = fromCodes(codes, codes.length);
    if (even < bytes.length && !stream) text += "\ufffd";
    return text;
  }

  _utf8(bytes, stream) {
    const codes = new Uint16Array(bytes.length + 1);
    let n = 0;
    let i = 0;
    const bad = () => {
      if (this.fatal) throw new TypeError("The encoded data was not valid for encoding utf-8");
      codes[n++] = 0xfffd;
    };
    while (i < bytes.length) {
      const b = bytes[i];
      if (b < 0x80) { codes[n++] = b; i++; continue; }
      let need = 0;
      let lower = 0x80;
      let upper = 0xbf;
      let cp = 0;
      if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2; cp = b & 0xf;
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3; cp = b & 0x7;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
      } else { bad(); i++; continue; }
      let j = 1;
      for (; j <= need; j++) {
        if (i + j >= bytes.length) break;
        const c = bytes[i + j];
        if (c < lower || c > upper) break;
        lower = 0x80;
        upper = 0xbf;
        cp = (cp << 6) | (c & 0x3f);
      }
      if (j <= need) {
        if (i + j >= bytes.length && stream) { this._pending = bytes.slice(i); break; }
        bad();
        i += j;
        continue;
      }
      i += need + 1;
      if (cp >= 0x10000) {
        cp -= 0x10000;
        codes[n++] = 0xd800 + (cp >> 10);
        codes[n++] = 0xdc00 + (cp & 0x3ff);
      } else {
        codes[n++] = cp;
      }
    }
    return fromCodes(codes, n);
  }
}

class FallbackTextEncoder {
  get encoding() { return "utf-8"; }

  encode(text = "") {
    const out = new Uint8Array(String(text).length * 3);
    return out.slice(0, this.encodeInto(String(text), out).written);
  }

  encodeInto(text, dest) {
    let read = 0;
    let written = 0;
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i);
      let units = 1;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) { cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00); units = 2; }
      }
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
      const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (written + size > dest.length) break;
      if (size === 1) dest[written++] = cp;
      else if (size === 2) { dest[written++] = 0xc0 | (cp >> 6); dest[written++] = 0x80 | (cp & 0x3f); }
      else if (size === 3) {
        dest[written++] = 0xe0 | (cp >> 12); dest[written++] = 0x80 | ((cp >> 6) & 0x3f);
        dest[written++] = 0x80 | (cp & 0x3f);
      } else {
        dest[written++] = 0xf0 | (cp >> 18); dest[written++] = 0x80 | ((cp >> 12) & 0x3f);
        dest[written++] = 0x80 | ((cp >> 6) & 0x3f); dest[written++] = 0x80 | (cp & 0x3f);
      }
      read += units;
      i += units - 1;
    }
    return { read, written };
  }
}

const TextDecoder = globalThis.TextDecoder || FallbackTextDecoder;
const TextEncoder = globalThis.TextEncoder || FallbackTextEncoder;

export { TextDecoder, TextEncoder, FallbackTextDecoder, FallbackTextEncoder };
