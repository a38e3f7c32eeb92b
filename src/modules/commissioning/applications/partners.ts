import type { Config } from '../../../config.ts';
import type { Database } from '../../../db/index.ts';
import type { Actor } from '../../../kernel/actor.ts';
import { isUuid } from '../../../kernel/ids.ts';
import type { Mutate, MutationEffects, Once } from '../../../kernel/mutation.ts';
import { type Done, type Refusal, refusal } from '../../../kernel/result.ts';
import { isCancelled } from '../opportunities/lifecycle.ts';
import type { createDrafting } from './drafting.ts';
import * as emails from './emails.ts';
import { isEditable } from './lifecycle.ts';
import * as people from './queries/people.ts';
import * as records from './queries/records.ts';
import * as writes from './queries/writes.ts';
import { notDraft, opportunityCancelled, type Reader } from './reading.ts';

// The organisations in a partnership application: the lead adds, changes and takes out partners, and each partner's
// members confirm or decline its part. Every change is told by e-mail to those it concerns.

export type PartnerInput = { role: string; sharePence: number };

type Row = { id: string; reference: string; opportunity_id: string; lead_organisation_id: string };
type Deps = {
  config: Config;
  mutate: Mutate;
  read: Reader;
  change: ReturnType<typeof createDrafting>['change'];
};

// Long only as a closure over its dependencies: each method in it is short and stands alone.
export function createPartners({ config, mutate, read, change }: Deps) {
  const link = (reference: string) => `${config.baseUrl}/applications/${reference}`;

  /** What every partnership e-mail names: the application, the lead and the opportunity. */
  async function context(trx: Database, row: Row) {
    const [opportunity, lead] = await Promise.all([
      records.opportunityOf(trx, { id: row.opportunity_id }),
      records.organisationById(trx, row.lead_organisation_id),
    ]);
    return { reference: row.reference, leadName: lead!.name, opportunityTitle: opportunity!.title };
  }

  /** An e-mail to each approved member of the organisation, written by `mail` for each person. */
  async function tellMembers(
    trx: Database,
    fx: MutationEffects,
    organisationId: string,
    mail: (name: string) => { subject: string; body: string; kind: string },
  ) {
    for (const person of await people.membersOf(trx, [organisationId]))
      fx.email({ to: person.email, ...mail(person.name) });
  }

  async function askToConfirm(trx: Database, fx: MutationEffects, row: Row, organisationId: string, again: boolean) {
    const org = (await records.organisationById(trx, organisationId))!;
    const c = await context(trx, row);
    await tellMembers(trx, fx, organisationId, (name) =>
      emails.confirmPart({ ...c, name, organisation: org.name, link: link(row.reference), again }),
    );
  }

  const notPartnership = refusal(409, 'This application is from a single organisation, so it has no partners.');
  const chooseActive = refusal(400, 'Choose an organisation from the directory', {
    issues: [{ field: 'organisation', message: 'Choose an active organisation from the directory' }],
  });

  return {
    /** The partner's name comes back with the form's key, so a second submission is answered as the first. */
    addPartner(actor: Actor, reference: string, organisationId: string, input: PartnerInput, once?: Once) {
      let name = '';
      return change(
        actor,
        reference,
        'partner_added',
        async (trx, { row }, fx) => {
          if (row.kind !== 'partnership') return notPartnership;
          const org = isUuid(organisationId) ? await records.organisationById(trx, organisationId) : undefined;
          if (org?.status !== 'active') return chooseActive;
          if (await writes.partnerRow(trx, row.id, org.id)) {
            const message = `${org.name} is already in this application`;
            return refusal(400, message, { issues: [{ field: 'organisation', message }] });
          }
          await writes.insertPartner(trx, {
            application_id: row.id,
            organisation_id: org.id,
            role: input.role,
            share_pence: input.sharePence,
          });
          await askToConfirm(trx, fx, row, org.id, false);
          name = org.name;
          return { organisationId: org.id, role: input.role, sharePence: input.sharePence };
        },
        once,
        () => ({ name }),
      );
    },

    /** Changing a partner's role or share asks it to confirm again; the lead's own row needs no confirmation. */
    async updatePartner(
      actor: Actor,
      reference: string,
      organisationId: string,
      input: PartnerInput,
    ): Promise<Done<{ name: string; reset: boolean }> | Refusal> {
      let name = '';
      let reset = false;
      const changed = await change(actor, reference, 'partner_changed', async (trx, { row }, fx) => {
        const partner = isUuid(organisationId) ? await writes.partnerRow(trx, row.id, organisationId) : undefined;
        if (!partner) return refusal(404, 'That organisation is not in this application.');
        const differs = partner.role !== input.role || Number(partner.share_pence) !== input.sharePence;
        reset = differs && !partner.is_lead && !!partner.confirmed_at;
        await writes.writePartner(trx, row.id, organisationId, {
          role: input.role,
          share_pence: input.sharePence,
          ...(reset ? { confirmed_at: null, confirmed_by: null } : {}),
        });
        if (reset) await askToConfirm(trx, fx, row, organisationId, true);
        name = (await records.organisationById(trx, organisationId))!.name;
        return { organisationId, role: input.role, sharePence: input.sharePence, confirmationReset: reset };
      });
      return changed.ok ? { ok: true, name, reset } : changed;
    },

    async removePartner(
      actor: Actor,
      reference: string,
      organisationId: string,
    ): Promise<Done<{ name: string }> | Refusal> {
      let name = '';
      const removed = await change(actor, reference, 'partner_removed', async (trx, { row }, fx) => {
        if (!isUuid(organisationId) || !(await writes.deletePartner(trx, row.id, organisationId))) {
          return refusal(404, 'That organisation is not a partner in this application.');
        }
        name = (await records.organisationById(trx, organisationId))!.name;
        const c = await context(trx, row);
        await tellMembers(trx, fx, organisationId, (person) =>
          emails.partnerRemoved({ ...c, name: person, organisation: name }),
        );
        return { organisationId };
      });
      return removed.ok ? { ok: true, name } : removed;
    },

    /** A partner's member confirms its part, or declines it (which takes the partner out and tells the lead). */
    async respond(
      actor: Actor,
      reference: string,
      organisationId: string,
      decision: 'confirm' | 'decline',
      now = new Date(),
    ): Promise<Done<{ name: string }> | Refusal> {
      return mutate(async (trx, fx) => {
        const seen = await read.visible(actor, reference, trx);
        if (seen.refusal) return seen.refusal;
        const { row, who } = seen;
        if (!who.partnerOf.includes(organisationId)) {
          return refusal(403, 'Only members of the partner organisation can answer for it.');
        }
        if (!isEditable(row)) return notDraft;
        const opportunity = (await records.opportunityOf(trx, { id: row.opportunity_id }, now))!;
        // Only a cancellation stops a partner answering; the closing date stops the lead submitting, not this.
        if (isCancelled(opportunity)) return opportunityCancelled;
        const name = (await records.organisationById(trx, organisationId))!.name;
        if (decision === 'confirm') {
          await writes.writePartner(trx, row.id, organisationId, { confirmed_at: now, confirmed_by: actor.id });
        } else {
          await writes.deletePartner(trx, row.id, organisationId);
          const c = await context(trx, row);
          await tellMembers(trx, fx, row.lead_organisation_id, (person) =>
            emails.partnerDeclined({ ...c, name: person, organisation: name, link: link(row.reference) }),
          );
        }
        await records.touch(trx, row.id);
        const action = decision === 'confirm' ? 'application.partner_confirmed' : 'application.partner_declined';
        fx.audit({ userId: actor.id, action, entityType: 'application', entityId: row.id, detail: { organisationId } });
        return { ok: true as const, name };
      });
    },
  };
}
