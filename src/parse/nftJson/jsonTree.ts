// A JSON parser that keeps the source offsets of every value (JSON.parse loses them), for the nft JSON parser.
// Owns only the tree and its parsing; imports nothing. Iterative (an explicit stack), so malicious nesting
// gives an error instead of a stack overflow, and linear in the input so that tens of MB stay cheap.

export interface JsonBase {
  readonly start: number;
  /** Offset after the value; for a container cut short by a syntax error, the end of the text. */
  end: number;
  /** True for a container that was still open when a syntax error stopped the parse. */
  incomplete?: boolean;
}

export interface JsonMember {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly value: JsonNode;
}

export interface JsonObject extends JsonBase {
  readonly kind: 'object';
  readonly members: JsonMember[];
}
export interface JsonArray extends JsonBase {
  readonly kind: 'array';
  readonly items: JsonNode[];
}
export interface JsonString extends JsonBase {
  readonly kind: 'string';
  readonly value: string;
}
export interface JsonNumber extends JsonBase {
  readonly kind: 'number';
  readonly value: number;
  /** The number as written; needed for integers beyond 2^53, which a double cannot hold. */
  readonly raw: string;
  readonly isInteger: boolean;
}
export interface JsonBool extends JsonBase {
  readonly kind: 'boolean';
  readonly value: boolean;
}
export interface JsonNull extends JsonBase {
  readonly kind: 'null';
}

export type JsonNode = JsonObject | JsonArray | JsonString | JsonNumber | JsonBool | JsonNull;

export interface JsonSyntaxError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
  /** Set when the error is the nesting limit, so callers can word it differently. */
  readonly tooDeep?: boolean;
}

export interface JsonParseResult {
  /** The document, possibly partial (containers marked `incomplete`) when `error` is set. */
  readonly root: JsonNode | undefined;
  readonly error: JsonSyntaxError | undefined;
  /** Duplicate keys inside one object (the last one wins, as in jansson which nft uses). */
  readonly duplicateKeys: readonly JsonMember[];
}

/** Deep enough for any real `nft -j` output (a few levels per expression); far below a stack overflow in
 *  the recursive consumers of the tree. */
export const DEFAULT_MAX_DEPTH = 256;

const enum State {
  Value,
  ValueOrClose, // first item of an array
  KeyOrClose, // first member of an object
  Key,
  After,
}

class SyntaxStop {
  constructor(readonly error: JsonSyntaxError) {}
}

/** Parses `text` as one JSON value. Never throws; stops at the first syntax error (JSON has no safe
 *  resynchronisation point) and returns what was read so far. */
export function parseJsonTree(text: string, maxDepth = DEFAULT_MAX_DEPTH): JsonParseResult {
  const n = text.length;
  const stack: (JsonObject | JsonArray)[] = [];
  const duplicateKeys: JsonMember[] = [];
  let root: JsonNode | undefined;
  let pendingKey = '';
  let pendingKeyStart = 0;
  let pendingKeyEnd = 0;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let state = State.Value as State;

  const fail = (message: string, start: number, end = Math.min(n, start + 1), tooDeep = false): never => {
    throw new SyntaxStop({ message, start, end: Math.max(end, start), ...(tooDeep ? { tooDeep } : {}) });
  };

  const skipWs = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };

  const attach = (node: JsonNode) => {
    const top = stack[stack.length - 1];
    if (!top) {
      root = node;
    } else if (top.kind === 'array') {
      top.items.push(node);
    } else {
      const members = top.members;
      // Duplicate keys are rare and objects small: a scan is cheaper than a Set per object.
      for (let k = 0; k < members.length; k++) {
        if ((members[k] as JsonMember).key === pendingKey) {
          duplicateKeys.push({ key: pendingKey, keyStart: pendingKeyStart, keyEnd: pendingKeyEnd, value: node });
          break;
        }
      }
      members.push({ key: pendingKey, keyStart: pendingKeyStart, keyEnd: pendingKeyEnd, value: node });
    }
  };

  /** Scans the string at `i` (its opening quote) and returns its value; `i` ends after the closing quote. */
  const scanString = (): string => {
    const start = i;
    i++; // opening quote
    const contentStart = i;
    // Fast path: no escapes.
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        const value = text.slice(contentStart, i);
        i++;
        return value;
      }
      if (c === 92) break;
      if (c < 0x20) fail('control character in string (must be escaped)', i);
      i++;
    }
    if (i >= n) fail('unterminated string', start, n);
    const parts: string[] = [text.slice(contentStart, i)];
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return parts.join('');
      }
      if (c < 0x20) fail('control character in string (must be escaped)', i);
      if (c !== 92) {
        const runStart = i;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === 34 || d === 92 || d < 0x20) break;
          i++;
        }
        parts.push(text.slice(runStart, i));
        continue;
      }
      const esc = text.charCodeAt(i + 1);
      switch (esc) {
        case 34: parts.push('"'); i += 2; break;
        case 92: parts.push('\\'); i += 2; break;
        case 47: parts.push('/'); i += 2; break;
        case 98: parts.push('\b'); i += 2; break;
        case 102: parts.push('\f'); i += 2; break;
        case 110: parts.push('\n'); i += 2; break;
        case 114: parts.push('\r'); i += 2; break;
        case 116: parts.push('\t'); i += 2; break;
        case 117: {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape (four hex digits expected)', i, Math.min(n, i + 6));
          parts.push(String.fromCharCode(parseInt(hex, 16)));
          i += 6;
          break;
        }
        default:
          if (Number.isNaN(esc)) fail('unterminated string', start, n);
          fail(`invalid escape '\\${text[i + 1]}' in string`, i, i + 2);
      }
    }
    return fail('unterminated string', start, n);
  };

  const scanNumber = (): JsonNumber => {
    const start = i;
    if (text.charCodeAt(i) === 45) i++;
    const intStart = i;
    const digits = () => {
      const s = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c >= 48 && c <= 57) i++;
        else break;
      }
      return i - s;
    };
    if (digits() === 0) fail('digit expected', i);
    if (text.charCodeAt(intStart) === 48 && i - intStart > 1) fail('leading zeros are not allowed in JSON numbers', intStart, i);
    let isInteger = true;
    if (text.charCodeAt(i) === 46) {
      isInteger = false;
      i++;
      if (digits() === 0) fail('digit expected after decimal point', i);
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      isInteger = false;
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 43 || sign === 45) i++;
      if (digits() === 0) fail('digit expected in exponent', i);
    }
    const raw = text.slice(start, i);
    return { kind: 'number', start, end: i, value: Number(raw), raw, isInteger };
  };

  const scanWord = (word: string): boolean => {
    if (text.startsWith(word, i)) {
      const after = text.charCodeAt(i + word.length);
      // `truex` is not `true` followed by garbage we could accept.
      if (!(after >= 97 && after <= 122)) return true;
    }
    return false;
  };

  const describe = (at: number): string => (at >= n ? 'end of input' : `'${text[at]}'`);

  const open = (node: JsonObject | JsonArray) => {
    if (stack.length >= maxDepth) fail(`nesting deeper than ${maxDepth} levels`, i, i + 1, true);
    attach(node);
    stack.push(node);
    i++;
  };

  const close = () => {
    const top = stack.pop() as JsonObject | JsonArray;
    i++;
    top.end = i;
    state = State.After;
  };

  const value = (c: number) => {
    if (c === 123) {
      open({ kind: 'object', start: i, end: i, members: [] });
      state = State.KeyOrClose;
    } else if (c === 91) {
      open({ kind: 'array', start: i, end: i, items: [] });
      state = State.ValueOrClose;
    } else if (c === 34) {
      const start = i;
      const value = scanString();
      attach({ kind: 'string', start, end: i, value });
      state = State.After;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      attach(scanNumber());
      state = State.After;
    } else if (scanWord('true')) {
      attach({ kind: 'boolean', start: i, end: i + 4, value: true });
      i += 4;
      state = State.After;
    } else if (scanWord('false')) {
      attach({ kind: 'boolean', start: i, end: i + 5, value: false });
      i += 5;
      state = State.After;
    } else if (scanWord('null')) {
      attach({ kind: 'null', start: i, end: i + 4 });
      i += 4;
      state = State.After;
    } else {
      fail(`value expected, found ${describe(i)}`, i);
    }
  };

  const key = (c: number) => {
    if (c !== 34) fail(`property name in double quotes expected, found ${describe(i)}`, i);
    pendingKeyStart = i;
    pendingKey = scanString();
    pendingKeyEnd = i;
    skipWs();
    if (text.charCodeAt(i) !== 58) fail(`':' expected after property name, found ${describe(i)}`, i);
    i++;
    state = State.Value;
  };

  try {
    for (;;) {
      skipWs();
      const c = text.charCodeAt(i);
      switch (state) {
        case State.ValueOrClose:
          if (c === 93) close();
          else value(c);
          break;
        case State.Value:
          value(c);
          break;
        case State.KeyOrClose:
          if (c === 125) close();
          else key(c);
          break;
        case State.Key:
          key(c);
          break;
        case State.After: {
          const top = stack[stack.length - 1];
          if (!top) {
            if (i < n) fail(`unexpected ${describe(i)} after the end of the JSON document`, i, n);
            return { root, error: undefined, duplicateKeys };
          }
          if (c === 44) {
            i++;
            state = top.kind === 'array' ? State.Value : State.Key;
          } else if ((c === 93 && top.kind === 'array') || (c === 125 && top.kind === 'object')) {
            close();
          } else {
            const want = top.kind === 'array' ? "',' or ']'" : "',' or '}'";
            fail(`${want} expected, found ${describe(i)}`, i);
          }
          break;
        }
      }
    }
  } catch (e) {
    if (!(e instanceof SyntaxStop)) throw e;
    for (const container of stack) {
      container.incomplete = true;
      container.end = n;
    }
    return { root, error: e.error, duplicateKeys };
  }
}
