import type { Role } from '../../db/schema.ts';
import { roleLabels } from '../../web/access.ts';

// The words of every account e-mail, kept together so they read as one voice. Plain text only.

type Mail = { subject: string; body: string; kind: string };

const signature = (serviceName: string) => `\n\n${serviceName}`;

export function confirmEmailMessage(o: { serviceName: string; name: string; link: string }): Mail {
  return {
    kind: 'confirm_email',
    subject: `Confirm your email address for ${o.serviceName}`,
    body: `Dear ${o.name},

To confirm your email address, open this link:

${o.link}

The link works once and stops working after 24 hours. If you did not create an account, you can ignore this email.${signature(o.serviceName)}`,
  };
}

export function alreadyRegisteredMessage(o: {
  serviceName: string;
  name: string;
  signInLink: string;
  resetLink: string;
}): Mail {
  return {
    kind: 'already_registered',
    subject: `You already have an account with ${o.serviceName}`,
    body: `Dear ${o.name},

Someone tried to create an account with this email address, but you already have one.

Sign in here:
${o.signInLink}

If you have forgotten your password, reset it here:
${o.resetLink}

If this was not you, you can ignore this email. Your account has not changed.${signature(o.serviceName)}`,
  };
}

export function resetPasswordMessage(o: { serviceName: string; name: string; link: string }): Mail {
  return {
    kind: 'reset_password',
    subject: `Reset your password for ${o.serviceName}`,
    body: `Dear ${o.name},

To choose a new password, open this link:

${o.link}

The link works once and stops working after 1 hour. If you did not ask to reset your password, you can ignore this email: your password has not changed.${signature(o.serviceName)}`,
  };
}

/** To an address with no account, when someone asks to reset its password: the same work as a real reset. */
export function noAccountMessage(o: { serviceName: string; registerLink: string }): Mail {
  return {
    kind: 'reset_password_no_account',
    subject: `Reset your password for ${o.serviceName}`,
    body: `Someone asked to reset the password of an account with this email address, but there is no account with it.

If you meant to create an account, you can do that here:
${o.registerLink}

If you did not ask, you can ignore this email.${signature(o.serviceName)}`,
  };
}

/** To the owner of a disabled account who asks to reset its password. */
export function resetUnavailableMessage(o: { serviceName: string; name: string }): Mail {
  return {
    kind: 'reset_password_disabled',
    subject: `Reset your password for ${o.serviceName}`,
    body: `Dear ${o.name},

Someone asked to reset the password of your account, but your account has been disabled, so its password cannot be reset. Contact an administrator if you think this is wrong.${signature(o.serviceName)}`,
  };
}

/** To the owner of an address that has been locked after too many attempts to sign in. */
export function unlockMessage(o: { serviceName: string; name: string; link: string; resetLink: string }): Mail {
  return {
    kind: 'unlock_sign_in',
    subject: `Someone has been trying to sign in to your account on ${o.serviceName}`,
    body: `Dear ${o.name},

There have been too many attempts to sign in to your account with a wrong password, so we have stopped anyone signing in to it for 15 minutes, except from a device you have signed in from before.

If it was you, open this link to let you sign in again straight away:

${o.link}

The link works once and stops working after 1 hour.

If it was not you, your password is still safe, but you may want to change it to a longer one:
${o.resetLink}${signature(o.serviceName)}`,
  };
}

export function invitationMessage(o: {
  serviceName: string;
  role: Role;
  link: string;
  invitedBy: string | null;
}): Mail {
  const who = o.invitedBy ? `${o.invitedBy} has invited you` : 'You have been invited';
  return {
    kind: 'invitation',
    subject: `You have been invited to ${o.serviceName}`,
    body: `${who} to join ${o.serviceName} as ${article(roleLabels[o.role])} ${roleLabels[o.role].toLowerCase()}.

To accept, open this link and choose your password:

${o.link}

The link works once and stops working after 7 days.${signature(o.serviceName)}`,
  };
}

export function passwordChangedMessage(o: { serviceName: string; name: string; resetLink: string }): Mail {
  return {
    kind: 'password_changed',
    subject: `Your password for ${o.serviceName} has been changed`,
    body: `Dear ${o.name},

Your password has just been changed, and you have been signed out everywhere else.

If you did not do this, reset your password now and tell us:
${o.resetLink}${signature(o.serviceName)}`,
  };
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
