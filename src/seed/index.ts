import type { Services } from '../services.ts';
import { seedDemo } from './demo.ts';

/** On first start: load the demo when the database holds no organisations and no people yet. */
export async function seedDemoIfEmpty(services: Services): Promise<boolean> {
  const { db } = services;
  const org = await db.selectFrom('organisation').select('id').limit(1).executeTakeFirst();
  const user = await db.selectFrom('app_user').select('id').limit(1).executeTakeFirst();
  if (org || user) return false;
  await seedDemo(services, { scale: 'demo' });
  return true;
}
