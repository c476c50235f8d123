import { invalidSearch } from '../okta-errors.js';

/**
 * Okta's `filter` and `search` expression language (SCIM-like): `attr op "value"`, `attr pr`,
 * `and`, `or` and parentheses. Values are strings, numbers, booleans or null.
 */
export type Operator = 'eq' | 'ne' | 'sw' | 'co' | 'ew' | 'pr' | 'gt' | 'ge' | 'lt' | 'le';
/** Every operator, for attributes that allow them all. */
export const ALL_OPERATORS: readonly Operator[] = [
  'eq',
  'ne',
  'sw',
  'co',
  'ew',
  'pr',
  'gt',
  'ge',
  'lt',
  'le',
];
const OPERATORS = new Set<Operator>(ALL_OPERATORS);

export type Expression =
  | { kind: 'compare'; attribute: string; op: Operator; value: string | number | boolean | null }
  | { kind: 'and' | 'or'; left: Expression; right: Expression };

/** What an expression may use: `filter` allows fewer attributes and operators than `search`. */
export type ExpressionRules = {
  /** Allowed operators per attribute; a `*` suffix matches a prefix such as `profile.*`. */
  attributes: Record<string, readonly Operator[]>;
};

type Token = { type: 'word' | 'string' | 'lparen' | 'rparen'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen', text: c });
      i++;
    } else if (c === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        text += input[i];
        i++;
      }
      if (i >= input.length) throw invalidSearch('Unterminated string literal');
      i++;
      tokens.push({ type: 'string', text });
    } else {
      let text = '';
      while (i < input.length && !/[\s()"]/.test(input[i]!)) text += input[i++];
      tokens.push({ type: 'word', text });
    }
  }
  return tokens;
}

/**
 * Parses an expression and checks it against `rules`; throws 400 E0000031 when it is invalid.
 *
 * @example parseExpression('status eq "ACTIVE" and profile.department sw "Eng"', userSearchRules)
 */
export function parseExpression(input: string, rules: ExpressionRules): Expression {
  const tokens = tokenize(input);
  let pos = 0;
  const peekWord = () => (tokens[pos]?.type === 'word' ? tokens[pos]!.text.toLowerCase() : undefined);

  const allowedOps = (attribute: string): readonly Operator[] | undefined => {
    if (rules.attributes[attribute]) return rules.attributes[attribute];
    for (const [pattern, ops] of Object.entries(rules.attributes)) {
      if (
        pattern.endsWith('*') &&
        attribute.startsWith(pattern.slice(0, -1)) &&
        attribute.length >= pattern.length
      )
        return ops;
    }
    return undefined;
  };

  const primary = (): Expression => {
    const token = tokens[pos];
    if (!token) throw invalidSearch('Unexpected end of expression');
    if (token.type === 'lparen') {
      pos++;
      const inner = disjunction();
      if (tokens[pos]?.type !== 'rparen') throw invalidSearch('Missing closing parenthesis');
      pos++;
      return inner;
    }
    if (token.type !== 'word') throw invalidSearch(`Expected an attribute name, found "${token.text}"`);
    const attribute = token.text;
    pos++;
    const opToken = tokens[pos];
    const op = opToken?.type === 'word' ? (opToken.text.toLowerCase() as Operator) : undefined;
    if (!op || !OPERATORS.has(op)) throw invalidSearch(`Expected an operator after "${attribute}"`);
    pos++;
    const ops = allowedOps(attribute);
    if (!ops) throw invalidSearch(`Unsupported attribute "${attribute}"`);
    if (!ops.includes(op)) throw invalidSearch(`Operator "${op}" is not supported on "${attribute}"`);
    if (op === 'pr') return { kind: 'compare', attribute, op, value: null };
    const valueToken = tokens[pos];
    if (!valueToken || valueToken.type === 'lparen' || valueToken.type === 'rparen') {
      throw invalidSearch(`Expected a value after "${attribute} ${op}"`);
    }
    pos++;
    if (valueToken.type === 'string') return { kind: 'compare', attribute, op, value: valueToken.text };
    const word = valueToken.text;
    if (word === 'true' || word === 'false')
      return { kind: 'compare', attribute, op, value: word === 'true' };
    if (word === 'null') return { kind: 'compare', attribute, op, value: null };
    if (/^-?\d+(\.\d+)?$/.test(word)) return { kind: 'compare', attribute, op, value: Number(word) };
    throw invalidSearch(`String values must be quoted: ${word}`);
  };
  const conjunction = (): Expression => {
    let left = primary();
    while (peekWord() === 'and') {
      pos++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const disjunction = (): Expression => {
    let left = conjunction();
    while (peekWord() === 'or') {
      pos++;
      left = { kind: 'or', left, right: conjunction() };
    }
    return left;
  };

  if (tokens.length === 0) throw invalidSearch('The expression is empty');
  const expression = disjunction();
  if (pos !== tokens.length) throw invalidSearch(`Unexpected "${tokens[pos]!.text}"`);
  return expression;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function compare(actual: unknown, op: Operator, expected: string | number | boolean | null): boolean {
  if (op === 'pr') return actual !== undefined && actual !== null && actual !== '';
  if (Array.isArray(actual)) return actual.some((a) => compare(a, op, expected));
  if (actual === undefined || actual === null)
    return op === 'ne' ? expected !== null : expected === null && op === 'eq';
  if (typeof expected === 'string' && typeof actual === 'string') {
    // Timestamps compare as instants; other strings case-insensitively, as Okta does.
    if (ISO_DATE.test(expected) && ISO_DATE.test(actual) && !['sw', 'co', 'ew'].includes(op)) {
      return ordered(Date.parse(actual), op, Date.parse(expected));
    }
    const a = actual.toLowerCase();
    const e = expected.toLowerCase();
    if (op === 'sw') return a.startsWith(e);
    if (op === 'co') return a.includes(e);
    if (op === 'ew') return a.endsWith(e);
    return ordered(a, op, e);
  }
  if (
    typeof expected === 'number' &&
    typeof actual === 'string' &&
    actual.trim() !== '' &&
    !Number.isNaN(Number(actual))
  ) {
    return ordered(Number(actual), op, expected);
  }
  if (typeof actual !== typeof expected) return op === 'ne';
  if (op === 'sw' || op === 'co' || op === 'ew') return false;
  return ordered(actual as number | boolean, op, expected as number | boolean);
}

function ordered<T extends string | number | boolean>(a: T, op: Operator, e: T): boolean {
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
    default:
      return false;
  }
}

/** Evaluates `expression` against an object, reading dotted attributes such as `profile.login`. */
export function evaluate(expression: Expression, resource: Record<string, unknown>): boolean {
  if (expression.kind !== 'compare') {
    return expression.kind === 'and'
      ? evaluate(expression.left, resource) && evaluate(expression.right, resource)
      : evaluate(expression.left, resource) || evaluate(expression.right, resource);
  }
  const { attribute, op, value: expected } = expression;
  let value: unknown = resource;
  for (const part of attribute.split('.')) {
    value =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return compare(value, op, expected);
}

/**
 * The predicate of a list request's `search` expression, else of its `filter` expression (each checked
 * against its rules), read on `view(item)`; undefined when the request has neither.
 */
export function expressionMatcher<T>(
  params: URLSearchParams,
  rules: { search: ExpressionRules; filter: ExpressionRules },
  view: (item: T) => Record<string, unknown>,
): ((item: T) => boolean) | undefined {
  const search = params.get('search');
  const filter = params.get('filter');
  let expression: Expression;
  if (search !== null) expression = parseExpression(search, rules.search);
  else if (filter !== null) expression = parseExpression(filter, rules.filter);
  else return undefined;
  return (item) => evaluate(expression, view(item));
}
