import { formatDate, formatDateTime } from '../../../kernel/dates.ts';
import { refusal } from '../../../kernel/result.ts';
import { type Role, roleLabels } from '../../../kernel/roles.ts';
import { escapeHtml, tag } from '../../../web/html.ts';
import { type Column, toGovukTable } from '../../../web/table.ts';

// The words of assessment's pages and refusals.

export type ExclusionReason = 'declared_interest' | 'member_of_applicant';

/** Why a member may not score an application, to follow "because". */
export const reasonText: Record<ExclusionReason, string> = {
  declared_interest: 'you declared an interest in it',
  member_of_applicant: 'you are a member of an organisation in this application',
};

/**
 * What someone kept from an application by a conflict sees in place of its content, its total and its rank: the
 * reason in a few words.
 */
export const conflictMark: Record<ExclusionReason, string> = {
  declared_interest: 'You declared an interest',
  member_of_applicant: 'You are a member of an organisation in it',
};

/** Why the page of an application is closed to this person, for the refusal. */
export const conflictRefusal = (reference: string, reason: ExclusionReason) =>
  refusal(
    403,
    `Application ${reference} exists, but ${reasonText[reason]}, so you cannot see what it says or how it was assessed.`,
  );

/** The panel member's declaration as the overview and their page show it. */
export const declarationText = (count: number) =>
  count === 0 ? 'No interests' : `An interest in ${count} application${count === 1 ? '' : 's'}`;

type Cancellable = { status: string; cancelled_at: Date | null; updated_at: Date };

/** Why nothing more is assessed, when the opportunity was cancelled; otherwise null. */
export const cancellation = (o: Cancellable) =>
  o.status === 'cancelled'
    ? `This opportunity was cancelled on ${formatDate(o.cancelled_at ?? o.updated_at)}, so its applications will not be assessed.`
    : null;

export const refuseIfCancelled = (o: Cancellable) => {
  const message = cancellation(o);
  return message ? refusal(409, message) : null;
};

export const refusals = {
  notFound: refusal(404, 'There is no such opportunity.'),
  notMember: refusal(403, 'Only the members of this opportunity’s assessment panel can see this page.'),
  onlyStaff: refusal(403, 'Only staff can see this.'),
  onlyCommissioners: refusal(403, 'Only commissioners can do this.'),
  notOnPanel: refusal(404, 'That person is not on this opportunity’s panel.'),
  noApplication: refusal(404, 'There is no such application to assess.'),
  declareFirst: refusal(409, 'Declare your interests before you score any application.'),
  notClosed: refusal(409, 'Scoring starts once the opportunity has closed.'),
  moderated: refusal(409, 'This application has been moderated, so scores can no longer change.'),
  noScorers: refusal(409, 'No panel member can score this application yet: add members to the panel.'),
  decided: refusal(409, 'The decision on this application has been made, so its scores cannot change.'),
  allDecided: refusal(409, 'Every application has its decision.'),
  othersToDecide: refusal(
    403,
    'Every application still waiting is one you are kept from by a conflict of interest: another commissioner decides on it.',
  ),
  panelClosed: refusal(
    409,
    'Moderation of this opportunity’s applications has started, so no one can be added to the panel: every application is assessed by the same panel.',
  ),
  noAccount: refusal(400, 'No one has an account with that email address', {
    issues: [{ field: 'email', message: 'No one has an account with that email address: ask them to register first' }],
  }),
  alreadyOnPanel: (name: string) =>
    refusal(400, 'Already on the panel', { issues: [{ field: 'email', message: `${name} is already on the panel` }] }),
  panelFixed: (name: string) =>
    refusal(
      409,
      `Moderation of this opportunity’s applications has started, so ${name} can no longer be removed from the panel: the agreed scores were reached with theirs.`,
    ),
  stillToScore: (names: string[]) =>
    refusal(409, `Moderation starts when every panel member has scored. Still to score: ${names.join(', ')}.`),
  excluded: (reason: ExclusionReason) =>
    refusal(403, `You cannot score this application because ${reasonText[reason]}.`),
};

type Scored = { name: string; score: number; comment: string };

/** The spread of the panel's scores on one criterion, for moderation: each member's score and comment. */
export const spreadTable = (c: { low: number; high: number; spread: Scored[] }) => ({
  ...toGovukTable<Scored>({
    caption: `Scores from ${c.low} to ${c.high}`,
    columns: [
      { header: 'Panel member', value: (s) => s.name },
      { header: 'Score', value: (s) => s.score, numeric: true },
      { header: 'Comment', value: (s) => s.comment },
    ],
    rows: c.spread,
  }),
  captionClasses: 'govuk-table__caption--s',
});

type Criterion = { id: string; title: string; max_score: number };

/** The other members' scores, criterion by criterion, shown to a member once their own are in. */
export function othersTable(criteria: Criterion[], others: (Scored & { criterion_id: string })[]) {
  const rows = criteria.flatMap((c) => others.filter((s) => s.criterion_id === c.id).map((s) => ({ c, s })));
  return toGovukTable<(typeof rows)[number]>({
    captionHidden: true,
    caption: 'The other panel members’ scores',
    columns: [
      { header: 'Criterion', value: (r) => r.c.title },
      { header: 'Panel member', value: (r) => r.s.name },
      { header: 'Score', value: (r) => `${r.s.score} of ${r.c.max_score}`, numeric: true },
      { header: 'Comment', value: (r) => r.s.comment },
    ],
    rows,
  });
}

type Row = {
  reference: string;
  title: string;
  lead_name: string;
  lot_number: number | null;
  scored: number;
  scorers: number;
  missing: string[];
  totalText: string;
  rank: number | null;
  status: string;
  statusLabel: string;
  award: string | null;
  /** Why the viewer sees only that it exists (a conflict of interest), or null. */
  conflict: string | null;
};

/**
 * The staff overview's applications, by lot and rank: scoring progress, agreed total, rank, status and award. An
 * application the viewer is kept from by a conflict shows only that it exists, marked in place of its total.
 */
export function applicationsTable(rows: Row[], o: { slug: string }, can: { moderate: boolean; award: boolean }) {
  const e = escapeHtml;
  const reference = (a: Row) =>
    can.moderate && !a.conflict
      ? `<a class="govuk-link" href="/opportunities/${e(o.slug)}/assessment/applications/${e(a.reference)}">${e(a.reference)}</a>`
      : e(a.reference);
  const about = (a: Row) => (a.conflict ? e(a.lead_name) : `${e(a.lead_name)}: ${e(a.title)}`);
  const award = (a: Row) => {
    if (a.status !== 'successful' || !can.award || a.conflict) return '';
    const [href, text] = a.award
      ? [`/awards/${e(a.award)}`, 'See the award']
      : [`/opportunities/${e(o.slug)}/awards/new?application=${e(a.reference)}`, 'Make the award'];
    return `<br><a class="govuk-link" href="${href}">${text}<span class="govuk-visually-hidden"> for ${e(a.reference)}</span></a>`;
  };
  return {
    ...toGovukTable<Row>({
      caption: 'Applications, by lot and rank',
      columns: [
        {
          header: 'Application',
          value: (a) => a.reference,
          html: (a) => `${reference(a)}<br><span class="govuk-body-s">${about(a)}</span>`,
        },
        { header: 'Lot', value: (a) => (a.lot_number ? `Lot ${a.lot_number}` : 'Whole opportunity') },
        {
          header: 'Scored',
          value: (a) => (a.conflict ? '' : `${a.scored} of ${a.scorers}`),
          html: (a) =>
            a.conflict
              ? ''
              : `${a.scored} of ${a.scorers}${a.missing.length ? `<br><span class="govuk-body-s">Still to score: ${e(a.missing.join(', '))}</span>` : ''}`,
        },
        {
          header: 'Weighted total',
          value: (a) => a.conflict ?? (a.totalText || 'Not moderated'),
          html: (a) => (a.conflict ? tag(a.conflict, 'grey') : e(a.totalText || 'Not moderated')),
          numeric: true,
        },
        { header: 'Rank', value: (a) => a.rank || '', numeric: true },
        { header: 'Status', value: (a) => a.statusLabel, html: (a) => `${e(a.statusLabel)}${award(a)}` },
      ],
      rows,
    }),
    captionClasses: 'govuk-table__caption--s',
  };
}

type PanelRow = { slug: string; title: string; closes_at: Date | string; declared_at: Date | string | null };

/** A member's panels, on their "Your assessment panels" page. */
export function panelsTable(panels: PanelRow[]) {
  const declared = (p: PanelRow) => (p.declared_at ? `Declared ${formatDate(p.declared_at)}` : 'Not declared');
  return toGovukTable({
    caption: 'Opportunities whose applications you assess',
    captionHidden: true,
    rows: panels,
    columns: [
      {
        header: 'Opportunity',
        value: (p) => p.title,
        html: (p) =>
          `<a class="govuk-link" href="/opportunities/${escapeHtml(p.slug)}/panel">${escapeHtml(p.title)}</a>`,
      },
      { header: 'Closes', value: (p) => formatDateTime(p.closes_at) },
      {
        header: 'Your declaration',
        value: declared,
        html: (p) => (p.declared_at ? escapeHtml(declared(p)) : tag('Not declared', 'yellow')),
      },
    ],
  });
}

type ToScore = {
  reference: string;
  title: string;
  lot_number: number | null;
  lead_name: string;
  exclusion: { text: string } | null;
  complete: boolean;
};

/** The applications a member scores, with where they are with each, on their panel page. */
export function toScoreTable(slug: string, applications: ToScore[], cancelled: boolean) {
  const scores = (a: ToScore) => (a.exclusion ? 'Excluded' : a.complete ? 'Scored' : 'To score');
  return toGovukTable({
    caption: 'Applications to score',
    captionHidden: true,
    rows: applications,
    columns: [
      {
        header: 'Application',
        value: (a) => a.reference,
        html: (a) => {
          const ref = escapeHtml(a.reference);
          const name =
            a.exclusion || cancelled
              ? ref
              : `<a class="govuk-link" href="/opportunities/${escapeHtml(slug)}/panel/applications/${ref}">${ref}</a>`;
          const lot = a.lot_number ? ` (lot ${a.lot_number})` : '';
          return `${name}<br><span class="govuk-body-s">${escapeHtml(a.title)}${lot}</span>`;
        },
      },
      { header: 'Lead organisation', value: (a) => a.lead_name },
      {
        header: 'Your scores',
        value: scores,
        html: (a) =>
          a.exclusion
            ? `${tag('Excluded', 'red')}<br><span class="govuk-body-s">You cannot score this application because ${escapeHtml(a.exclusion.text)}.</span>`
            : tag(scores(a), a.complete ? 'green' : 'grey'),
      },
    ],
  });
}

type Member = {
  user_id: string;
  name: string;
  email: string;
  role: Role;
  declared_at: Date | string | null;
  declaration: string | null;
  exclusions: { reference: string; reason: string; detail: string | null }[];
};

/** The panel on the staff overview: who, their declaration, what they cannot score, and a link to remove them. */
export function panelTable(panel: Member[], slug: string, removable: boolean) {
  const declared = (m: Member) =>
    m.declared_at ? `${m.declaration ?? ''} (${formatDate(m.declared_at)})` : 'Not declared';
  const excluded = (e: Member['exclusions'][number]) =>
    `${e.reference}: ${e.reason === 'declared_interest' ? 'declared interest' : 'member of the applicant'}${e.detail ? ` (${e.detail})` : ''}`;
  const columns: Column<Member>[] = [
    {
      header: 'Name',
      value: (m) => `${m.name} (${m.email})`,
      html: (m) => `${escapeHtml(m.name)}<br><span class="govuk-body-s">${escapeHtml(m.email)}</span>`,
    },
    { header: 'Role', value: (m) => roleLabels[m.role] ?? m.role },
    {
      header: 'Declaration',
      value: declared,
      html: (m) => (m.declared_at ? escapeHtml(declared(m)) : tag('Not declared', 'yellow')),
    },
    {
      header: 'Cannot score',
      value: (m) => m.exclusions.map(excluded).join('; ') || 'None',
      html: (m) =>
        m.exclusions.map((e) => `<span class="govuk-!-display-block">${escapeHtml(excluded(e))}</span>`).join('') ||
        'None',
    },
  ];
  if (removable)
    columns.push({
      header: '',
      headerHtml: '<span class="govuk-visually-hidden">Change</span>',
      value: () => 'Remove',
      html: (m) =>
        `<a class="govuk-link" href="/opportunities/${escapeHtml(slug)}/assessment/panel/${escapeHtml(m.user_id)}/remove">Remove<span class="govuk-visually-hidden"> ${escapeHtml(m.name)} from the panel</span></a>`,
    });
  return toGovukTable({
    caption: `${panel.length} panel member${panel.length === 1 ? '' : 's'}`,
    captionSize: 's',
    rows: panel,
    columns,
  });
}
