/**
 * A small evaluator for the part of Cloudflare's Rules language the kit writes (and that
 * hand-written rules commonly use), so the bar can judge what a rule *does* by running sample
 * requests through it, instead of pattern-matching its text. An expression outside this subset
 * is reported as not understood, never guessed at.
 * Reference: https://developers.cloudflare.com/ruleset-engine/rules-language/
 */
import { BlockList, isIPv4, isIPv6 } from "node:net";

/** A request (and, for response-phase rules, its response) to run expressions against. */
export interface SampleRequest {
  host: string;
  path: string;
  /** Header values by lower-case name. */
  headers?: Record<string, string[]>;
  cookie?: string;
  ip?: string;
  response?: { contentType: string; headers?: Record<string, string[]> };
}

export class UnsupportedExpression extends Error {}

type Value = string | number | boolean | string[] | { set: string[] };

type Token = { kind: "string" | "number" | "word" | "raw" | "punct"; text: string };

const PUNCT = ["==", "!=", ">=", "<=", "&&", "||", "(", ")", "{", "}", "[", "]", ",", ">", "<", "!"];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let text = "";
      i++;
      while (i < source.length && source[i] !== '"') {
        if (source[i] === "\\") i++;
        text += source[i++];
      }
      if (i >= source.length) throw new UnsupportedExpression("unterminated string");
      i++;
      tokens.push({ kind: "string", text });
    } else if (/[0-9a-fA-F:]/.test(c) && /^[0-9a-fA-F:.]*[.:][0-9a-fA-F:./]*/.test(source.slice(i)) && !/^[a-z_]+\./.test(source.slice(i))) {
      // A bare IP address or CIDR range, as in `ip.src in {198.51.100.0/24}`.
      const text = /^[0-9a-fA-F:./]+/.exec(source.slice(i))![0];
      tokens.push({ kind: "raw", text });
      i += text.length;
    } else if (/[0-9]/.test(c)) {
      const text = /^[0-9]+/.exec(source.slice(i))![0];
      tokens.push({ kind: "number", text });
      i += text.length;
    } else if (/[a-z_]/i.test(c)) {
      const text = /^[a-z_][a-z0-9_.]*/i.exec(source.slice(i))![0];
      tokens.push({ kind: "word", text });
      i += text.length;
    } else {
      const punct = PUNCT.find((p) => source.startsWith(p, i));
      if (!punct) throw new UnsupportedExpression(`unexpected character ${c}`);
      tokens.push({ kind: "punct", text: punct });
      i += punct.length;
    }
  }
  return tokens;
}

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  starts_with: ([a, b]) => String(a).startsWith(String(b)),
  ends_with: ([a, b]) => String(a).endsWith(String(b)),
  len: ([a]) => (Array.isArray(a) ? a.length : String(a).length),
  lower: ([a]) => String(a).toLowerCase(),
};

function field(name: string, request: SampleRequest, index?: string): Value {
  const headers = (source: Record<string, string[]> | undefined) => source?.[String(index).toLowerCase()] ?? [];
  switch (name) {
    case "http.host":
      return request.host;
    case "http.request.uri.path":
      return request.path;
    case "http.request.uri.path.extension": {
      const last = request.path.split("/").pop() ?? "";
      return last.includes(".") ? last.split(".").pop()!.toLowerCase() : "";
    }
    case "http.request.headers":
      return headers(request.headers);
    case "http.cookie":
      return request.cookie ?? "";
    case "ip.src":
      return request.ip ?? "192.0.2.1";
    case "ssl":
      return true;
    case "http.response.content_type.media_type":
      return request.response?.contentType ?? "";
    case "http.response.headers":
      return headers(request.response?.headers);
    default:
      throw new UnsupportedExpression(`field ${name}`);
  }
}

function inSet(value: Value, set: string[]): boolean {
  const text = String(value);
  if (isIPv4(text) || isIPv6(text)) {
    const list = new BlockList();
    for (const entry of set) {
      const [address, bits] = entry.split("/");
      const type = isIPv6(address) ? "ipv6" : "ipv4";
      if (bits === undefined) list.addAddress(address, type);
      else list.addSubnet(address, Number(bits), type);
    }
    return list.check(text, isIPv6(text) ? "ipv6" : "ipv4");
  }
  return set.includes(text);
}

function compare(op: string, left: Value, right: Value): boolean {
  switch (op) {
    case "eq":
    case "==":
      return String(left) === String(right);
    case "ne":
    case "!=":
      return String(left) !== String(right);
    case "contains":
      return String(left).includes(String(right));
    case "in":
      if (typeof right !== "object" || !("set" in right)) throw new UnsupportedExpression("in needs a set");
      return inSet(left, right.set);
    case ">":
    case "gt":
      return Number(left) > Number(right);
    case ">=":
    case "ge":
      return Number(left) >= Number(right);
    case "<":
    case "lt":
      return Number(left) < Number(right);
    case "<=":
    case "le":
      return Number(left) <= Number(right);
    default:
      throw new UnsupportedExpression(`operator ${op}`);
  }
}

const COMPARISONS = new Set(["eq", "ne", "==", "!=", "contains", "in", ">", ">=", "<", "<=", "gt", "ge", "lt", "le"]);

type Condition = (request: SampleRequest) => boolean;
type Operand = (request: SampleRequest) => Value;

/** Parses an expression once into a function of the request. Throws UnsupportedExpression outside the subset. */
export function compile(expression: string): Condition {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];
  const expect = (text: string) => {
    if (next()?.text !== text) throw new UnsupportedExpression(`expected ${text}`);
  };

  const orExpr = (): Condition => {
    const terms = [andExpr()];
    while (peek()?.text === "or" || peek()?.text === "||") {
      next();
      terms.push(andExpr());
    }
    return terms.length === 1 ? terms[0] : (request) => terms.some((term) => term(request));
  };
  const andExpr = (): Condition => {
    const terms = [unary()];
    while (peek()?.text === "and" || peek()?.text === "&&") {
      next();
      terms.push(unary());
    }
    return terms.length === 1 ? terms[0] : (request) => terms.every((term) => term(request));
  };
  const unary = (): Condition => {
    if (peek()?.text === "not" || peek()?.text === "!") {
      next();
      const inner = unary();
      return (request) => !inner(request);
    }
    if (peek()?.text === "(") {
      next();
      const inner = orExpr();
      expect(")");
      return inner;
    }
    const left = operand();
    if (peek() && COMPARISONS.has(peek().text)) {
      const op = next().text;
      const right = operand();
      return (request) => compare(op, left(request), right(request));
    }
    return (request) => left(request) === true;
  };
  const operand = (): Operand => {
    const token = next();
    if (!token) throw new UnsupportedExpression("unexpected end");
    if (token.kind === "string") return () => token.text;
    if (token.kind === "number") return () => Number(token.text);
    if (token.text === "{") {
      const set: string[] = [];
      while (peek() && peek().text !== "}") set.push(next().text);
      expect("}");
      return () => ({ set });
    }
    if (token.kind !== "word") throw new UnsupportedExpression(`unexpected ${token.text}`);
    if (token.text === "true" || token.text === "false") return () => token.text === "true";
    if (peek()?.text === "(") {
      const fn = FUNCTIONS[token.text];
      if (!fn) throw new UnsupportedExpression(`function ${token.text}`);
      next();
      const args: Operand[] = [];
      while (peek() && peek().text !== ")") {
        args.push(operand());
        if (peek()?.text === ",") next();
      }
      expect(")");
      return (request) => fn(args.map((arg) => arg(request)));
    }
    if (peek()?.text === "[") {
      next();
      const index = next();
      expect("]");
      return (request) => field(token.text, request, index?.text);
    }
    // Resolve the field name now, so an unknown one is refused when compiling, not per request.
    field(token.text, { host: "", path: "" });
    return (request) => field(token.text, request);
  };

  const condition = orExpr();
  if (position !== tokens.length) throw new UnsupportedExpression(`unexpected ${tokens[position].text}`);
  return condition;
}

const compiled = new Map<string, Condition | UnsupportedExpression>();

/** Whether the expression matches the sample request; each expression is compiled once. */
export function matches(expression: string, request: SampleRequest): boolean {
  let condition = compiled.get(expression);
  if (!condition) {
    try {
      condition = compile(expression);
    } catch (error) {
      if (!(error instanceof UnsupportedExpression)) throw error;
      condition = error;
    }
    compiled.set(expression, condition);
  }
  if (condition instanceof UnsupportedExpression) throw condition;
  return condition(request);
}
