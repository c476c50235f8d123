import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/** Okta's published OpenAPI specs, vendored unmodified in `test/okta-openapi/` (see SOURCE.md there). */
export const OKTA_SPECS_DIR = fileURLToPath(new URL('../okta-openapi/', import.meta.url));
export const MANAGEMENT_SPEC = join(OKTA_SPECS_DIR, 'management-minimal.yaml');
export const OAUTH_SPEC = join(OKTA_SPECS_DIR, 'oauth-minimal.yaml');

type Json = Record<string, unknown>;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** One operation of the spec. */
export type SpecOperation = {
  operationId: string;
  method: string;
  path: string;
  /** OAuth 2.0 scopes from `security: - oauth2: [...]` (empty when the operation has none). */
  oauthScopes: string[];
  responses: Json;
};

/** The outcome of a validation: `errors` reads like "/0/status must be equal to one of the allowed values". */
export type ValidationResult = { valid: boolean; errors: string[]; schema: string };

/** What to validate: the operation (by id, or by method and concrete path) and the response. */
export type ResponseToCheck = {
  operationId?: string;
  method?: string;
  path?: string;
  status: number;
  /** The parsed JSON body; undefined for an empty body. */
  body: unknown;
};

/** Validates responses against one OpenAPI 3.0 spec. */
export type OpenApiValidator = {
  readonly spec: Json;
  operations(): SpecOperation[];
  operation(ref: { operationId?: string; method?: string; path?: string }): SpecOperation;
  validateResponse(response: ResponseToCheck): ValidationResult;
  /** Throws with every schema error when the response does not conform. */
  assertResponse(response: ResponseToCheck): void;
  /** Validates any value against `#/components/schemas/{name}`. */
  validateSchema(name: string, value: unknown): ValidationResult;
};

const cache = new Map<string, OpenApiValidator>();
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Rewrites local `#/...` references so a schema taken out of the document still resolves them in it. */
function anchorRefs(value: unknown, docId: string): unknown {
  if (Array.isArray(value)) return value.map((v) => anchorRefs(v, docId));
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${docId}${v}` : anchorRefs(v, docId);
    }
    return out;
  }
  return value;
}

function pathMatches(template: string, concrete: string): boolean {
  const t = template.split('/');
  const c = concrete.split('?')[0]!.split('/');
  return (
    t.length === c.length &&
    t.every((s, i) => (s.startsWith('{') && s.endsWith('}') ? c[i] !== '' : s === c[i]))
  );
}

/**
 * Loads a spec (cached per file) and returns a validator for its responses: `$ref`s resolve within the
 * document, OpenAPI 3.0 `nullable` is honoured, and an error status the operation does not declare is
 * checked against the spec's error schema (`Error`, or `OAuthError` for an OAuth `error` body).
 *
 * @example
 * const api = openApiValidator(MANAGEMENT_SPEC);
 * api.assertResponse({ operationId: 'getUser', status: 200, body });
 */
export function openApiValidator(file: string): OpenApiValidator {
  const cached = cache.get(file);
  if (cached) return cached;
  const spec = parse(readFileSync(file, 'utf8')) as Json;
  const docId = `https://openapi.invalid/${cache.size}.json`;
  // strict: false ignores OpenAPI-only keywords (example, discriminator, x-*) and unknown formats.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  // Only the components: example values elsewhere are not schemas and would confuse Ajv's id scan.
  ajv.addSchema({ components: { schemas: (spec.components as Json | undefined)?.schemas ?? {} } }, docId);
  const compiled = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: unknown): ValidateFunction => {
    let fn = compiled.get(key);
    if (!fn) {
      fn = ajv.compile(anchorRefs(schema, docId) as Json);
      compiled.set(key, fn);
    }
    return fn;
  };
  const deref = (value: unknown): Json => {
    let v = value as Json;
    for (let i = 0; i < 10 && typeof v?.$ref === 'string'; i++) {
      const pointer = (v.$ref as string).replace(/^#\//, '').split('/');
      v = pointer.reduce<unknown>(
        (node, part) => (node as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')],
        spec,
      ) as Json;
    }
    return v;
  };

  const operations = (): SpecOperation[] => {
    const out: SpecOperation[] = [];
    for (const [path, item] of Object.entries((spec.paths ?? {}) as Record<string, Json>)) {
      for (const method of HTTP_METHODS) {
        const op = item[method] as Json | undefined;
        if (!op?.operationId) continue;
        const security = (op.security ?? spec.security ?? []) as Record<string, string[]>[];
        out.push({
          operationId: op.operationId as string,
          method: method.toUpperCase(),
          path,
          oauthScopes: security.flatMap((s) => s.oauth2 ?? []),
          responses: (op.responses ?? {}) as Json,
        });
      }
    }
    return out;
  };
  let all: SpecOperation[] | undefined;
  const operation = (ref: { operationId?: string; method?: string; path?: string }): SpecOperation => {
    all ??= operations();
    const found = ref.operationId
      ? all.find((o) => o.operationId === ref.operationId)
      : // Literal paths win over templated ones (`/users/{id}` must not swallow a literal sibling).
        all
          .filter(
            (o) =>
              o.method === ref.method?.toUpperCase() &&
              ref.path !== undefined &&
              pathMatches(o.path, ref.path),
          )
          .sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0))[0];
    if (!found) throw new Error(`No operation in the spec for ${JSON.stringify(ref)}`);
    return found;
  };

  const result = (fn: ValidateFunction, value: unknown, schema: string): ValidationResult => {
    const valid = fn(value) as boolean;
    return {
      valid,
      schema,
      errors: valid
        ? []
        : (fn.errors ?? []).map(
            (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`,
          ),
    };
  };
  const errorSchemaFor = (body: unknown): string | undefined => {
    const schemas = ((spec.components as Json | undefined)?.schemas ?? {}) as Json;
    if (body && typeof body === 'object' && 'error' in body && schemas.OAuthError) return 'OAuthError';
    return schemas.Error ? 'Error' : undefined;
  };
  const validateSchema = (name: string, value: unknown): ValidationResult =>
    result(compile(`schema:${name}`, { $ref: `#/components/schemas/${name}` }), value, name);

  const validateResponse = (response: ResponseToCheck): ValidationResult => {
    const op = operation(response);
    const declared =
      op.responses[String(response.status)] ??
      op.responses[`${String(response.status)[0]}XX`] ??
      op.responses.default;
    if (!declared) {
      const errorSchema = response.status >= 400 ? errorSchemaFor(response.body) : undefined;
      if (!errorSchema) {
        return {
          valid: false,
          schema: '(none)',
          errors: [`${op.operationId} does not declare status ${response.status}`],
        };
      }
      return validateSchema(errorSchema, response.body);
    }
    const content = deref(declared).content as Record<string, Json> | undefined;
    const media = content && Object.entries(content).find(([type]) => /json/.test(type));
    if (!media?.[1]?.schema) {
      const empty =
        response.body === undefined ||
        (typeof response.body === 'object' &&
          response.body !== null &&
          Object.keys(response.body).length === 0);
      return empty
        ? { valid: true, schema: '(no content)', errors: [] }
        : {
            valid: false,
            schema: '(no content)',
            errors: [`${op.operationId} ${response.status} declares no body`],
          };
    }
    const key = `${op.operationId}:${response.status}`;
    return result(compile(key, media[1].schema), response.body, key);
  };

  const validator: OpenApiValidator = {
    spec,
    operations,
    operation,
    validateResponse,
    validateSchema,
    assertResponse(response) {
      const r = validateResponse(response);
      if (!r.valid) throw new Error(`Response does not match ${r.schema}:\n  ${r.errors.join('\n  ')}`);
    },
  };
  cache.set(file, validator);
  return validator;
}
