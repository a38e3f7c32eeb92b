import { createAdministration } from './administration.ts';
import { type AccountDeps, createAccountContext } from './context.ts';
import { createSelfService } from './self-service.ts';

export type { AccountDeps, Initiator, Problem } from './context.ts';

// People's accounts: what each person does with their own, and what administrators and the command line do with
// others'. The SQL is in queries.ts, the rules in rules.ts and the words of e-mails in emails.ts.
export function createAccountService(deps: AccountDeps) {
  const ctx = createAccountContext(deps);
  return { ...createSelfService(ctx), ...createAdministration(ctx) };
}

export type AccountService = ReturnType<typeof createAccountService>;
