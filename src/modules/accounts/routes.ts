import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { STAFF } from '../../web/access.ts';
import { formErrors } from '../../web/forms.ts';
import type { ModuleRoutes } from '../../web/module.ts';
import { SESSION_COOKIE } from '../../web/plugin.ts';
import { kindLabel } from '../needs/present.ts';
import { EMAIL_PATTERN, homeFor, passwordProblem, safeNextPath, waitInWords } from './rules.ts';
import { SESSION_DAYS } from './sessions.ts';

type Issue = { field: string; message: string };

const required = (message: string, max = 200, tooLong = `Must be ${max} characters or fewer`) =>
  z.string({ error: message }).trim().min(1, message).max(max, tooLong);

const email = z
  .string({ error: 'Enter your email address' })
  .trim()
  .min(1, 'Enter your email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .regex(EMAIL_PATTERN, 'Enter an email address in the correct format, like name@example.com');

const name = required('Enter your full name', 200, 'Name must be 200 characters or fewer');

const registerForm = z.object({ name, email });
const signInForm = z.object({
  email,
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password'),
});
const emailForm = z.object({ email });
const nameForm = z.object({ name });
const invitationForm = z.object({ name });

/** A form whose fields are checked by a schema and whose new password by the password rules, reported together. */
function check<S extends z.ZodType>(
  schema: S,
  body: unknown,
  password?: { field?: string; context?: (data: Record<string, unknown>) => { email?: string; name?: string } },
) {
  const values = { ...((body && typeof body === 'object' ? body : {}) as Record<string, unknown>) };
  const parsed = schema.safeParse(values);
  const issues: Issue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'form'), message: i.message }));
  if (password) {
    const pw = typeof values.password === 'string' ? values.password : '';
    const confirm = typeof values.confirmPassword === 'string' ? values.confirmPassword : '';
    const weak = passwordProblem(pw, password.context?.(values) ?? {});
    if (weak) issues.push({ field: 'password', message: weak });
    else if (confirm === '') issues.push({ field: 'confirmPassword', message: 'Confirm your password' });
    else if (confirm !== pw) issues.push({ field: 'confirmPassword', message: 'Passwords do not match' });
  }
  // Passwords are never sent back to the page.
  for (const key of ['password', 'confirmPassword', 'currentPassword', '_csrf']) delete values[key];
  if (issues.length) return formErrors(issues, values);
  return { ok: true as const, data: parsed.data as z.infer<S>, values };
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

const routes: ModuleRoutes = async (app, { services }) => {
  const { accounts, sessions, config, needs } = services;
  const pub = { config: { access: 'public' as const } };
  const signedIn = { config: { access: 'signed-in' as const } };

  function startSession(reply: FastifyReply, session: { token: string }) {
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      path: '/',
      maxAge: SESSION_DAYS * 24 * 3600,
    });
  }

  // A new session on every sign-in: a token planted before signing in is worthless after it.
  async function endSession(request: FastifyRequest, reply: FastifyReply) {
    await sessions.destroy(request.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  // ---- Register and confirm ----

  app.get('/register', pub, async (request, reply) => {
    if (request.user) return reply.seeOther('/account');
    return reply.view('accounts/views/register.njk', { title: 'Create an account', values: {} });
  });

  app.post('/register', pub, async (request, reply) => {
    const form = check(registerForm, request.body, {
      context: (v) => ({ email: str(v.email), name: str(v.name) }),
    });
    if (!form.ok) {
      return reply.code(400).view('accounts/views/register.njk', { title: 'Create an account', ...form });
    }
    const result = await accounts.register({
      name: form.data.name,
      email: form.data.email,
      password: str((request.body as Record<string, unknown>).password),
      vcs: form.values.vcs === 'yes' || (Array.isArray(form.values.vcs) && form.values.vcs.includes('yes')),
      ip: request.ip,
    });
    if (!result.ok) {
      return tooManyRequests(reply, 'accounts/views/register.njk', 'Create an account', form.values);
    }
    return reply.seeOther('/check-your-email');
  });

  app.get<{ Querystring: { for?: string } }>('/check-your-email', pub, async (request, reply) => {
    const reset = request.query.for === 'reset';
    return reply.view('accounts/views/message.njk', {
      title: 'Check your email',
      paragraphs: reset
        ? [
            'If there is an account with that email address, we have sent it a link to choose a new password.',
            'The link stops working after 1 hour. If nothing arrives in a few minutes, check your spam or junk folder.',
          ]
        : [
            'We have sent you an email. Open the link in it to confirm your email address.',
            'The link stops working after 24 hours. If nothing arrives in a few minutes, check your spam or junk folder.',
          ],
      links: [{ href: '/sign-in', text: 'Sign in' }],
    });
  });

  app.get<{ Querystring: { token?: string } }>('/confirm-email', pub, async (request, reply) => {
    const result = await accounts.confirmEmail(str(request.query.token));
    if (result.ok) {
      return reply.view('accounts/views/message.njk', {
        title: 'Your email address is confirmed',
        paragraphs: ['Thank you. You can now take part in everything the partnership offers.'],
        links: request.user
          ? [{ href: '/account', text: 'Go to your account' }]
          : [{ href: '/sign-in', text: 'Sign in' }],
      });
    }
    return expiredLink(
      reply,
      [
        'If you have already confirmed your email address, there is nothing more to do.',
        'Otherwise, sign in and ask for a new link on your account page.',
      ],
      [
        { href: '/account', text: 'Go to your account' },
        { href: '/sign-in', text: 'Sign in' },
      ],
    );
  });

  app.post('/account/confirmation', signedIn, async (request, reply) => {
    await accounts.resendConfirmation(request.user!.id);
    return reply.seeOther('/account', 'We have sent you a new link. Check your email.');
  });

  // ---- Sign in and out ----

  app.get<{ Querystring: { next?: string } }>('/sign-in', pub, async (request, reply) => {
    const next = safeNextPath(request.query.next, '');
    if (request.user) return reply.seeOther(next || homeFor(request.user.role));
    return reply.view('accounts/views/sign-in.njk', { title: 'Sign in', next, values: {} });
  });

  app.post('/sign-in', pub, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = safeNextPath(body.next, '');
    const form = check(signInForm, body);
    const again = (status: number, result: ReturnType<typeof formErrors>) =>
      reply.code(status).view('accounts/views/sign-in.njk', { title: 'Sign in', next, ...result });
    if (!form.ok) return again(400, form);
    const result = await accounts.signIn({ email: form.data.email, password: form.data.password, ip: request.ip });
    if (!result.ok) {
      if (!('retryAt' in result)) {
        const message = {
          invalid: 'Enter a correct email address and password',
          disabled: 'This account has been disabled. Contact an administrator if you think this is wrong',
        }[result.reason];
        return again(400, formErrors([{ field: 'email', message }], form.values));
      }
      // Counted before any password was checked: the answer is the same whether the password was right or not.
      const wait = waitInWords(result.retryAt, new Date());
      const message = {
        slow_down: `Too many attempts to sign in. Wait ${wait} and try again, or reset your password`,
        locked: `Too many attempts to sign in to this account. If it is yours, use the link we have emailed to it, reset your password, or wait ${wait}`,
        too_many_accounts: `Too many attempts to sign in from your network. Wait ${wait} and try again`,
      }[result.reason];
      reply.header('retry-after', String(Math.max(1, Math.ceil((result.retryAt.getTime() - Date.now()) / 1000))));
      return again(429, formErrors([{ field: 'email', message }], form.values));
    }
    await sessions.destroy(request.sessionToken);
    startSession(reply, result);
    return reply.seeOther(next || homeFor(result.user.role));
  });

  app.post('/sign-out', pub, async (request, reply) => {
    await endSession(request, reply);
    return reply.seeOther('/', 'You have signed out');
  });

  // ---- Forgotten password ----

  app.get('/forgot-password', pub, async (_request, reply) =>
    reply.view('accounts/views/forgot-password.njk', { title: 'Reset your password', values: {} }),
  );

  app.post('/forgot-password', pub, async (request, reply) => {
    const form = check(emailForm, request.body);
    if (!form.ok) {
      return reply.code(400).view('accounts/views/forgot-password.njk', { title: 'Reset your password', ...form });
    }
    const result = await accounts.requestPasswordReset(form.data.email, request.ip);
    if (!result.ok) {
      return tooManyRequests(reply, 'accounts/views/forgot-password.njk', 'Reset your password', form.values);
    }
    return reply.seeOther('/check-your-email?for=reset');
  });

  // ---- Clearing a locked account from the e-mailed link ----

  const expiredUnlock = (reply: FastifyReply) =>
    expiredLink(
      reply,
      [
        'Links to let you sign in again work once, for 1 hour, while your account is locked.',
        'If you cannot sign in, reset your password.',
      ],
      [
        { href: '/sign-in', text: 'Sign in' },
        { href: '/forgot-password', text: 'Reset your password' },
      ],
    );

  // Opening the link only shows a button: mail scanners follow links, and only a person should clear the lock.
  app.get<{ Querystring: { token?: string } }>('/unlock-sign-in', pub, async (request, reply) => {
    const token = str(request.query.token);
    if (!(await accounts.unlockLinkIsValid(token))) return expiredUnlock(reply);
    return reply.view('accounts/views/unlock.njk', { title: 'Let yourself sign in again', token });
  });

  app.post('/unlock-sign-in', pub, async (request, reply) => {
    const token = str((request.body as Record<string, unknown> | undefined)?.token);
    const result = await accounts.unlockSignIn(token, request.ip);
    if (!result.ok) return expiredUnlock(reply);
    return reply.seeOther('/sign-in', 'You can sign in again now');
  });

  const expiredReset = (reply: FastifyReply) =>
    expiredLink(
      reply,
      ['Links to reset a password work once, for 1 hour. Ask for a new one.'],
      [{ href: '/forgot-password', text: 'Reset your password' }],
    );

  const resetPage = {
    title: 'Choose a new password',
    action: '/reset-password',
    buttonText: 'Save new password',
    intro: ['You will be signed out everywhere, then you can sign in with your new password.'],
  };

  app.get<{ Querystring: { token?: string } }>('/reset-password', pub, async (request, reply) => {
    const token = str(request.query.token);
    if (!(await accounts.resetTokenIsValid(token))) return expiredReset(reply);
    return reply.view('accounts/views/new-password.njk', { ...resetPage, token, values: {} });
  });

  app.post('/reset-password', pub, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const token = str(body.token);
    const form = check(z.object({}), body, {});
    if (!form.ok) return reply.code(400).view('accounts/views/new-password.njk', { ...resetPage, token, ...form });
    const result = await accounts.resetPassword(token, str(body.password));
    if (!result.ok) return expiredReset(reply);
    // The reset ended every session, including one in this browser.
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.seeOther('/sign-in', 'Your password has been changed. Sign in with your new password.');
  });

  // ---- Your account ----

  app.get('/account', signedIn, async (request, reply) => {
    const [account, contributions] = await Promise.all([
      accounts.getAccount(request.user!.id),
      needs.contributionsBy(request.user!.id),
    ]);
    return reply.view('accounts/views/account.njk', {
      title: 'Your account',
      account,
      contributions: contributions.map((c) => ({
        href: `/needs/${c.slug}#contribution-${c.id}`,
        title: c.title,
        kind: kindLabel(c.kind),
        excerpt: c.body.length > 140 ? `${c.body.slice(0, 139).trimEnd()}…` : c.body,
        createdAt: c.created_at,
        status: c.hidden_at ? 'Hidden by a moderator' : c.responded_at ? 'Answered' : 'Published',
      })),
      organisations: request.user!.organisations,
      isStaff: STAFF.includes(request.user!.role),
    });
  });

  app.get('/account/name', signedIn, async (request, reply) =>
    reply.view('accounts/views/change-name.njk', {
      title: 'Change your name',
      backLink: '/account',
      values: { name: request.user!.name },
    }),
  );

  app.post('/account/name', signedIn, async (request, reply) => {
    const form = check(nameForm, request.body);
    if (!form.ok) {
      return reply
        .code(400)
        .view('accounts/views/change-name.njk', { title: 'Change your name', backLink: '/account', ...form });
    }
    await accounts.changeName(request.user!.id, form.data.name);
    return reply.seeOther('/account', 'Your name has been changed');
  });

  app.get('/account/password', signedIn, async (_request, reply) =>
    reply.view('accounts/views/change-password.njk', {
      title: 'Change your password',
      backLink: '/account',
      values: {},
    }),
  );

  app.post('/account/password', signedIn, async (request, reply) => {
    const user = request.user!;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form = check(
      z.object({
        currentPassword: z.string({ error: 'Enter your current password' }).min(1, 'Enter your current password'),
      }),
      body,
      { context: () => ({ email: user.email, name: user.name }) },
    );
    const page = { title: 'Change your password', backLink: '/account' };
    if (!form.ok) return reply.code(400).view('accounts/views/change-password.njk', { ...page, ...form });
    const result = await accounts.changePassword({
      userId: user.id,
      sessionToken: request.sessionToken,
      currentPassword: form.data.currentPassword,
      newPassword: str(body.password),
    });
    if (!result.ok) {
      return reply
        .code(400)
        .view('accounts/views/change-password.njk', { ...page, ...formErrors([result], form.values) });
    }
    return reply.seeOther('/account', 'Your password has been changed');
  });

  // ---- Accepting an invitation ----

  const expiredInvitation = (reply: FastifyReply, message?: string) =>
    reply.code(400).view('accounts/views/message.njk', {
      title: 'This invitation cannot be used',
      paragraphs: [message ?? 'Invitations work once, for 7 days. Ask the person who invited you to send a new one.'],
      links: [{ href: '/sign-in', text: 'Sign in' }],
    });

  const invitationPage = (invitation: { email: string; role: Parameters<typeof homeFor>[0] }) => ({
    title: 'Accept your invitation',
    action: '/invitation',
    buttonText: 'Create account',
    askName: true,
    intro: [
      `You have been invited to join as ${roleArticle(invitation.role)}. Your email address will be ${invitation.email}.`,
    ],
  });

  app.get<{ Querystring: { token?: string } }>('/invitation', pub, async (request, reply) => {
    const token = str(request.query.token);
    const invitation = await accounts.invitation(token);
    if (!invitation) return expiredInvitation(reply);
    return reply.view('accounts/views/new-password.njk', {
      ...invitationPage(invitation),
      token,
      values: { name: invitation.name },
    });
  });

  app.post('/invitation', pub, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const token = str(body.token);
    const invitation = await accounts.invitation(token);
    if (!invitation) return expiredInvitation(reply);
    const form = check(invitationForm, body, { context: (v) => ({ email: invitation.email, name: str(v.name) }) });
    if (!form.ok) {
      return reply.code(400).view('accounts/views/new-password.njk', { ...invitationPage(invitation), token, ...form });
    }
    const result = await accounts.acceptInvitation(token, { name: form.data.name, password: str(body.password) });
    if (!result.ok) return expiredInvitation(reply, result.message);
    await sessions.destroy(request.sessionToken);
    startSession(reply, result);
    return reply.seeOther(homeFor(result.user.role), 'Welcome. Your account is ready.');
  });
};

/** The page for a one-time link that no longer works. */
function expiredLink(reply: FastifyReply, paragraphs: string[], links: { href: string; text: string }[]) {
  return reply
    .code(400)
    .view('accounts/views/message.njk', { title: 'This link has expired or has already been used', paragraphs, links });
}

/** A form refused because too many requests came from this address or network: 429, the form kept. */
function tooManyRequests(reply: FastifyReply, template: string, title: string, values: Record<string, unknown>) {
  const message = 'You have asked too many times. Wait an hour and try again';
  reply.header('retry-after', '3600');
  return reply.code(429).view(template, { title, ...formErrors([{ field: 'email', message }], values) });
}

function roleArticle(role: string): string {
  const labels: Record<string, string> = {
    officer: 'an infrastructure officer',
    commissioner: 'a commissioner',
    admin: 'an administrator',
    resident: 'a resident',
    vcs_member: 'a VCS member',
  };
  return labels[role] ?? role;
}

export default routes;
