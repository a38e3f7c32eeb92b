import { type Config, loadConfig } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/index.ts';
import { migrateToLatest } from './db/migrate.ts';
import { logAdapter } from './modules/outbox/service.ts';
import { smtpAdapter } from './modules/outbox/smtp.ts';
import { loadPlace, type PlaceConfig } from './modules/place/config.ts';
import { createServices, type Services } from './services.ts';

export type Runtime = {
  config: Config;
  place: PlaceConfig;
  handle: DatabaseHandle;
  services: Services;
  close(): Promise<void>;
};

/** Opens the configured database and wires the services: shared by the server and every CLI command. */
export async function openRuntime(options: { migrate?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Runtime> {
  const config = loadConfig(options.env);
  const place = loadPlace(config.place);
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (options.migrate) await migrateToLatest(handle.db);
  const mailAdapter = config.mail.adapter === 'smtp' ? smtpAdapter(config.mail.smtpUrl!) : logAdapter();
  const services = createServices({ db: handle.db, config, place, mailAdapter });
  return { config, place, handle, services, close: () => handle.close() };
}
