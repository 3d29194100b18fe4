/**
 * GitHub's OpenAPI descriptions as ajv validators, for the emulator contract tests: the REST
 * description (`@octokit/openapi`, OpenAPI 3.0) and the webhooks description
 * (`@octokit/openapi-webhooks`, OpenAPI 3.1).
 *
 * `SchemaSet` converts a document's components to JSON Schema (OpenAPI 3.0 `nullable` → type
 * unions; refs into the set's id), drops `required` properties listed as known gaps, and, when
 * `closed`, also reports undocumented properties: every object schema that declares its
 * properties (and allows no others by pattern or `additionalProperties`) gets
 * `unevaluatedProperties: false`, which sees through `$ref`, `anyOf` and `oneOf`; schemas that are
 * `allOf` members are left open (their siblings declare the rest).
 */
import { readFileSync } from 'node:fs';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export type Json = Record<string, unknown>;

export interface OpenApiDocument {
  info: { version: string };
  paths?: Record<string, Record<string, { requestBody?: Json; responses: Record<string, Json> }>>;
  webhooks?: Record<string, { post: { requestBody: Json } }>;
  components: { schemas: Record<string, unknown>; responses?: Record<string, Json>; requestBodies?: Record<string, Json> };
}

export function loadDocument(path: string): OpenApiDocument {
  return JSON.parse(readFileSync(require.resolve(path), 'utf8')) as OpenApiDocument;
}

/** `component.prop.prop` of an object node of a converted component (for messages and tolerances). */
const nodeNames = new WeakMap<object, string>();

interface Conversion {
  id: string;
  closed: boolean;
  /** Components used as `allOf` members (left open even when closed). */
  allOfMembers: Set<string>;
}

const META = new Set(['example', 'examples', 'discriminator', 'xml', 'externalDocs']);

/** OpenAPI schema → JSON Schema. `name` labels object nodes (`simple-user`, `rate-limit-overview.resources`). */
function toJsonSchema(node: unknown, c: Conversion, name?: string, open = false): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, c));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (META.has(k) || k.startsWith('x-')) continue;
    if (k === '$ref' && typeof v === 'string') {
      out.$ref = v.startsWith('#/') ? `${c.id}${v}` : v;
      continue;
    }
    if (k === 'properties' && v && typeof v === 'object') {
      // `properties` maps names to schemas: keep the names (even "example"), convert the values
      out[k] = Object.fromEntries(Object.entries(v as Json).map(([n, sub]) => [n, toJsonSchema(sub, c, name ? `${name}.${n}` : undefined)]));
    } else if (k === 'allOf' && Array.isArray(v)) {
      out[k] = v.map((member) => toJsonSchema(member, c, undefined, true));
    } else out[k] = toJsonSchema(v, c);
  }
  if (name) nodeNames.set(out, name);
  if (c.closed && !open && out.properties && !('additionalProperties' in out) && !('patternProperties' in out)) out.unevaluatedProperties = false;
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  delete out.nullable;
  return out;
}

function allOfMembers(doc: OpenApiDocument): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === 'allOf' && Array.isArray(v)) {
        for (const m of v)
          if (m && typeof (m as Json).$ref === 'string')
            found.add(
              String((m as Json).$ref)
                .split('/')
                .pop()!,
            );
      }
      walk(v);
    }
  };
  walk(doc.components.schemas);
  return found;
}

export interface SchemaSetOptions {
  /** `$id` of the converted document (refs point into it). */
  id: string;
  /**
   * Known gaps: required properties the emulator leaves out, per schema object (`component`
   * or `component.prop`). They are dropped from `required`; everything else is strict.
   */
  tolerate?: Record<string, string[]>;
  /** Report properties the schema does not declare (see the file comment). */
  closed?: boolean;
  /**
   * Corrections where the description is narrower than what GitHub sends, per schema node
   * (`component.prop.prop`): each changes the converted node in place.
   */
  errata?: Record<string, (node: Json) => void>;
}

/** One OpenAPI document's schemas, compiled with ajv (JSON Schema 2020-12, formats checked). */
export class SchemaSet {
  private readonly ajv: Ajv2020;
  private readonly conversion: Conversion;

  constructor(
    readonly doc: OpenApiDocument,
    opts: SchemaSetOptions,
  ) {
    this.conversion = { id: opts.id, closed: opts.closed ?? false, allOfMembers: opts.closed ? allOfMembers(doc) : new Set() };
    this.ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: true, verbose: true });
    addFormats(this.ajv);
    this.ajv.addFormat('repo.nwo', /^[\w.-]+\/[\w.-]+$/);
    this.ajv.addFormat('timestamp', true);
    const schemas = this.convertComponents(opts.tolerate ?? {});
    for (const [where, correct] of Object.entries(opts.errata ?? {})) correct(nodeAt(schemas, where));
    this.ajv.addSchema({ $id: opts.id, components: { schemas } });
  }

  /** A validator of `schema` (a schema of the document, e.g. a requestBody's, refs included). */
  compile(schema: unknown): ValidateFunction {
    return this.ajv.compile(toJsonSchema(schema, this.conversion) as object);
  }

  private convertComponents(tolerate: Record<string, string[]>): Json {
    const schemas: Json = {};
    for (const [name, schema] of Object.entries(this.doc.components.schemas)) {
      schemas[name] = toJsonSchema(schema, this.conversion, name, this.conversion.allOfMembers.has(name));
    }
    for (const [where, props] of Object.entries(tolerate)) {
      const node = nodeAt(schemas, where);
      if (!Array.isArray(node.required)) throw new Error(`known gaps: ${where} is not an object schema with required properties`);
      const missing = props.filter((prop) => !(node.required as string[]).includes(prop));
      if (missing.length) throw new Error(`known gaps: ${where} does not require ${missing.join(', ')}`);
      node.required = (node.required as string[]).filter((r) => !props.includes(r));
    }
    return schemas;
  }
}

/** The converted schema node at `component.prop.prop`. */
function nodeAt(schemas: Json, where: string): Json {
  const [component, ...path] = where.split('.');
  let node = schemas[component!] as Json | undefined;
  for (const prop of path) node = (node?.properties as Json | undefined)?.[prop] as Json | undefined;
  if (!node) throw new Error(`${where} is not a schema node of the document`);
  return node;
}

/** Readable leaf errors (anyOf/oneOf wrappers repeat their branches' errors). */
export function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return [
    ...new Set(
      (errors ?? [])
        .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf')
        .map((e) => {
          const at = e.instancePath || '(root)';
          if (e.keyword === 'unevaluatedProperties')
            return `${at} has undocumented property '${(e.params as { unevaluatedProperty: string }).unevaluatedProperty}'`;
          if (e.keyword === 'additionalProperties')
            return `${at} has undocumented property '${(e.params as { additionalProperty: string }).additionalProperty}'`;
          const allowed = e.keyword === 'enum' ? ` ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}` : '';
          return `${at} ${e.message ?? e.keyword}${allowed}`;
        }),
    ),
  ].sort();
}

/**
 * `schema-object: property` for every missing required property a strict validation reports.
 * Where one value is checked against alternatives (anyOf/oneOf, e.g. a reviewer is a user or
 * a team), the alternatives it does not take are left out: when an alternative has nothing
 * missing beyond the known gaps, it is the one taken.
 */
export function missingRequired(errors: ErrorObject[] | null | undefined, known: Record<string, string[]>): string[] {
  const byPath = new Map<string, Map<string, Set<string>>>();
  for (const e of errors ?? []) {
    if (e.keyword !== 'required') continue;
    const where = nodeNames.get(e.parentSchema as object) ?? `(inline schema at ${e.instancePath || 'root'})`;
    const at = byPath.get(e.instancePath) ?? new Map<string, Set<string>>();
    byPath.set(e.instancePath, at);
    const props = at.get(where) ?? new Set<string>();
    at.set(where, props);
    props.add((e.params as { missingProperty: string }).missingProperty);
  }
  const out = new Set<string>();
  for (const alternatives of byPath.values()) {
    const taken = [...alternatives].filter(([where, props]) => [...props].every((p) => (known[where] ?? []).includes(p)));
    for (const [where, props] of taken.length ? taken : [...alternatives]) for (const p of props) out.add(`${where}: ${p}`);
  }
  return [...out];
}
