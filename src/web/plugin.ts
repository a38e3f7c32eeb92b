import { createHash, createHmac } from 'node:crypto';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { isStaffRole } from '../kernel/roles.ts';
import type { CurrentUser, SessionService } from '../modules/accounts/sessions.ts';
import type { PlaceConfig } from '../modules/place/config.ts';
import { type Access, allows } from './access.ts';
import { RETRY_AFTER_SECONDS, registerRequestBudget } from './budget.ts';
import { controlCharacterMessages, hasControlCharacters } from './control-characters.ts';
import { createViewEnvironment, govukAssets, govukDist } from './views.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: CurrentUser | null;
    sessionToken: string | undefined;
  }
  interface FastifyReply {
    /** Render a page with the layout's shared context. */
    view(template: string, context?: Record<string, unknown>): FastifyReply;
    /** Render the GOV.UK-style error page. */
    errorPage(status: number, title: string, paragraphs: string[]): FastifyReply;
    /** Redirect after a form post (303 See Other), with an optional one-time message. */
    seeOther(location: string, flash?: string): FastifyReply;
  }
}

export const SESSION_COOKIE = 'sid';
const FLASH_COOKIE = 'flash';
const publicDir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../public');

export type WebOptions = { config: Config; place: PlaceConfig; sessions: SessionService };

/** The routes every page needs: who may call what, for the permission matrix test. */
export type RouteEntry = { method: string; url: string; access: Access };

/** What ties a CSRF token to its session: a hash of the session's token (never the token), or "anonymous". */
const csrfSessionOf = (request: FastifyRequest) =>
  request.user && request.sessionToken
    ? createHash('sha256').update(request.sessionToken).digest('base64url')
    : 'anonymous';

function navigationFor(user: CurrentUser | null, path: string) {
  const items = [
    { href: '/organisations', text: 'Organisations' },
    { href: '/spend', text: 'Spend' },
    { href: '/needs', text: 'Needs' },
    { href: '/opportunities', text: 'Opportunities' },
    { href: '/awards', text: 'Awards' },
    ...(user?.role === 'vcs_member' ? [{ href: '/applications', text: 'Your applications' }] : []),
    ...(isStaffRole(user?.role) ? [{ href: '/staff', text: 'Staff' }] : []),
    ...(user?.role === 'admin' ? [{ href: '/admin', text: 'Admin' }] : []),
  ];
  return items.map((item) => ({ ...item, active: path === item.href || path.startsWith(`${item.href}/`) }));
}

function accountLinksFor(user: CurrentUser | null, csrfToken: string) {
  if (!user) {
    return '<ul class="govuk-service-navigation__list"><li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="/sign-in">Sign in</a></li><li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="/register">Create an account</a></li></ul>';
  }
  return `<ul class="govuk-service-navigation__list"><li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="/account">Your account</a></li><li class="govuk-service-navigation__item"><form method="post" action="/sign-out" class="govuk-!-display-inline"><input type="hidden" name="_csrf" value="${csrfToken}"><button type="submit" class="govuk-service-navigation__link app-link-button">Sign out</button></form></li></ul>`;
}

async function web(app: FastifyInstance, { config, place, sessions }: WebOptions) {
  const env = createViewEnvironment();
  env.addGlobal('serviceName', place.serviceName);
  env.addGlobal('councilName', place.council.name);
  env.addGlobal('infrastructureBody', place.infrastructureBody);

  await app.register(cookie, { secret: config.sessionSecret });
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  // Registered once; each upload page sets its own limits when it reads the form (web/upload.ts).
  await app.register(multipart, { limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 10, parts: 11 } });
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: config.secureCookies,
  });
  // A token is tied to the session it was made for: one from another session (or from before signing in) is refused.
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' },
    csrfOpts: { hmacKey: createHmac('sha256', config.sessionSecret).update('csrf').digest() },
    getUserInfo: csrfSessionOf,
    getToken: (req: FastifyRequest) =>
      ((req.body as Record<string, string> | undefined)?._csrf ??
        (req.headers['x-csrf-token'] as string | undefined) ??
        (req.query as Record<string, string> | undefined)?._csrf) as string,
  });

  // Only our compiled stylesheet and the package's built assets are served: never templates or Sass.
  await app.register(fastifyStatic, {
    root: publicDir,
    prefix: '/assets/',
    allowedPath: (path) => /^\/[\w.-]+\.(css|map|svg|png|ico)$/.test(path),
    decorateReply: false,
    index: false,
    maxAge: '1h',
  });
  await app.register(fastifyStatic, {
    root: govukAssets,
    prefix: '/assets/govuk/',
    decorateReply: false,
    index: false,
    maxAge: '1d',
  });
  app.get('/assets/govuk-frontend.min.js', { config: { access: 'public' } }, (_req, reply) =>
    reply.type('text/javascript').header('cache-control', 'public, max-age=86400').send(
      // Read once and kept: it is a static file of a pinned package.
      govukScript,
    ),
  );
  const { readFileSync } = await import('node:fs');
  const govukScript = readFileSync(join(govukDist, 'govuk/govuk-frontend.min.js'));

  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', undefined);

  app.decorateReply('view', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const request = this.request;
    const csrfToken = this.generateCsrf({ userInfo: csrfSessionOf(request) });
    const flash = request.cookies[FLASH_COOKIE];
    if (flash) this.clearCookie(FLASH_COOKIE, { path: '/' });
    const html = env.render(template, {
      user: request.user,
      csrfToken,
      cspNonce: this.cspNonce.script,
      currentPath: request.url.split('?')[0],
      navigation: navigationFor(request.user, request.url.split('?')[0] ?? '/'),
      accountLinks: accountLinksFor(request.user, csrfToken),
      flash: flash ? this.unsignCookie(flash).value : undefined,
      place,
      ...context,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });

  app.decorateReply('errorPage', function (this: FastifyReply, status: number, title: string, paragraphs: string[]) {
    const signInHref = status === 401 ? `/sign-in?next=${encodeURIComponent(this.request.url)}` : undefined;
    return this.code(status).view('errors/error.njk', { title, paragraphs, signInHref });
  });

  app.decorateReply('seeOther', function (this: FastifyReply, location: string, flash?: string) {
    if (flash) {
      this.setCookie(FLASH_COOKIE, flash, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        signed: true,
        secure: config.secureCookies,
      });
    }
    return this.code(303).redirect(location);
  });

  // Every route declares who may call it; an undeclared route is a mistake caught at start-up.
  const routes: RouteEntry[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/assets/') && route.url !== '/assets/govuk-frontend.min.js') return;
    const access = route.config?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} does not declare config.access`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, access });
  });

  // First, so that everything after it (the session too) runs within the request's time budget.
  registerRequestBudget(app, config);

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.budget === false) return; // /health needs no session
    request.sessionToken = request.cookies[SESSION_COOKIE];
    request.user = await sessions.load(request.sessionToken);
  });

  app.addHook('preValidation', async (request, reply) => {
    if (![request.query, request.params, request.body].some((value) => hasControlCharacters(value))) return;
    if (request.url.startsWith('/api/') || request.url.startsWith('/open-data/'))
      return reply.code(400).send({ error: controlCharacterMessages.paragraphs[0] });
    return reply.errorPage(400, controlCharacterMessages.title, controlCharacterMessages.paragraphs);
  });

  app.addHook('preHandler', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined) return; // static files
    if (!allows(access, request.user?.role ?? null)) {
      if (!request.user) {
        if (request.method === 'GET')
          return reply.code(303).redirect(`/sign-in?next=${encodeURIComponent(request.url)}`);
        return reply.errorPage(401, 'You need to sign in', ['Sign in to do this.']);
      }
      return reply.errorPage(403, 'You do not have permission to see this page', [
        'Your account does not allow this. If you think it should, contact an administrator.',
      ]);
    }
    // Every change of state needs a CSRF token, whoever makes it.
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      await new Promise<void>((resolve, reject) => {
        app.csrfProtection(request, reply, (error?: unknown) => (error ? reject(error) : resolve()));
      });
    }
  });

  app.setNotFoundHandler({ preHandler: undefined }, (request, reply) => {
    if (request.url.startsWith('/api/') || request.url.startsWith('/open-data/')) {
      return reply.code(404).send({ error: 'Not found' });
    }
    return reply.errorPage(404, 'Page not found', [
      'If you typed the web address, check it is correct.',
      'If you pasted the web address, check you copied the entire address.',
    ]);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    // A query stopped by the request's statement timeout: the page took too long, and may not next time.
    const timedOut = error.code === '57014' && !request.budget?.signal.aborted;
    const status = timedOut ? 503 : (error.statusCode ?? 500);
    // Nobody is left to answer when the client went away (its queries were cancelled for that reason).
    if (error.code === 'CLIENT_GONE' || request.budget?.signal.aborted) {
      request.log.info({ err: { message: error.message, code: error.code } }, 'request abandoned by its client');
      return reply.code(499).send();
    }
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ err: { message: error.message, code: error.code } }, 'request refused');
    const wantsJson = request.url.startsWith('/api/') || request.url.startsWith('/open-data/');
    if (wantsJson) return reply.code(status).send({ error: status >= 500 ? 'Internal error' : error.message });
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      return reply.errorPage(403, 'Your form has expired', [
        'For your security, forms expire. Go back, reload the page and try again.',
      ]);
    }
    if (status === 413 || error.code === 'FST_REQ_FILE_TOO_LARGE' || error.code === 'FST_FILES_LIMIT') {
      return reply.errorPage(413, 'The file is too large', [
        `Files must be smaller than ${Math.round(config.uploadLimitBytes / 1024 / 1024)} MB. Split the file or compress it as a ZIP and try again.`,
      ]);
    }
    if (timedOut) {
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return reply.errorPage(503, 'Sorry, this page is taking too long', [
        'The service is busy or this page asked for a lot of data. Try again in a few seconds, or narrow your search.',
      ]);
    }
    if (status === 429) {
      return reply.errorPage(429, 'Too many attempts', ['Wait a few minutes and try again.']);
    }
    if (status < 500) {
      return reply.errorPage(status, 'Sorry, there is a problem with your request', [error.message]);
    }
    return reply.errorPage(500, 'Sorry, there is a problem with the service', [
      'Try again later. Nothing you entered has been saved unless you were told it was.',
    ]);
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

export const webPlugin = fp(web, { name: 'web' });
export { SESSION_COOKIE as sessionCookieName };
