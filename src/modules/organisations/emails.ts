// The words of the directory's e-mails about memberships, kept together. Plain text only.

type Mail = { subject: string; body: string; kind: string };

type Request = {
  requester: { name: string; email: string };
  organisation: string;
  message: string;
  membersPage: string;
};

const said = (message: string) => (message ? `\n\nThey wrote:\n${message}` : '');

/** To the infrastructure body: someone says they run an organisation. */
export function claimMessage(o: Request): Mail {
  return {
    kind: 'organisation.claim',
    subject: `${o.requester.name} has claimed ${o.organisation}`,
    body: `${o.requester.name} (${o.requester.email}) says they run ${o.organisation} and has asked to manage its profile.${said(o.message)}\n\nCheck the claim and approve or refuse it: ${o.membersPage}`,
  };
}

/** To an organisation's administrators: someone asks to join it. */
export function joinRequestMessage(o: Request): Mail {
  return {
    kind: 'membership.request',
    subject: `${o.requester.name} has asked to join ${o.organisation}`,
    body: `${o.requester.name} (${o.requester.email}) has asked to join ${o.organisation}.${said(o.message)}\n\nApprove or refuse the request: ${o.membersPage}`,
  };
}

/** To the person who asked: the decision on their request to join or to manage an organisation. */
export function decisionMessage(o: {
  decision: 'approve' | 'refuse';
  role: 'member' | 'admin';
  organisation: string;
  editLink: string;
  pageLink: string;
  infrastructureBody: string;
  contactEmail: string;
}): Mail {
  const what = o.role === 'admin' ? `manage ${o.organisation}` : `join ${o.organisation}`;
  if (o.decision === 'approve') {
    return {
      kind: 'membership.approve',
      subject: `You can now ${o.role === 'admin' ? 'manage' : 'act for'} ${o.organisation}`,
      body: `Your request to ${what} has been approved.\n\n${o.role === 'admin' ? `You can edit its profile and approve new members: ${o.editLink}` : `See the organisation: ${o.pageLink}`}`,
    };
  }
  return {
    kind: 'membership.refuse',
    subject: `Your request to ${what} was not approved`,
    body: `Your request to ${what} was not approved. If you think this is a mistake, contact ${o.infrastructureBody} at ${o.contactEmail}.`,
  };
}

/** To the infrastructure body: a verified organisation's administrator changed what it was verified by. */
export function recheckMessage(o: {
  organisation: string;
  previousName: string;
  changed: string[];
  page: string;
}): Mail {
  const renamed = o.organisation === o.previousName ? '' : ` (previously ${o.previousName})`;
  return {
    kind: 'organisation.recheck',
    subject: `Check ${o.organisation} again`,
    body: `An administrator of ${o.organisation}${renamed} changed its ${o.changed.join(' and ')}. It is no longer shown as verified until you check it again.\n\nCheck the profile and verify it again: ${o.page}`,
  };
}
