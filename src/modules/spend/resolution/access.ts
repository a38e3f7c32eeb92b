import { type Role, STAFF_ROLES } from '../../../kernel/roles.ts';

// Who reviews suppliers: infrastructure officers and commissioners (administrators always may).
export const SUPPLIER_REVIEWERS: readonly Role[] = STAFF_ROLES;
