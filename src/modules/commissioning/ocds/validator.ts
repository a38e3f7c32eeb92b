// For tests: validating what we publish against the OCDS 1.1.5 schemas with the lots extension.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

// The OCDS schemas live beside the project, never inside it.
const schemaDir = join(process.cwd(), '../shared/standards/ocds');
/** Whether the schemas are there to validate against; tests skip validation, saying why, when they are not. */
export const haveOcdsSchemas = existsSync(join(schemaDir, 'release-package-schema.json'));

/**
 * The part of the lots extension's release-schema.json that this publication uses, applied to the core release
 * schema by JSON Merge Patch as OCDS applies extensions.
 */
export const lotsExtensionPatch = {
  definitions: {
    Tender: {
      properties: { lots: { title: 'Lots', type: 'array', items: { $ref: '#/definitions/Lot' } } },
    },
    Award: {
      properties: { relatedLots: { type: ['array', 'null'], items: { type: 'string' } } },
    },
    Document: {
      properties: { relatedLots: { type: ['array', 'null'], items: { type: 'string' } } },
    },
    Lot: {
      title: 'Lots',
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'string' },
        title: { type: ['string', 'null'] },
        description: { type: ['string', 'null'] },
        status: {
          type: ['string', 'null'],
          enum: ['planning', 'planned', 'active', 'cancelled', 'unsuccessful', 'complete', 'withdrawn', null],
        },
        value: { $ref: '#/definitions/Value' },
        contractPeriod: { $ref: '#/definitions/Period' },
      },
    },
  },
};

/** RFC 7386 JSON Merge Patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** A validator for an OCDS 1.1.5 release package with the lots extension. Draft-04 ids become $ids for Ajv. */
export function ocdsValidator() {
  const read = (name: string) => JSON.parse(readFileSync(join(schemaDir, name), 'utf8'));
  const asAjv = (schema: Record<string, unknown>) => {
    const { id, $schema: _draft, ...rest } = schema;
    return { $id: id as string, ...rest };
  };
  const release = asAjv(mergePatch(read('release-schema.json'), lotsExtensionPatch) as Record<string, unknown>);
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema(release);
  return ajv.compile(asAjv(read('release-package-schema.json')));
}
