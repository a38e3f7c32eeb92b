import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/app.ts';
import { testDatabase } from '../../test/support/db.ts';
import type { DatabaseHandle } from '../db/index.ts';
import { createAuditService } from '../modules/audit/service.ts';
import { createOutboxService } from '../modules/outbox/service.ts';
import { createMutate } from './mutation.ts';
import { done, Refused, refusal } from './result.ts';

describe('the mutation helper', () => {
  let handle: DatabaseHandle;
  let mutate: ReturnType<typeof createMutate>;
  const counts = async () => ({
    audit: Number(
      (
        await handle.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    outbox: Number(
      (
        await handle.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    wards: Number(
      (
        await handle.db
          .selectFrom('ward')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  });

  beforeAll(async () => {
    handle = await testDatabase();
    const audit = createAuditService(handle.db);
    const outbox = createOutboxService(handle.db, testConfig(), { name: 'test', deliver: async () => {} });
    mutate = createMutate({ db: handle.db, audit, outbox });
  });
  afterAll(() => handle.close());

  it('writes the change, its audit entry and its e-mail together', async () => {
    const before = await counts();
    const result = await mutate(async (trx, effects) => {
      await trx.insertInto('ward').values({ code: 'T1', name: 'Test ward' }).execute();
      effects.audit({ userId: null, action: 'ward.added', entityType: 'ward', entityId: 'T1' });
      effects.email({ to: 'a@example.test', subject: 'Added', body: 'A ward was added', kind: 'test' });
      return done({ code: 'T1' });
    });
    expect(result).toEqual({ ok: true, code: 'T1' });
    expect(await counts()).toEqual({ audit: before.audit + 1, outbox: before.outbox + 1, wards: before.wards + 1 });
  });

  it('rolls everything back on a refusal, returned or thrown: nothing audited, nothing sent', async () => {
    const before = await counts();
    for (const refuseBy of ['return', 'throw'] as const) {
      const result = await mutate(async (trx, effects) => {
        await trx
          .insertInto('ward')
          .values({ code: `R-${refuseBy}`, name: 'Refused ward' })
          .execute();
        effects.audit({ userId: null, action: 'ward.added', entityType: 'ward' });
        effects.email({ to: 'a@example.test', subject: 'Added', body: 'x', kind: 'test' });
        const no = refusal(409, 'This ward cannot be added now');
        if (refuseBy === 'throw') throw new Refused(no);
        return no;
      });
      expect(result).toMatchObject({ ok: false, status: 409, message: 'This ward cannot be added now' });
    }
    expect(await counts()).toEqual(before);
  });

  it("joins a caller's transaction when given one", async () => {
    const before = await counts();
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await mutate(
          async (inner, effects) => {
            await inner.insertInto('ward').values({ code: 'N1', name: 'Nested ward' }).execute();
            effects.audit({ userId: null, action: 'ward.added', entityType: 'ward' });
            return done();
          },
          { trx },
        );
        throw new Error('the caller fails after the nested change');
      }),
    ).rejects.toThrow('the caller fails');
    expect(await counts()).toEqual(before);
  });

  it('creates once for a form sent twice, at the same time or later, and answers both with the first result', async () => {
    const before = await counts();
    const once = { key: randomUUID(), purpose: 'ward.add', userId: null };
    let code = 0;
    const add = () =>
      mutate(
        async (trx, effects) => {
          code += 1;
          await trx
            .insertInto('ward')
            .values({ code: `I${code}`, name: 'Once ward' })
            .execute();
          effects.audit({ userId: null, action: 'ward.added', entityType: 'ward' });
          return done({ code: `I${code}` });
        },
        { once },
      );
    const [first, second] = await Promise.all([add(), add()]);
    const third = await add();
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(await counts()).toMatchObject({ audit: before.audit + 1, wards: before.wards + 1 });
  });

  it('lets a refused form be sent again, and refuses a key sent for another purpose', async () => {
    const once = { key: randomUUID(), purpose: 'ward.add', userId: null };
    const refused = await mutate(async () => refusal(400, 'Enter a name'), { once });
    expect(refused).toMatchObject({ ok: false, message: 'Enter a name' });
    expect(await mutate(async () => done({ n: 1 }), { once })).toEqual({ ok: true, n: 1 });
    const other = await mutate(async () => done({ n: 2 }), { once: { ...once, purpose: 'ward.remove' } });
    expect(other).toMatchObject({ ok: false, status: 409 });
  });
});
