import type { Services } from '../services.ts';

export type SeedScale = 'demo' | 'borough';

/** The demo data for the place. */
export async function seedDemo(services: Services, _options: { scale: SeedScale }): Promise<void> {
  await services.place.install();
}
