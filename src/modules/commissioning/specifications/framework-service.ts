import type { Actor } from '../../../kernel/actor.ts';
import { isUuid } from '../../../kernel/ids.ts';
import type { Once } from '../../../kernel/mutation.ts';
import { type Done, done, isRefusal, type Refusal } from '../../../kernel/result.ts';
import type { SpecificationContext } from './context.ts';
import type { IndicatorInput } from './framework.ts';
import * as f from './queries/framework.ts';
import { type FrameworkChange, inUseRefusal, noIndicator, noOutcome, sameIndicator, unchanged } from './rules.ts';

// Changes to a specification's outcomes framework: outcomes and the indicators that measure them. Each change to a
// framework that co-producers sign off makes a new version (see `frameworkChanged`).

type Changed = Promise<Done<FrameworkChange> | Refusal>;

/** An indicator's row without what the form does not set, for the audit log. */
const answers = <I extends { id: string; outcome_id: string; position: number; created_at: Date }>(i: I) => {
  const { id: _id, outcome_id: _o, position: _p, created_at: _c, ...rest } = i;
  return rest;
};

// The factory is long only as a list of short operations that share its dependencies.
export function createFrameworkService(ctx: SpecificationContext) {
  const { mutate, viewable, editable, framework, frameworkChanged } = ctx;

  const outcomeOf = (trx: Parameters<typeof f.outcomeOf>[0], specId: string, outcomeId: string) =>
    isUuid(outcomeId) ? f.outcomeOf(trx, specId, outcomeId) : undefined;
  const indicatorOf = (trx: Parameters<typeof f.outcomeOf>[0], specId: string, outcomeId: string, id: string) =>
    isUuid(outcomeId) && isUuid(id) ? f.indicatorOf(trx, specId, outcomeId, id) : undefined;

  return {
    async outcome(actor: Actor, slug: string, outcomeId: string) {
      const seen = await viewable(actor, slug);
      if (isRefusal(seen)) return seen;
      const outcome = (await framework(seen.spec.id)).find((o) => o.id === outcomeId);
      if (!outcome) return noOutcome();
      return { ok: true as const, spec: seen.spec, outcome };
    },

    /** An indicator with its outcome, for the pages that change or remove it. */
    async indicator(actor: Actor, slug: string, outcomeId: string, indicatorId: string) {
      const seen = await viewable(actor, slug);
      if (isRefusal(seen)) return seen;
      const outcome = (await framework(seen.spec.id)).find((o) => o.id === outcomeId);
      const indicator = outcome?.indicators.find((i) => i.id === indicatorId);
      if (!outcome || !indicator) return noIndicator();
      return { ok: true as const, spec: seen.spec, outcome, indicator };
    },

    addOutcome(
      actor: Actor,
      slug: string,
      input: { title: string; description: string },
      once?: Once,
    ): Promise<Done<{ id: string } & FrameworkChange> | Refusal> {
      return mutate(
        async (trx, fx) => {
          const spec = await editable(actor, slug, trx);
          if (isRefusal(spec)) return spec;
          const id = await f.insertOutcome(trx, spec.id, input);
          const changed = await frameworkChanged(actor, spec, `Outcome added: ${input.title}`, trx);
          fx.audit({
            userId: actor.id,
            action: 'outcome.created',
            entityType: 'outcome',
            entityId: id,
            detail: { specification: slug, ...input, ...changed },
          });
          return done({ id, ...changed });
        },
        { once },
      );
    },

    addIndicator(actor: Actor, slug: string, outcomeId: string, input: IndicatorInput, once?: Once): Changed {
      return mutate(
        async (trx, fx) => {
          const spec = await editable(actor, slug, trx);
          if (isRefusal(spec)) return spec;
          if (!(await outcomeOf(trx, spec.id, outcomeId))) return noOutcome();
          const id = await f.insertIndicator(trx, outcomeId, input);
          const changed = await frameworkChanged(actor, spec, `Indicator added: ${input.name}`, trx);
          fx.audit({
            userId: actor.id,
            action: 'outcome_indicator.created',
            entityType: 'outcome_indicator',
            entityId: id,
            detail: { specification: slug, outcomeId, ...input, ...changed },
          });
          return done(changed);
        },
        { once },
      );
    },

    updateOutcome(
      actor: Actor,
      slug: string,
      outcomeId: string,
      input: { title: string; description: string },
    ): Changed {
      return mutate(async (trx, fx) => {
        const spec = await editable(actor, slug, trx);
        if (isRefusal(spec)) return spec;
        const before = await outcomeOf(trx, spec.id, outcomeId);
        if (!before) return noOutcome();
        if (before.title === input.title && before.description === input.description) {
          return unchanged('title', 'Nothing has changed: change the outcome or its description, or cancel');
        }
        await f.updateOutcome(trx, outcomeId, input);
        const changed = await frameworkChanged(actor, spec, `Outcome changed: ${input.title}`, trx);
        fx.audit({
          userId: actor.id,
          action: 'outcome.updated',
          entityType: 'outcome',
          entityId: outcomeId,
          detail: {
            specification: slug,
            before: { title: before.title, description: before.description },
            after: input,
            ...changed,
          },
        });
        return done(changed);
      });
    },

    /** Removes an outcome with its indicators, unless an application or award measures against one of them. */
    removeOutcome(actor: Actor, slug: string, outcomeId: string): Changed {
      return mutate(async (trx, fx) => {
        const spec = await editable(actor, slug, trx);
        if (isRefusal(spec)) return spec;
        const outcome = await outcomeOf(trx, spec.id, outcomeId);
        if (!outcome) return noOutcome();
        const indicators = await f.indicatorsOf(trx, [outcomeId]);
        const use = await f.indicatorsInUse(
          trx,
          indicators.map((i) => i.id),
        );
        const refused = inUseRefusal('This outcome', use);
        if (refused) return refused;
        await f.deleteOutcome(trx, outcomeId);
        const changed = await frameworkChanged(actor, spec, `Outcome removed: ${outcome.title}`, trx);
        fx.audit({
          userId: actor.id,
          action: 'outcome.removed',
          entityType: 'outcome',
          entityId: outcomeId,
          detail: {
            specification: slug,
            title: outcome.title,
            description: outcome.description,
            indicators: indicators.map((i) => i.name),
            ...changed,
          },
        });
        return done(changed);
      });
    },

    updateIndicator(
      actor: Actor,
      slug: string,
      outcomeId: string,
      indicatorId: string,
      input: IndicatorInput,
    ): Changed {
      return mutate(async (trx, fx) => {
        const spec = await editable(actor, slug, trx);
        if (isRefusal(spec)) return spec;
        const before = await indicatorOf(trx, spec.id, outcomeId, indicatorId);
        if (!before) return noIndicator();
        if (sameIndicator(before, input)) {
          return unchanged('name', 'Nothing has changed: change at least one answer, or cancel');
        }
        await f.updateIndicator(trx, indicatorId, input);
        const changed = await frameworkChanged(actor, spec, `Indicator changed: ${input.name}`, trx);
        fx.audit({
          userId: actor.id,
          action: 'outcome_indicator.updated',
          entityType: 'outcome_indicator',
          entityId: indicatorId,
          detail: { specification: slug, outcomeId, before: answers(before), after: input, ...changed },
        });
        return done(changed);
      });
    },

    removeIndicator(actor: Actor, slug: string, outcomeId: string, indicatorId: string): Changed {
      return mutate(async (trx, fx) => {
        const spec = await editable(actor, slug, trx);
        if (isRefusal(spec)) return spec;
        const indicator = await indicatorOf(trx, spec.id, outcomeId, indicatorId);
        if (!indicator) return noIndicator();
        const refused = inUseRefusal('This indicator', await f.indicatorsInUse(trx, [indicatorId]));
        if (refused) return refused;
        await f.deleteIndicator(trx, indicatorId);
        const changed = await frameworkChanged(actor, spec, `Indicator removed: ${indicator.name}`, trx);
        fx.audit({
          userId: actor.id,
          action: 'outcome_indicator.removed',
          entityType: 'outcome_indicator',
          entityId: indicatorId,
          detail: { specification: slug, outcomeId, ...answers(indicator), ...changed },
        });
        return done(changed);
      });
    },
  };
}
