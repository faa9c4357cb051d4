/**
 * Checks a value against a JSON Schema, for the subset the foxglove.* and sightline.* schemas use
 * (type, properties, required, items, minimum, maximum, oneOf/const, contentEncoding base64).
 * Returns what is wrong, path first; empty when the value conforms.
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  oneOf?: Schema[];
  const?: unknown;
  contentEncoding?: string;
};

function typeOf(v: unknown): string[] {
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : ['number'];
  return [typeof v];
}

export function schemaProblems(schema: Schema, value: unknown, path = '$'): string[] {
  const problems: string[] = [];
  if (schema.type) {
    const wanted = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!typeOf(value).some((t) => wanted.includes(t)))
      return [`${path}: ${typeOf(value)[0]} is not ${wanted.join('|')}`];
  }
  if ('const' in schema && value !== schema.const) problems.push(`${path}: not ${String(schema.const)}`);
  if (schema.oneOf && !schema.oneOf.some((s) => schemaProblems(s, value, path).length === 0)) {
    problems.push(`${path}: matches none of oneOf`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${path}: < ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${path}: > ${schema.maximum}`);
  }
  if (typeof value === 'string' && schema.contentEncoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    problems.push(`${path}: not base64`);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) problems.push(`${path}.${key}: missing`);
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (key in obj) problems.push(...schemaProblems(sub, obj[key], `${path}.${key}`));
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => problems.push(...schemaProblems(schema.items!, item, `${path}[${i}]`)));
  }
  return problems;
}
