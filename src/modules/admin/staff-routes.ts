import type { FastifyInstance } from 'fastify';
import type { Role } from '../../kernel/roles.ts';
import { type Access, ADMIN, allows, STAFF } from '../../web/access.ts';
import type { RouteServices } from '../../web/module.ts';

// What the staff home links to, as a model: each link is shown only to a role its page lets in, and only once.

export type StaffLink = { href: string; text: string /** Words after the link. */; note?: string };
export type StaffSection = { heading: string; links: StaffLink[] };
type Route = { method: string; url: string; access: Access };

/** Whether a page's route matches a path: `/needs/:slug` matches `/needs/food-poverty`. */
const matches = (url: string, path: string) => {
  const pattern = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]\w*/g, '[^/]+');
  return new RegExp(`^${pattern}$`).test(path);
};

/** Whether this role may open this path, by the access its GET route declares; an unknown path is not offered. */
export function mayOpen(routes: readonly Route[], role: Role, href: string): boolean {
  const path = href.split(/[?#]/)[0]!;
  const gets = routes.filter((r) => r.method === 'GET');
  const route = gets.find((r) => r.url === path) ?? gets.find((r) => matches(r.url, path));
  return !!route && allows(route.access, role);
}

/**
 * The links the role may use, each once: the first place a page is linked from keeps it (what is waiting comes
 * first), and a section left with no links is left out.
 */
export function usableLinks(routes: readonly Route[], role: Role, waiting: StaffLink[], sections: StaffSection[]) {
  const seen = new Set<string>();
  const keep = (l: StaffLink) => {
    if (seen.has(l.href) || !mayOpen(routes, role, l.href)) return false;
    seen.add(l.href);
    return true;
  };
  const waitingShown = waiting.filter(keep);
  const sectionsShown = sections.map((s) => ({ ...s, links: s.links.filter(keep) })).filter((s) => s.links.length > 0);
  return { waiting: waitingShown, sections: sectionsShown };
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/** Every link the staff home may offer, before it is cut down to what the viewer may use. */
function staffSections(isAdmin: boolean): StaffSection[] {
  const sections: StaffSection[] = [
    {
      heading: 'Commissioning',
      links: [
        { href: '/needs', text: 'Needs assessments' },
        { href: '/needs/new', text: 'Start a needs assessment' },
        { href: '/specifications', text: 'Specifications' },
        { href: '/opportunities', text: 'Opportunities' },
        { href: '/panels', text: 'Assessment panels you are on' },
        { href: '/awards', text: 'Awards' },
      ],
    },
    {
      heading: 'Spend with the sector',
      links: [
        { href: '/spend', text: 'The public figures' },
        { href: '/spend/methodology', text: 'How the public figures are worked out' },
        { href: '/spend/imports', text: 'Import a council’s spend file' },
        { href: '/spend/review', text: 'Suppliers to review' },
        { href: '/spend/published', text: 'Neighbours’ published figures' },
      ],
    },
    {
      heading: 'Organisations',
      links: [
        { href: '/organisations/verification', text: 'Check organisations waiting to be verified' },
        { href: '/organisations', text: 'Browse the directory of organisations' },
        { href: '/admin/imports', text: 'Import a register of charities, companies or clubs' },
      ],
    },
  ];
  if (isAdmin)
    sections.push({
      heading: 'Administration',
      links: [
        { href: '/admin', text: 'Administration home' },
        { href: '/admin/users', text: 'Users and roles' },
        { href: '/admin/invitations', text: 'Invite staff' },
        { href: '/admin/audit', text: 'Audit log' },
        { href: '/admin/outbox', text: 'Outbox' },
        { href: '/admin/priorities', text: 'Local priorities' },
      ],
    });
  sections.push({ heading: 'Your account', links: [{ href: '/account', text: 'Your details and password' }] });
  return sections;
}

// The staff home, which says what is waiting, and the administration dashboard.
export async function staffRoutes(app: FastifyInstance, services: RouteServices) {
  const { accounts, outbox } = services;
  const admin = { config: { access: ADMIN } };

  app.get('/staff', { config: { access: STAFF } }, async (request, reply) => {
    const role = request.user!.role;
    const may = (href: string) => mayOpen(app.routeTable, role, href);
    // Only what the viewer may act on is counted.
    const [verification, review, contributions, questions] = await Promise.all([
      may('/organisations/verification') ? services.organisations.verificationQueue() : [],
      may('/spend/review') ? services.spendResolution.waitingCount() : 0,
      services.needs.waiting(),
      services.opportunities.unansweredClarifications(),
    ]);
    const waiting: StaffLink[] = [
      ...(verification.length
        ? [
            {
              href: '/organisations/verification',
              text: `${plural(verification.length, 'organisation', 'organisations')} to verify`,
            },
          ]
        : []),
      ...(review
        ? [
            {
              href: '/spend/review',
              text: `${plural(review, 'supplier', 'suppliers')} to review`,
              note: ', in case they are voluntary or community organisations',
            },
          ]
        : []),
      ...contributions.map((c) => ({
        href: `/needs/${c.slug}`,
        text: `${plural(Number(c.n), 'contribution', 'contributions')} to answer`,
        note: ` on ${c.title}`,
      })),
      ...questions.map((q) => ({
        href: `/opportunities/${q.slug}`,
        text: `${plural(Number(q.n), 'question', 'questions')} to answer`,
        note: ` on ${q.title}`,
      })),
    ];
    const links = usableLinks(app.routeTable, role, waiting, staffSections(role === 'admin'));
    return reply.view('admin/views/staff.njk', { title: 'Staff home', ...links });
  });

  app.get('/admin', admin, async (_request, reply) => {
    const [users, pendingEmails] = await Promise.all([accounts.counts(), outbox.unsentCount()]);
    const counts = { users: users.users, disabledUsers: users.disabled, pendingEmails };
    return reply.view('admin/views/dashboard.njk', { title: 'Administration', counts });
  });
}
