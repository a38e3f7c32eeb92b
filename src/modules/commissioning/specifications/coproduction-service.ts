import type { Actor } from '../../../kernel/actor.ts';
import { isStaff } from '../../../kernel/actor.ts';
import { isUuid } from '../../../kernel/ids.ts';
import type { Once } from '../../../kernel/mutation.ts';
import { type Done, done, isRefusal, type Refusal, refusal } from '../../../kernel/result.ts';
import type { SpecificationContext } from './context.ts';
import { invitationMessage } from './emails.ts';
import * as q from './queries/specifications.ts';
import { COPRODUCER_ROLES, coproducerRefusal, notFound } from './rules.ts';
import type { SectionKey } from './sections.ts';

// Co-production: staff invite residents and VCS members, who comment on the current version and sign it off; staff
// hide comments with a reason and record the workshops held.

export type WorkshopInput = { held_on: string; participants: Record<string, number>; what_changed: string };

// The factory is long only as a list of short operations that share its dependencies.
export function createCoproductionService(ctx: SpecificationContext, baseUrl: string) {
  const { mutate, editable, currentVersion, coproducersOf } = ctx;

  return {
    inviteCoproducer(
      actor: Actor,
      slug: string,
      input: { email: string; roleLabel: string },
    ): Promise<Done<{ name: string }> | Refusal> {
      return mutate(async (trx, fx) => {
        const spec = await editable(actor, slug, trx);
        if (isRefusal(spec)) return spec;
        const person = await q.activePersonByEmail(trx, input.email);
        const fail = (message: string) => refusal(400, message, { issues: [{ field: 'email', message }] });
        if (!person) return fail('There is no account with that email address. Ask them to create an account first');
        if (!COPRODUCER_ROLES.includes(person.role)) {
          return fail('Co-producers are residents and VCS members. That account belongs to a member of staff');
        }
        if (await q.coproducerOf(trx, spec.id, person.id)) return fail(`${person.name} is already a co-producer`);
        await q.insertCoproducer(trx, {
          specification_id: spec.id,
          user_id: person.id,
          role_label: input.roleLabel,
          invited_by: actor.id,
        });
        // A new co-producer has not signed off, so the specification is with its co-producers again.
        await q.updateSpecification(trx, spec.id, { status: 'in_review', signed_off_at: null });
        const link = `${baseUrl}/specifications/${spec.slug}`;
        fx.email({
          to: person.email,
          ...invitationMessage({ name: person.name, title: spec.title, roleLabel: input.roleLabel, link }),
        });
        fx.audit({
          userId: actor.id,
          action: 'specification.coproducer_invited',
          entityType: 'specification',
          entityId: spec.id,
          detail: { userId: person.id, roleLabel: input.roleLabel },
        });
        return done({ name: person.name });
      });
    },

    /** Only invited co-producers comment, always on the current version. */
    comment(
      actor: Actor,
      slug: string,
      input: { section: SectionKey; body: string },
      once?: Once,
    ): Promise<Done | Refusal> {
      return mutate(
        async (trx, fx) => {
          const spec = await q.lockedBySlug(trx, slug);
          if (!spec) return notFound();
          const refused = coproducerRefusal(spec, !!(await q.coproducerOf(trx, spec.id, actor.id)), 'comment');
          if (refused) return refused;
          const current = await currentVersion(spec.id, trx);
          const id = await q.insertComment(trx, {
            specification_id: spec.id,
            version_id: current.id,
            section: input.section,
            author_id: actor.id,
            body: input.body,
          });
          await q.updateSpecification(trx, spec.id, {});
          fx.audit({
            userId: actor.id,
            action: 'specification.commented',
            entityType: 'specification_comment',
            entityId: id,
            detail: { specification: spec.slug, version: current.number, section: input.section },
          });
          return done();
        },
        { once },
      );
    },

    /** Comments are hidden with a reason, never deleted. */
    hideComment(actor: Actor, slug: string, commentId: string, reason: string): Promise<Done | Refusal> {
      return mutate(async (trx, fx) => {
        if (!isStaff(actor)) return refusal(403, 'Only staff can hide comments.');
        const spec = await q.bySlug(trx, slug);
        if (!spec) return notFound();
        if (!isUuid(commentId) || !(await q.hideComment(trx, spec.id, commentId, actor.id, reason))) {
          return refusal(404, 'There is no such comment, or it is already hidden.');
        }
        fx.audit({
          userId: actor.id,
          action: 'specification.comment_hidden',
          entityType: 'specification_comment',
          entityId: commentId,
          detail: { reason },
        });
        return done();
      });
    },

    /** A co-producer signs off the version they read; once everyone has, the specification is signed off. */
    signOff(actor: Actor, slug: string, versionNumber: number): Promise<Done<{ allSignedOff: boolean }> | Refusal> {
      return mutate(async (trx, fx) => {
        const spec = await q.lockedBySlug(trx, slug);
        if (!spec) return notFound();
        const refused = coproducerRefusal(spec, !!(await q.coproducerOf(trx, spec.id, actor.id)), 'signOff');
        if (refused) return refused;
        const current = await currentVersion(spec.id, trx);
        if (current.number !== versionNumber) {
          return refusal(
            409,
            `Version ${current.number} has been saved since you opened the page. Read it, then sign off that version.`,
          );
        }
        await q.signOff(trx, spec.id, actor.id, current.id);
        const people = await coproducersOf(spec.id, current.id, trx);
        const allSignedOff = people.every((p) => p.signedOffCurrent);
        await q.updateSpecification(trx, spec.id, {
          status: allSignedOff ? 'signed_off' : 'in_review',
          signed_off_at: allSignedOff ? new Date() : null,
        });
        fx.audit({
          userId: actor.id,
          action: 'specification.signed_off',
          entityType: 'specification',
          entityId: spec.id,
          detail: { version: current.number, allSignedOff },
        });
        return done({ allSignedOff });
      });
    },

    recordWorkshop(actor: Actor, slug: string, input: WorkshopInput, once?: Once): Promise<Done | Refusal> {
      return mutate(
        async (trx, fx) => {
          const spec = await editable(actor, slug, trx);
          if (isRefusal(spec)) return spec;
          const id = await q.insertWorkshop(trx, {
            specification_id: spec.id,
            held_on: input.held_on,
            participants: JSON.stringify(input.participants),
            what_changed: input.what_changed,
            recorded_by: actor.id,
          });
          await q.updateSpecification(trx, spec.id, {});
          fx.audit({
            userId: actor.id,
            action: 'specification.workshop_recorded',
            entityType: 'coproduction_workshop',
            entityId: id,
            detail: { specification: slug, heldOn: input.held_on, participants: input.participants },
          });
          return done();
        },
        { once },
      );
    },
  };
}
