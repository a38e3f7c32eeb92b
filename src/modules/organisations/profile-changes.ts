import type { Database } from '../../db/index.ts';
import type { Actor } from '../../kernel/actor.ts';
import type { Mutate, MutationEffects, Once } from '../../kernel/mutation.ts';
import { type Done, type Issue, type Refusal, refusal } from '../../kernel/result.ts';
import type { PlaceConfig } from '../place/config.ts';
import { recheckMessage } from './emails.ts';
import { parseIdentifier } from './identifiers.ts';
import type { Memberships } from './memberships.ts';
import * as profiles from './queries/profiles.ts';
import { changedFields, incomePeriodEndFor, unknownCodes, verifies } from './rules.ts';
import type { DirectoryWrites } from './writes.ts';

// People changing the directory: editing a profile, listing a community group, and the infrastructure body's check.

export type ProfileInput = {
  name: string;
  otherNames: string[];
  legalForm: string | null;
  description: string;
  whoItHelps: string;
  latestIncomePence: number | null;
  incomeYear: string | null;
  wards: string[];
  serviceAreas: string[];
  beneficiaryGroups: string[];
  waysOfWorking: string[];
  identifiers: string[];
  website: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  postcode: string | null;
  publishEmail: boolean;
  publishPhone: boolean;
  publishAddress: boolean;
};

export type NewGroupInput = {
  name: string;
  description: string;
  wards: string[];
  serviceAreas: string[];
  beneficiaryGroups: string[];
  website: string | null;
  email: string | null;
  phone: string | null;
  publishEmail: boolean;
  publishPhone: boolean;
};

type Changes = Record<string, { from: unknown; to: unknown }>;
/** What the infrastructure body checks when it verifies an organisation, with the words for each. */
const VERIFIED_BY: [string, string][] = [
  ['name', 'name'],
  ['otherNames', 'other names'],
  ['identifiers', 'identifiers'],
];
const noSuchOrganisation = refusal(404, 'There is no such organisation.');

export function createProfileChanges(deps: {
  mutate: Mutate;
  place: PlaceConfig;
  writes: DirectoryWrites;
  memberships: Memberships;
  /** The full address of an organisation's page, for e-mails. */
  pageUrl: (slug: string) => string;
}) {
  const { mutate, place, writes, memberships, pageUrl } = deps;
  const wardOrder = place.wardCodes.map((w) => w.code);
  const byWardOrder = (a: string, b: string) => wardOrder.indexOf(a) - wardOrder.indexOf(b);

  async function checkIdentifiers(organisationId: string | null, identifiers: string[], trx: Database) {
    const issues: Issue[] = [];
    const canonical: string[] = [];
    for (const raw of identifiers) {
      const parsed = parseIdentifier(raw);
      if (!parsed.ok) issues.push({ field: 'identifiers', message: `${raw}: ${parsed.message}` });
      else canonical.push(parsed.identifier);
    }
    const held = await writes.findByIdentifiers(canonical, trx);
    for (const identifier of canonical) {
      const holder = held.get(identifier);
      if (holder && holder !== organisationId) {
        const other = await profiles.byId(trx, holder);
        issues.push({
          field: 'identifiers',
          message: `${identifier} already belongs to ${other?.name ?? 'another organisation'}. If they are the same organisation, contact ${place.infrastructureBody.name}`,
        });
      }
    }
    return { issues, canonical: [...new Set(canonical)] };
  }

  /** Replaces other names, identifiers, wards and classifications, noting in `changed` what differs. */
  async function replaceParts(
    trx: Database,
    organisationId: string,
    input: ProfileInput,
    canonical: string[],
    changed: Changes,
  ) {
    const parts = await profiles.profileParts(trx, organisationId);
    const otherNames = input.otherNames.filter((n) => n !== input.name);
    const oldNames = parts.names.map((n) => n.name);
    const removedNames = oldNames.filter((n) => !otherNames.includes(n));
    if (removedNames.length) await profiles.deleteNames(trx, organisationId, removedNames);
    await writes.addNames(organisationId, otherNames, 'alternative', trx);
    if (removedNames.length || otherNames.some((n) => !oldNames.includes(n))) {
      changed.otherNames = { from: oldNames, to: otherNames };
    }

    const oldIdentifiers = parts.identifiers.map((i) => i.identifier);
    const droppedIdentifiers = oldIdentifiers.filter((i) => !canonical.includes(i));
    if (droppedIdentifiers.length) await profiles.deleteIdentifiers(trx, droppedIdentifiers);
    await writes.addIdentifiers(organisationId, canonical, trx);
    if (droppedIdentifiers.length || canonical.some((i) => !oldIdentifiers.includes(i))) {
      changed.identifiers = { from: oldIdentifiers, to: canonical };
    }

    const oldWards = parts.wards.map((w) => w.code);
    await writes.setWards(organisationId, input.wards, trx);
    if (oldWards.join() !== [...input.wards].sort(byWardOrder).join()) {
      changed.wards = { from: oldWards, to: input.wards };
    }
    for (const [list, codes, key] of [
      ['service_area', input.serviceAreas, 'serviceAreas'],
      ['beneficiary_group', input.beneficiaryGroups, 'beneficiaryGroups'],
      ['way_of_working', input.waysOfWorking, 'waysOfWorking'],
    ] as const) {
      const old = parts.classifications.filter((c) => c.list === list).map((c) => c.code);
      await writes.setClassifications(organisationId, list, codes, trx);
      if (old.join() !== [...codes].sort().join()) changed[key] = { from: old, to: codes };
    }
  }

  /**
   * Saves a profile. On a verified organisation, a change by its own administrators to what it was verified by (its
   * name, other names or identifiers) takes effect at once but clears the verification, and the infrastructure
   * body is asked to check it again: the public never sees a new name with the old Verified badge.
   */
  async function update(
    actor: Actor,
    organisationId: string,
    input: ProfileInput,
  ): Promise<Done<{ unverified: boolean }> | Refusal> {
    return mutate(async (trx, effects: MutationEffects): Promise<Done<{ unverified: boolean }> | Refusal> => {
      const before = await profiles.byId(trx, organisationId);
      if (!before) return noSuchOrganisation;
      if (!(await memberships.managesOrganisation(actor, organisationId, trx))) {
        return refusal(
          403,
          'Only the organisation’s administrators and the infrastructure body can edit this profile.',
        );
      }
      const { issues, canonical } = await checkIdentifiers(organisationId, input.identifiers, trx);
      issues.push(...unknownCodes(place, input));
      if (issues.length) return refusal(400, 'The profile has problems', { issues });

      const fields = {
        name: input.name,
        legal_form: input.legalForm,
        description: input.description,
        who_it_helps: input.whoItHelps,
        latest_income_pence: input.latestIncomePence,
        income_period_end: incomePeriodEndFor(input.incomeYear, before.income_period_end),
        website: input.website,
        email: input.email,
        phone: input.phone,
        address: input.address,
        postcode: input.postcode,
        publish_email: input.publishEmail,
        publish_phone: input.publishPhone,
        publish_address: input.publishAddress,
      };
      const changed = changedFields(before, fields);
      await profiles.updateOrganisation(trx, organisationId, {
        ...fields,
        updated_at: new Date(),
        profile_updated_at: new Date(),
        profile_updated_by: actor.id,
      });
      await replaceParts(trx, organisationId, input, canonical, changed);
      const verifiedBy = VERIFIED_BY.filter(([key]) => key in changed).map(([, words]) => words);
      const unverified = before.verified_at !== null && !verifies(actor) && verifiedBy.length > 0;
      effects.audit({
        userId: actor.id,
        action: 'organisation.update',
        entityType: 'organisation',
        entityId: organisationId,
        // Other changes keep a verified profile verified; the check can see what changed since.
        detail: { changed, verified: before.verified_at !== null && !unverified },
      });
      if (unverified) {
        await profiles.updateOrganisation(trx, organisationId, { verified_at: null, verified_by: null });
        effects.audit({
          userId: actor.id,
          action: 'organisation.unverify',
          entityType: 'organisation',
          entityId: organisationId,
          detail: { reason: `Its ${verifiedBy.join(' and ')} changed`, wasVerifiedAt: before.verified_at },
        });
        effects.email({
          to: place.contactEmail,
          ...recheckMessage({
            organisation: input.name,
            previousName: before.name,
            changed: verifiedBy,
            page: pageUrl(before.slug),
          }),
        });
      }
      return { ok: true, unverified };
    });
  }

  /** List an unregistered community group. A VCS member who adds it becomes its administrator. */
  async function createGroup(
    actor: Actor,
    input: NewGroupInput,
    once?: Once,
  ): Promise<Done<{ id: string; slug: string }> | Refusal> {
    const issues = unknownCodes(place, input);
    if (issues.length) return refusal(400, 'The group has problems', { issues });
    return mutate(
      async (trx, effects) => {
        const { id, slug } = await writes.insert(
          {
            name: input.name,
            legalForm: 'community_group',
            description: input.description,
            website: input.website,
            email: input.email,
            phone: input.phone,
          },
          { source: 'user', createdBy: actor.id },
          trx,
        );
        await profiles.updateOrganisation(trx, id, {
          publish_email: input.publishEmail,
          publish_phone: input.publishPhone,
          profile_updated_at: new Date(),
          profile_updated_by: actor.id,
        });
        await writes.setWards(id, input.wards, trx);
        await writes.setClassifications(id, 'service_area', input.serviceAreas, trx);
        await writes.setClassifications(id, 'beneficiary_group', input.beneficiaryGroups, trx);
        const creatorIsAdmin = actor.role === 'vcs_member';
        if (creatorIsAdmin) await memberships.addCreatorAsAdmin(id, actor.id, trx);
        effects.audit({
          userId: actor.id,
          action: 'organisation.create',
          entityType: 'organisation',
          entityId: id,
          detail: { ...input, slug, creatorIsAdmin },
        });
        return { ok: true as const, id, slug };
      },
      { once },
    );
  }

  async function setVerified(actor: Actor, organisationId: string, verified: boolean, reason?: string) {
    if (!verifies(actor)) return refusal(403, `Only ${place.infrastructureBody.name} can verify organisations.`);
    return mutate(async (trx, effects): Promise<Done | Refusal> => {
      const org = await profiles.byId(trx, organisationId);
      if (!org) return noSuchOrganisation;
      if (verified === (org.verified_at !== null)) {
        return refusal(409, verified ? `${org.name} is already verified.` : `${org.name} is not verified.`);
      }
      await profiles.updateOrganisation(
        trx,
        organisationId,
        verified ? { verified_at: new Date(), verified_by: actor.id } : { verified_at: null, verified_by: null },
      );
      effects.audit({
        userId: actor.id,
        action: verified ? 'organisation.verify' : 'organisation.unverify',
        entityType: 'organisation',
        entityId: organisationId,
        detail: verified ? {} : { reason, wasVerifiedAt: org.verified_at },
      });
      return { ok: true };
    });
  }

  return {
    update,
    createGroup,
    verify: (actor: Actor, organisationId: string) => setVerified(actor, organisationId, true),
    unverify: (actor: Actor, organisationId: string, reason: string) =>
      setVerified(actor, organisationId, false, reason),
  };
}
