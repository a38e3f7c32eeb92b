import { type Command, Option } from 'commander';
import type { Role } from '../../db/schema.ts';
import type { Runtime } from '../../runtime.ts';
import { roleLabels, roles } from '../../web/access.ts';

type Opened = Pick<Runtime, 'services' | 'close'>;
export type UsersCommandOptions = {
  /** Opens the database and services; a test passes its own. */
  open?: () => Promise<Opened>;
  out?: (text: string) => void;
};

const cli = { userId: null, source: 'cli' } as const;

/** `partnership users …`: list accounts, create one, change a role. Every change is audit-logged as from the CLI. */
export function registerUsersCommand(program: Command, options: UsersCommandOptions = {}): void {
  const open =
    options.open ??
    (async () => {
      const { openRuntime } = await import('../../runtime.ts');
      return openRuntime({ migrate: true });
    });
  const out = options.out ?? ((text: string) => console.log(text));
  const roleOption = (description: string) => new Option('--role <role>', description).choices(roles as string[]);

  async function run(work: (runtime: Opened) => Promise<void>) {
    const runtime = await open();
    try {
      await work(runtime);
    } finally {
      await runtime.close();
    }
  }

  const users = program.command('users').description('Manage accounts and roles');

  users
    .command('list')
    .description('List accounts')
    .addOption(roleOption('only accounts with this role'))
    .option('--json', 'print one JSON object')
    .action((opts: { role?: Role; json?: boolean }) =>
      run(async ({ services }) => {
        const all = [];
        for (let page = 1; ; page++) {
          const result = await services.accounts.listUsers({ role: opts.role, page, pageSize: 500 });
          all.push(...result.rows);
          if (!result.hasNext) break;
        }
        const list = all.map((u) => ({
          id: u.id,
          email: u.email,
          name: u.name,
          role: u.role,
          emailConfirmed: u.email_confirmed_at !== null,
          disabled: u.disabled_at !== null,
          hasPassword: u.has_password,
        }));
        if (opts.json) {
          out(JSON.stringify({ users: list }));
          return;
        }
        if (list.length === 0) {
          out(opts.role ? `No accounts with the role ${opts.role}.` : 'No accounts yet.');
          return;
        }
        const emailWidth = Math.max(5, ...list.map((u) => u.email.length));
        const roleWidth = Math.max(4, ...list.map((u) => u.role.length));
        out(`${'EMAIL'.padEnd(emailWidth)}  ${'ROLE'.padEnd(roleWidth)}  NAME`);
        for (const u of list) {
          const flags = [u.disabled ? 'disabled' : '', u.hasPassword ? '' : 'no password yet'].filter(Boolean);
          out(
            `${u.email.padEnd(emailWidth)}  ${u.role.padEnd(roleWidth)}  ${u.name}${flags.length ? ` (${flags.join(', ')})` : ''}`,
          );
        }
        out(`${list.length} ${list.length === 1 ? 'account' : 'accounts'}.`);
      }),
    );

  users
    .command('create')
    .description('Create an account with its email address already confirmed')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--name <name>', 'full name')
    .addOption(roleOption('role').makeOptionMandatory())
    .option(
      '--password <password>',
      'a password (it stays in your shell history: leave it out to get a one-time link instead)',
    )
    .option('--json', 'print one JSON object')
    .action((opts: { email: string; name: string; role: Role; password?: string; json?: boolean }) =>
      run(async ({ services }) => {
        const result = await services.accounts.createUser(cli, opts);
        if (!result.ok) throw new Error(`${result.message}.`);
        if (opts.json) {
          out(
            JSON.stringify({
              id: result.userId,
              email: opts.email.trim().toLowerCase(),
              role: opts.role,
              link: result.link,
            }),
          );
          return;
        }
        out(`Created the account of ${opts.name} <${opts.email}> as ${roleLabels[opts.role].toLowerCase()}.`);
        if (result.link) {
          out('Send them this one-time link to choose a password. It works once, for 7 days:');
          out(result.link);
        }
      }),
    );

  users
    .command('set-role')
    .description("Change an account's role")
    .requiredOption('--email <email>', 'email address of the account')
    .addOption(roleOption('the new role').makeOptionMandatory())
    .option('--json', 'print one JSON object')
    .action((opts: { email: string; role: Role; json?: boolean }) =>
      run(async ({ services }) => {
        const user = await services.accounts.findUserByEmail(opts.email);
        if (!user) throw new Error(`There is no account with the email address ${opts.email}.`);
        const result = await services.accounts.setRole(cli, user.id, opts.role);
        if (!result.ok) throw new Error(`${result.message}.`);
        if (opts.json) {
          out(
            JSON.stringify({
              id: user.id,
              email: user.email,
              from: user.role,
              role: opts.role,
              changed: result.changed,
            }),
          );
          return;
        }
        out(
          result.changed
            ? `${user.email} is now ${roleLabels[opts.role].toLowerCase()} (was ${roleLabels[user.role].toLowerCase()}).`
            : `${user.email} already has the role ${roleLabels[opts.role].toLowerCase()}.`,
        );
      }),
    );
}
