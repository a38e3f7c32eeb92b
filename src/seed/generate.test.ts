import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseIdentifier } from '../modules/organisations/identifiers.ts';
import { legalForms } from '../modules/organisations/legal-forms.ts';
import { loadPlace } from '../modules/place/config.ts';
import { loadPlaceHints } from './demo.ts';
import { generateDemoData, type SeedScale } from './generate.ts';
import { Random } from './random.ts';

const place = loadPlace('croydon');
const generate = (scale: SeedScale, seed?: number) =>
  generateDemoData({
    scale,
    wards: place.wardCodes,
    borough: 'Croydon',
    hints: loadPlaceHints('croydon'),
    passwordHash: 'hash',
    ...(seed === undefined ? {} : { seed }),
  });
const demo = generate('demo');
const borough = generate('borough');

describe('the demo data generator', () => {
  it('gives the same rows every time, and other rows for another seed', () => {
    expect(generate('demo')).toEqual(demo);
    expect(generate('demo', 7).organisations.map((o) => o.name)).not.toEqual(demo.organisations.map((o) => o.name));
  });

  it('makes the borough scale about 2,000 organisations and 3,000 people with unique names, slugs and emails', () => {
    expect(borough.organisations.length).toBe(2000);
    expect(borough.users.length).toBe(3000);
    expect(borough.memberships.length).toBeGreaterThan(1500);
    for (const data of [demo, borough]) {
      expect(new Set(data.organisations.map((o) => o.slug)).size).toBe(data.organisations.length);
      expect(new Set(data.organisations.map((o) => o.name.toLowerCase())).size).toBe(data.organisations.length);
      expect(new Set(data.users.map((u) => u.email)).size).toBe(data.users.length);
      expect(new Set(data.memberships.map((m) => `${m.user_id} ${m.organisation_id}`)).size).toBe(
        data.memberships.length,
      );
    }
  });

  it('uses identifiers that are valid in form, unique, and legal forms the directory knows', () => {
    const codes = new Set<string>(legalForms.map((f) => f.code));
    for (const data of [demo, borough]) {
      const ids = data.identifiers.map((i) => i.identifier);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) {
        const parsed = parseIdentifier(id);
        expect(parsed.ok, id).toBe(true);
        if (parsed.ok) expect(parsed.identifier).toBe(id);
      }
      for (const o of data.organisations) expect(codes.has(o.legal_form!), o.legal_form!).toBe(true);
    }
  });

  it('only verifies organisations by officers and only decides requests it has decided', () => {
    const officers = new Set(demo.users.filter((u) => u.role === 'officer').map((u) => u.id));
    for (const o of demo.organisations) if (o.verified_by) expect(officers.has(o.verified_by)).toBe(true);
    for (const m of demo.memberships) {
      if (m.status === 'pending') expect(m.decided_at).toBeNull();
      else expect(m.decided_at).toBeInstanceOf(Date);
    }
  });

  const registers = join(import.meta.dirname, '../../../shared/standards/registers');
  it.skipIf(!existsSync(registers))(
    'names no organisation after a real one in the registers (skipped without ../shared/standards)',
    () => {
      const norm = (s: string) =>
        s
          .toLowerCase()
          .replace(/\b(the|ltd|limited|cic|cio|club|association)\b/g, '')
          .replace(/[^a-z0-9]+/g, ' ')
          .trim();
      const files = [
        'casc_company_house.csv',
        'cascs_hmrc_community_amateur_sports_clubs.csv',
        'drkane_charity-company-numbers.csv',
        'drkane_charity-names.csv',
        'drkane_dual-registered-uk-charities.csv',
        'drkane_mutual-companies.csv',
      ];
      const text =
        files.map((f) => readFileSync(join(registers, f), 'latin1')).join('\n') +
        gunzipSync(readFileSync(join(registers, 'ccni_register_of_charities_2020-06-30.csv.gz'))).toString('latin1');
      const real = new Set<string>();
      for (const line of text.split('\n')) for (const cell of line.split(',')) real.add(norm(cell.replace(/"/g, '')));
      const realIds = new Set(text.match(/GB-[A-Z]+-[A-Za-z0-9]+/g) ?? []);
      for (const data of [demo, borough]) {
        expect(data.organisations.filter((o) => real.has(norm(o.name))).map((o) => o.name)).toEqual([]);
        expect(data.identifiers.filter((i) => realIds.has(i.identifier))).toEqual([]);
      }
    },
  );
});

describe('the seeded random numbers', () => {
  it('repeat for a seed and stay in range', () => {
    const a = new Random(42);
    const b = new Random(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(new Random(42).int(3, 3)).toBe(3);
    expect(new Random(1).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
