import type { Role } from '../../../kernel/roles.ts';

// Commissioners and the infrastructure body's officers import spend (administrators always may).
export const SPEND_IMPORTERS: readonly Role[] = ['commissioner', 'officer'];
