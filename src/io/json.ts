/**
 * A strict JSON parser for untrusted headers: unlike `JSON.parse` it rejects duplicate object
 * keys (which `JSON.parse` silently resolves to the last one), limits nesting depth, and returns
 * objects without a prototype so a key such as `__proto__` is an ordinary own property.
 * @module
 */

/** A parsed JSON value. Objects have a null prototype and keep their keys' order. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A parsed JSON object (null prototype). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Thrown for malformed JSON; the message gives the position and what was expected. */
export class JsonSyntaxError extends SyntaxError {
  /** Offset in the text where parsing failed. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.position = position;
    this.name = "JsonSyntaxError";
  }
}

/** True for a parsed JSON object (not an array, not null). */
export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * Parses `text` as one JSON value (surrounding whitespace allowed). Throws `JsonSyntaxError` on
 * malformed input, duplicate keys, nesting deeper than `maxDepth`, or more than `maxValues` values
 * (objects, arrays and scalars, counted as they are parsed: it bounds the objects an untrusted text
 * can make the parser build, whatever its length).
 */
export function parseJsonStrict(text: string, maxDepth = 64, maxValues = Infinity): JsonValue {
  let pos = 0;
  let values = 0;
  const fail = (what: string): never => {
    const found = pos >= text.length ? "end of input" : `${JSON.stringify(text[pos])}`;
    throw new JsonSyntaxError(`${what} at position ${pos} (found ${found})`, pos);
  };
  const ws = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };
  const parseString = (): string => {
    // pos is at the opening quote
    pos++;
    let out = "";
    let start = pos;
    while (true) {
      if (pos >= text.length) fail("unterminated string");
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail("control character in string");
      if (c === 0x5c) {
        out += text.slice(start, pos);
        pos++;
        const e = text[pos];
        switch (e) {
          case '"':
            out += '"';
            break;
          case "\\":
            out += "\\";
            break;
          case "/":
            out += "/";
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const hex = text.slice(pos + 1, pos + 5);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("invalid \\u escape");
            out += String.fromCharCode(parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            fail("invalid escape");
        }
        pos++;
        start = pos;
      } else pos++;
    }
  };
  const parseValue = (depth: number): JsonValue => {
    ws();
    if (pos >= text.length) fail("expected a value");
    if (++values > maxValues) fail(`more than ${maxValues} values`);
    const c = text[pos];
    if (c === "{") {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
      pos++;
      const obj = Object.create(null) as JsonObject;
      ws();
      if (text[pos] === "}") {
        pos++;
        return obj;
      }
      while (true) {
        ws();
        if (text[pos] !== '"') fail("expected a string key");
        const keyPos = pos;
        const key = parseString();
        if (Object.prototype.hasOwnProperty.call(obj, key)) {
          throw new JsonSyntaxError(`duplicate key ${JSON.stringify(key)} at position ${keyPos}`, keyPos);
        }
        ws();
        if (text[pos] !== ":") fail("expected ':' after a key");
        pos++;
        obj[key] = parseValue(depth + 1);
        ws();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        if (text[pos] === "}") {
          pos++;
          return obj;
        }
        fail("expected ',' or '}' in an object");
      }
    }
    if (c === "[") {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
      pos++;
      const arr: JsonValue[] = [];
      ws();
      if (text[pos] === "]") {
        pos++;
        return arr;
      }
      while (true) {
        arr.push(parseValue(depth + 1));
        ws();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        if (text[pos] === "]") {
          pos++;
          return arr;
        }
        fail("expected ',' or ']' in an array");
      }
    }
    if (c === '"') return parseString();
    if (text.startsWith("true", pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith("false", pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith("null", pos)) {
      pos += 4;
      return null;
    }
    NUMBER_RE.lastIndex = pos;
    const m = NUMBER_RE.exec(text);
    if (m && m[0].length > 0) {
      pos += m[0].length;
      return Number(m[0]);
    }
    return fail("expected a value");
  };
  const v = parseValue(0);
  ws();
  if (pos !== text.length) fail("unexpected text after the JSON value");
  return v;
}
