import type { Migration } from 'kysely';
import * as m20261125000100 from './20261125000100_foundation.ts';
import * as m20261125000300 from './20261125000300_organisation_profiles.ts';
import * as m20261125000500 from './20261125000500_spend.ts';
import * as m20261125000650 from './20261125000650_supplier_resolution.ts';
import * as m20261125000700 from './20261125000700_spend_measure.ts';
import * as m20261125000800 from './20261125000800_needs.ts';
import * as m20261125000900 from './20261125000900_specifications.ts';
import * as m20261125001000 from './20261125001000_opportunities.ts';
import * as m20261125001100 from './20261125001100_opportunity_cancellation.ts';
import * as m20261125001200 from './20261125001200_job_heartbeat.ts';
import * as m20261207000100 from './20261207000100_name_key_kept.ts';
import * as m20261208000200 from './20261208000200_spend_summary.ts';
import * as m20261208000300 from './20261208000300_sign_in_defences.ts';
import * as m20261208000400 from './20261208000400_organisation_permissions.ts';
import * as m20261208000500 from './20261208000500_idempotency_keys.ts';
import * as m20261208000600 from './20261208000600_maximum_award.ts';
import * as m20261208000700 from './20261208000700_spend_summary_generation.ts';

// Listed explicitly: file discovery cannot import .ts under every runner. Append new migrations in order.
export const migrations: Record<string, Migration> = {
  '20261125000100_foundation': m20261125000100,
  '20261125000300_organisation_profiles': m20261125000300,
  '20261125000500_spend': m20261125000500,
  '20261125000650_supplier_resolution': m20261125000650,
  '20261125000700_spend_measure': m20261125000700,
  '20261125000800_needs': m20261125000800,
  '20261125000900_specifications': m20261125000900,
  '20261125001000_opportunities': m20261125001000,
  '20261125001100_opportunity_cancellation': m20261125001100,
  '20261125001200_job_heartbeat': m20261125001200,
  '20261207000100_name_key_kept': m20261207000100,
  '20261208000200_spend_summary': m20261208000200,
  '20261208000300_sign_in_defences': m20261208000300,
  '20261208000400_organisation_permissions': m20261208000400,
  '20261208000500_idempotency_keys': m20261208000500,
  '20261208000600_maximum_award': m20261208000600,
  '20261208000700_spend_summary_generation': m20261208000700,
};
