import * as accounts from '../modules/accounts/queries/demo.ts';
import * as organisations from '../modules/organisations/queries/demo.ts';
import type { Services } from '../services.ts';
import { seedDemo } from './demo.ts';

/** On first start: load the demo when the database holds no organisations and no people yet. */
export async function seedDemoIfEmpty(
  services: Services,
  options: { onStage?: (stage: string) => void } = {},
): Promise<boolean> {
  const { db } = services;
  if ((await organisations.hasAnyOrganisation(db)) || (await accounts.hasAnyAccount(db))) return false;
  await seedDemo(services, { scale: 'demo', ...options });
  return true;
}
