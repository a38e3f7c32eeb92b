import { statusLabel as needStatusLabel } from '../../needs/present.ts';

// The words of the chain: each step is labelled as its own pages label it.

export type ChainItem = {
  id: string;
  href: string;
  title: string;
  status: string;
  statusLabel: string;
  current: boolean;
};

const awardLabels: Record<string, string> = { active: 'Active', ended: 'Ended', cancelled: 'Cancelled' };

export const labels = {
  need: needStatusLabel,
  award: (status: string) => awardLabels[status] ?? status,
};

export const chainItem = (
  href: string,
  row: { id: string; title: string; status: string },
  statusLabel: string,
  current: boolean,
): ChainItem => ({ id: row.id, href, title: row.title, status: row.status, statusLabel, current });
