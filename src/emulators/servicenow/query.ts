/**
 * Encoded queries (`sysparm_query`): `=`, `!=`, `IN`, `NOT IN`, `<`, `<=`, `>`, `>=`, `LIKE`,
 * `NOT LIKE`, `STARTSWITH`, `ENDSWITH`, `ISEMPTY`, `ISNOTEMPTY`, `^` (AND), `^OR`, `^NQ`,
 * `ORDERBY`/`ORDERBYDESC`, one level of dot-walking. A condition on an unknown field
 * matches nothing (the safe setting of `glide.invalid_query.returns_no_rows`).
 */
import { fieldDef } from './schema';
import type { Row } from './rest';
import type { ServiceNowState } from './state';

const OPERATORS = ['ISNOTEMPTY', 'ISEMPTY', 'NOT LIKE', 'NOT IN', 'STARTSWITH', 'ENDSWITH', 'LIKE', 'IN', '!=', '<=', '>=', '=', '<', '>'] as const;
type Operator = (typeof OPERATORS)[number];

export interface Condition {
  field: string;
  op: Operator | 'INVALID';
  value: string;
  /** Joined to the previous condition with OR. */
  or: boolean;
}

export interface ParsedQuery {
  /** OR of groups (^NQ); each group an AND of OR-chains. */
  groups: Condition[][][];
  order: Array<{ field: string; desc: boolean }>;
}

export class QueryEngine {
  constructor(private readonly state: ServiceNowState) {}

  parseQuery(tableName: string, query: string): ParsedQuery {
    const groups: Condition[][][] = [[]];
    const order: ParsedQuery['order'] = [];
    for (let token of query.split('^')) {
      if (token === '' || token === 'EQ') continue;
      if (token.startsWith('ORDERBYDESC')) {
        order.push({ field: token.slice(11), desc: true });
        continue;
      }
      if (token.startsWith('ORDERBY')) {
        order.push({ field: token.slice(7), desc: false });
        continue;
      }
      let or = false;
      if (token.startsWith('NQ')) {
        groups.push([]);
        token = token.slice(2);
      } else if (token.startsWith('OR')) {
        or = true;
        token = token.slice(2);
      }
      const cond = { ...this.parseCondition(tableName, token), or };
      const group = groups[groups.length - 1]!;
      const lastChain = group[group.length - 1];
      if (or && lastChain) lastChain.push(cond);
      else group.push([cond]);
    }
    return { groups: groups.filter((g) => g.length > 0), order };
  }

  private parseCondition(tableName: string, token: string): Omit<Condition, 'or'> {
    for (let i = token.length; i > 0; i--) {
      const field = token.slice(0, i);
      if (!/^[a-z0-9_.]+$/i.test(field) || !fieldDef(tableName, field)) continue;
      const rest = token.slice(i);
      const op = OPERATORS.find((o) => rest.startsWith(o));
      if (op) return { field, op, value: rest.slice(op.length) };
    }
    return { field: token, op: 'INVALID', value: '' };
  }

  matches(tableName: string, row: Row, q: ParsedQuery): boolean {
    if (q.groups.length === 0) return true;
    return q.groups.some((group) => group.every((chain) => chain.some((c) => this.test(tableName, row, c))));
  }

  private test(tableName: string, row: Row, c: Condition): boolean {
    if (c.op === 'INVALID') return false;
    const f = fieldDef(tableName, c.field)!;
    const actual = this.state.rawValue(tableName, row, c.field);
    const norm = (v: string): string => (f.type === 'boolean' ? (v === 'true' || v === '1' ? 'true' : 'false') : v.toLowerCase());
    const numeric = f.numeric || f.type === 'integer';
    const cmp = (a: string, b: string): number => {
      if (numeric && a !== '' && b !== '' && !Number.isNaN(Number(a)) && !Number.isNaN(Number(b))) return Number(a) - Number(b);
      return a < b ? -1 : a > b ? 1 : 0;
    };
    const list = (): string[] => c.value.split(',').map((v) => norm(v.trim()));
    switch (c.op) {
      case '=':
        return norm(actual) === norm(c.value);
      case '!=':
        return norm(actual) !== norm(c.value);
      case 'IN':
        return list().includes(norm(actual));
      case 'NOT IN':
        return !list().includes(norm(actual));
      case '<':
        return actual !== '' && cmp(actual, c.value) < 0;
      case '<=':
        return actual !== '' && cmp(actual, c.value) <= 0;
      case '>':
        return actual !== '' && cmp(actual, c.value) > 0;
      case '>=':
        return actual !== '' && cmp(actual, c.value) >= 0;
      case 'LIKE':
        return actual.toLowerCase().includes(c.value.toLowerCase());
      case 'NOT LIKE':
        return !actual.toLowerCase().includes(c.value.toLowerCase());
      case 'STARTSWITH':
        return actual.toLowerCase().startsWith(c.value.toLowerCase());
      case 'ENDSWITH':
        return actual.toLowerCase().endsWith(c.value.toLowerCase());
      case 'ISEMPTY':
        return actual === '';
      case 'ISNOTEMPTY':
        return actual !== '';
      default:
        return false;
    }
  }

  sort(tableName: string, rows: Row[], order: ParsedQuery['order']): Row[] {
    if (order.length === 0) return rows;
    return [...rows].sort((a, b) => {
      for (const o of order) {
        const f = fieldDef(tableName, o.field);
        if (!f) continue;
        const x = this.state.rawValue(tableName, a, o.field);
        const y = this.state.rawValue(tableName, b, o.field);
        const numeric = (f.numeric || f.type === 'integer') && x !== '' && y !== '';
        const d = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
        if (d !== 0) return o.desc ? -d : d;
      }
      return 0;
    });
  }
}
