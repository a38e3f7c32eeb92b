import type { Role } from '../../../db/schema.ts';

/** Who may import registers: administrators and the infrastructure body's officers. */
export const REGISTER_IMPORTERS: readonly Role[] = ['officer', 'admin'];
