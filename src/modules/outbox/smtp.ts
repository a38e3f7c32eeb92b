import nodemailer from 'nodemailer';
import type { DeliveryAdapter } from './service.ts';

/** Production delivery through an SMTP relay given as a URL (smtps://user:pass@host:465). */
export function smtpAdapter(url: string): DeliveryAdapter {
  const transport = nodemailer.createTransport(url);
  return {
    name: 'smtp',
    async deliver(email) {
      await transport.sendMail({ from: email.from, to: email.to, subject: email.subject, text: email.body });
    },
  };
}
