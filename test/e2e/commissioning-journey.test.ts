import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.ts';
import { haveOcdsSchemas, ocdsValidator } from '../../src/modules/commissioning/ocds/validator.ts';
import { approveMember, insertOrganisation } from '../support/applications.ts';
import { addPerson, hasChromium, newContext, Site, signInAs, useSiteAndBrowser } from './support/browser.ts';
import {
  addOutcomeWithIndicator,
  chainOf,
  completeApplicationTasks,
  contribute,
  followInChain,
  openNeedsAssessment,
  pageText,
  respondToContribution,
} from './support/commissioning.ts';

if (!haveOcdsSchemas)
  console.warn(
    'OCDS schema validation skipped in the commissioning journey: ../shared/standards/ocds is absent (../shared/standards is not checked out).',
  );

// The whole commissioning chain across every role, through the pages only, in one run on one site: some people
// browse with JavaScript on and the others with it off, so that each page that JavaScript changes (the sign-in
// form, the contribution and answer forms with their character counts, the declaration with its conditional
// questions) is used both ways: the commissioner, the officer and the lead partner with it on; the resident, the
// small organisation, the partner and the visitor with it off.
// A commissioner opens a needs assessment; a resident contributes and is answered; the specification is co-produced
// with the resident, and making an opportunity from it is refused until it has an outcomes framework that is signed
// off; the opportunity is published with a lot that suits small organisations; a small organisation applies alone
// and a partnership applies jointly (its partner confirming its part); the panel (a resident, an infrastructure
// officer and a member of the partner organisation, who is excluded from the partnership's application) scores;
// the commissioner moderates, decides with feedback and makes the award; a visitor follows the chain from the need
// to the award and back, and the process's OCDS release validates. Every page visited is checked with axe.
// People and organisations are made directly (signing up is tested elsewhere); the only other change made to the
// database is moving the closing date into the past once the applications are in, as time would.
describe.skipIf(!hasChromium)('commissioning from a need to an award, across every role', () => {
  const env = useSiteAndBrowser();

  it('with JavaScript on for some people and off for others', async () => {
    const site = env.site;
    const browser = env.browser;
    const contexts: BrowserContext[] = [];
    try {
      const db = site.t.handle.db;
      const services = site.t.services;
      const person = async (role: Role, name: string) => {
        const email = `${name.toLowerCase().replace(/\W+/g, '.')}@journey.test`;
        await addPerson(site, role, email, name);
        const { id } = await db
          .selectFrom('app_user')
          .select('id')
          .where('email', '=', email)
          .executeTakeFirstOrThrow();
        return { email, id, name };
      };
      const signIn = async (email: string, javaScript: boolean) => {
        const context = await newContext(browser, { javaScript });
        contexts.push(context);
        return signInAs(context, site.baseUrl, email);
      };
      /** A local organisation in the directory, working in Shirley North, with its size known from its income. */
      const organisation = async (name: string, incomePence: number | null, identifiers: string[]) => {
        const made = await insertOrganisation(services, name, identifiers);
        await services.organisations.patch(made.id, { latestIncomePence: incomePence });
        await services.organisations.setWards(made.id, ['shirley-north']);
        return made;
      };

      const commissioner = await person('commissioner', 'Cleo Commissioner');
      const resident = await person('resident', 'Ravi Resident');
      const officer = await person('officer', 'Olu Officer');
      const sam = await person('vcs_member', 'Sam Small');
      const lena = await person('vcs_member', 'Lena Lead');
      const pat = await person('vcs_member', 'Pat Partner');
      const small = await organisation('Shirley Lunch Circle', 6_000_000, ['GB-CHC-1190001']);
      const lead = await organisation('Croydon Food Partnership', 40_000_000, ['GB-COH-09876543']);
      const partner = await organisation('Shirley Community Kitchen', 4_500_000, ['GB-CHC-1190002']);
      const allotments = await organisation('Shirley Allotment Society', null, []);
      await approveMember(db, sam.id, small.id);
      // Lena belongs to two organisations and chooses which one leads.
      await approveMember(db, lena.id, lead.id);
      await approveMember(db, lena.id, allotments.id);
      await approveMember(db, pat.id, partner.id);

      const needTitle = 'Lunch clubs for older people in Shirley';
      const specTitle = 'Lunch clubs in Shirley';
      const oppTitle = 'Lunch clubs and meals in Shirley';
      const indicator = 'Older people eating a hot meal in company each week';
      const question = 'How will you reach people who live alone?';
      const criterion = 'Understanding of local need';
      const awardTitle = 'Tuesday lunch club in Shirley';

      // 1. The commissioner opens a needs assessment for input.
      const c = await signIn(commissioner.email, true);
      const needPath = await openNeedsAssessment(c, {
        title: needTitle,
        need: 'Older people in Shirley who live alone miss a hot meal and company.',
        ward: 'Shirley North',
        closes: new Date(Date.now() + 30 * 86_400_000),
      });

      // 2. A resident contributes and supports the need; the commissioner answers; the resident reads the answer.
      const r = await signIn(resident.email, false);
      await contribute(r, needPath, 'An idea', 'A lunch club at the Shirley community centre on Tuesdays');
      await r.press('I support this need');
      expect(await pageText(r)).toContain('1 person supports this need');
      await respondToContribution(c, needPath, 'The specification asks for a Tuesday lunch club in Shirley');
      await r.visit(needPath);
      const saidDid = (await r.page.locator('#you-said-we-did ~ .govuk-inset-text').first().textContent()) ?? '';
      expect(saidDid).toContain('You said: A lunch club at the Shirley community centre on Tuesdays');
      expect(saidDid).toContain('We did: The specification asks for a Tuesday lunch club in Shirley');

      // 3. The commissioner drafts the specification from the need and invites the resident to co-produce it.
      await c.visit(needPath);
      await c.follow('Draft a specification');
      expect(await c.heading()).toBe('Draft a specification');
      await c.fill('Title', specTitle);
      await c.fill('Context', 'Older people in Shirley told us they miss a hot meal and company.');
      await c.fill(
        'Service requirements',
        'Lunch clubs at least weekly, and meals delivered to those who cannot come.',
      );
      await c.fill('Budget', '£80,000 a year.');
      await c.press('Save draft');
      expect(await c.heading()).toBe(specTitle);
      const specPath = new URL(c.page.url()).pathname;
      await c.fill('Email address', resident.email);
      await c.fill('Taking part as', 'Resident of Shirley');
      await c.press('Invite co-producer');
      expect(await pageText(c)).toContain(`${resident.name} is invited as a co-producer`);

      // The resident comments on a section and signs off the first version.
      await r.visit(specPath);
      await r.page.getByLabel('Section', { exact: true }).selectOption('service_requirements');
      await r.fill('Your comment', 'Tuesdays suit us: the community centre is free then.');
      await r.press('Add comment');
      expect(await pageText(r)).toContain('Your comment has been added');
      await r.press('Sign off version 1');
      expect(await pageText(r)).toContain('Every co-producer has now signed it off');

      // 4. Making an opportunity from it is refused: it has no outcomes framework, and the refusal says so.
      await c.visit(specPath);
      await c.press('Create an opportunity from this specification');
      const refusal = (await c.page.locator('.govuk-error-summary').textContent()) ?? '';
      expect(refusal).toContain('An opportunity cannot be created from this specification yet');
      expect(refusal).toContain('Add at least one outcome to the outcomes framework');

      // The framework is added, which makes a new version; the resident signs that off too.
      await c.visit(specPath);
      await addOutcomeWithIndicator(c, 'Older people are less isolated', {
        name: indicator,
        unit: 'people',
        baseline: '40',
        target: '120',
        direction: 'Increase',
        frequency: 'Quarterly',
        dataSource: 'Lunch club registers',
        byWard: true,
        byGroup: false,
      });
      await r.visit(specPath);
      await r.press('Sign off version');
      expect(await pageText(r)).toContain('Every co-producer has now signed it off');

      // 5. The opportunity is made, with a lot that suits small organisations, and published.
      await c.visit(specPath);
      await c.press('Create an opportunity from this specification');
      expect(await c.heading()).toBe('Create an opportunity');
      await c.fill('Title', oppTitle);
      await c.fill('Summary', 'Weekly lunch clubs run by local groups, and meals delivered across the borough.');
      await c.page.getByLabel('Grant', { exact: true }).check();
      await c.page.getByLabel('Shirley North', { exact: true }).check();
      await c.fill('Total value', '80,000');
      await c.fill('Duration', '12');
      await c.page.locator('#closes-day').fill('31');
      await c.page.locator('#closes-month').fill('1');
      await c.page.locator('#closes-year').fill(String(new Date().getUTCFullYear() + 1));
      await c.fill('Closing time', '5pm');
      await c.press('Create draft opportunity');
      expect(await pageText(c)).toContain('Draft opportunity created');
      const oppPath = new URL(c.page.url()).pathname;

      for (const [title, value, suitsSmall] of [
        ['Lunch clubs run by local groups', '20000', true],
        ['Meals delivered across the borough', '60000', false],
      ] as const) {
        await c.follow('Add a lot');
        await c.fill('Title', title);
        await c.fill('Value', value);
        if (suitsSmall) await c.page.getByLabel('This lot suits small organisations').check();
        await c.press('Save lot');
        expect(await pageText(c)).toContain('Lot added');
      }
      // The small organisation and the partner are among the local organisations that could bid for lot 1.
      const reach = c.page.locator('table', { hasText: 'Lot 1: who could bid' });
      expect(await reach.locator('tr', { hasText: 'Small (' }).locator('td').allTextContents()).toEqual(['2', 'Yes']);

      await c.follow('Application questions');
      await c.fill('Question', question);
      await c.press('Add question');
      expect(await pageText(c)).toContain('Question added');
      await c.visit(oppPath);
      await c.follow('Assessment criteria');
      await c.fill('Title', criterion);
      await c.fill('Weight', '100');
      await c.press('Add criterion');
      expect(await pageText(c)).toContain('The weights add up to 100%');
      await c.visit(oppPath);
      await c.follow('Check and publish');
      await c.press('Publish opportunity');
      expect(await pageText(c)).toContain('The opportunity is published and open for bids');
      const ocid = (
        await c.page.locator('.govuk-summary-list__row', { hasText: 'Open contracting id' }).locator('dd').textContent()
      )?.trim();
      expect(ocid).toBeTruthy();

      // 6. The small organisation finds the opportunity through the filter for small organisations and applies alone.
      const s = await signIn(sam.email, false);
      await s.visit('/opportunities');
      await s.page.getByLabel('Has a lot that suits small organisations').check();
      await s.press('Apply filters');
      await s.follow(oppTitle);
      await s.press('Start an application');
      await s.page.getByLabel('Lot 1: Lunch clubs run by local groups').check();
      await s.page.getByLabel('Alone, as a single organisation').check();
      await s.press('Start application');
      const smallRef = /APP-\d{4}-\d{6}/.exec(s.page.url())![0];
      await completeApplicationTasks(s, {
        title: 'Tuesday lunch club at the community centre',
        requested: '15,000',
        answers: { [question]: 'Through the GP surgery, the library and our volunteers knocking on doors.' },
        budget: [
          ['Cook and coordinator', '11000'],
          ['Food and venue', '4000'],
        ],
        targets: { [indicator]: '60' },
      });
      expect(await pageText(s)).toContain('You have completed 4 of 4 sections');
      await s.follow('Check and submit');
      await s.press('Submit application');
      expect(await pageText(s)).toContain('Application submitted');

      // 7. A partnership applies jointly: Lena chooses which of her organisations leads, adds the partner from the
      // directory; Pat confirms the partner's part from his dashboard; Lena submits.
      const l = await signIn(lena.email, true);
      await l.visit(oppPath);
      await l.press('Start an application');
      await l.page.getByLabel(lead.name, { exact: true }).check();
      await l.page.getByLabel('Lot 2: Meals delivered across the borough').check();
      await l.page.getByLabel('As a partnership of organisations').check();
      await l.press('Start application');
      const jointRef = /APP-\d{4}-\d{6}/.exec(l.page.url())![0];
      await completeApplicationTasks(l, {
        title: 'Meals on wheels with a kitchen in Shirley',
        requested: '50,000',
        answers: { [question]: 'Our drivers already visit people living alone every day.' },
        budget: [['Drivers, cooks and food', '50000']],
        targets: { [indicator]: '80' },
      });
      await Promise.all([
        l.page.waitForNavigation(),
        l.page.getByRole('link', { name: 'Partners', exact: true }).click(),
      ]);
      await l.check();
      await l.fill('Search the directory by name', 'Shirley Community Kitchen');
      await l.press('Search');
      expect(await l.page.getByLabel(partner.name).isChecked()).toBe(true);
      await l.fill('Role in the partnership', 'Cooks the meals');
      await l.fill('Share of the value', '20000');
      await l.press('Add partner');
      expect(await pageText(l)).toContain(`${partner.name} added`);
      await l.follow(`Change ${lead.name}`);
      await l.fill('Role in the partnership', 'Leads and delivers the meals');
      await l.fill('Share of the value', '30000');
      await l.press('Save');
      await l.follow('Back to the application');
      await l.follow('Check and submit');
      expect(await pageText(l)).toContain(`${partner.name} has not yet confirmed its part`);

      const p = await signIn(pat.email, false);
      await p.visit('/applications');
      expect(await pageText(p)).toContain('Waiting for you to confirm');
      await p.follow(jointRef);
      await p.press(`Confirm ${partner.name}’s part`);
      expect(await pageText(p)).toContain(`You confirmed ${partner.name}’s part`);

      await l.visit(`/applications/${jointRef}/check`);
      expect(await pageText(l)).not.toContain('has not yet confirmed');
      await l.press('Submit application');
      expect(await pageText(l)).toContain('Application submitted');

      // Time passes: the opportunity closes.
      await db
        .updateTable('opportunity')
        .set({ closes_at: new Date(Date.now() - 60_000) })
        .where('ocid', '=', ocid!)
        .execute();

      // 8. The commissioner sets up the panel: the resident, the infrastructure officer and Pat, who is shown as
      // excluded from the partnership's application because he is a member of the partner.
      await c.visit(oppPath);
      await c.follow('Assessment: panel, scores, decisions and awards');
      expect(await c.heading()).toBe('Assessment');
      for (const member of [resident, officer, pat]) {
        await c.fill('Add a panel member', member.email);
        await c.press('Add to the panel');
        expect(await pageText(c)).toContain('added to the panel');
      }
      const panel = c.page.locator('table').first();
      expect(await panel.locator('tr', { hasText: pat.name }).textContent()).toContain(
        `${jointRef}: member of the applicant`,
      );
      expect(await panel.locator('tr', { hasText: resident.name }).textContent()).toContain('None');

      // Each member declares and scores on their own; Pat cannot score the partnership's application.
      const scores = new Map([
        [resident.email, { [smallRef]: '4', [jointRef]: '3' }],
        [officer.email, { [smallRef]: '5', [jointRef]: '3' }],
        [pat.email, { [smallRef]: '4' }],
      ]);
      for (const [email, mine] of scores) {
        const m = email === resident.email ? r : email === pat.email ? p : await signIn(email, true);
        await m.visit('/panels');
        await m.follow(oppTitle);
        await m.press('Declare your interests');
        await m.page.getByLabel('No, I have no interests to declare').check();
        await m.press('Save declaration');
        expect(await pageText(m)).toContain('Declaration recorded');
        if (email === pat.email) {
          expect(await pageText(m)).toContain(
            'You cannot score this application because you are a member of an organisation',
          );
          await m.visit(`${oppPath}/panel/applications/${jointRef}`);
          expect(await m.heading()).toBe('You cannot score this application');
        }
        for (const [ref, score] of Object.entries(mine)) {
          await m.visit(`${oppPath}/panel`);
          await m.follow(ref);
          expect(await m.heading()).toBe(`Score ${ref}`);
          await m.fill('Score from 0 to 5', score);
          await m.fill('Why this score', `Scored ${score} by ${email}`);
          await m.press('Save your scores');
          expect(await pageText(m)).toContain('Your scores have been saved');
        }
      }

      // 9. The commissioner moderates to agreed scores, and the ranking follows.
      for (const [ref, agreed] of [
        [smallRef, '4'],
        [jointRef, '3'],
      ] as const) {
        await c.visit(`${oppPath}/assessment`);
        await c.follow(ref);
        expect(await c.heading()).toBe(`Moderate ${ref}`);
        // Every score that counts is shown with its comment: the resident's and the officer's.
        for (const member of [resident, officer]) {
          expect(await pageText(c)).toContain(`Scored ${scores.get(member.email)![ref]} by ${member.email}`);
        }
        await c.fill(`Agreed score for ${criterion}`, agreed);
        await c.fill('How the panel agreed it', 'Agreed at the panel meeting');
        await c.press('Save agreed scores');
        expect(await pageText(c)).toContain('Agreed scores recorded');
      }
      const ranking = c.page.locator('table').nth(1);
      expect(await ranking.locator('tr', { hasText: smallRef }).textContent()).toContain('80.0%');
      expect(await ranking.locator('tr', { hasText: jointRef }).textContent()).toContain('60.0%');

      // Decisions with feedback for every applicant, then the award to the small organisation.
      await c.follow('Record the decisions and feedback');
      await c.page
        .getByRole('group', { name: `Decision on ${smallRef}` })
        .getByLabel('Successful', { exact: true })
        .check();
      await c.fill(`Feedback for ${small.name}`, 'A clear plan that reaches people living alone.');
      await c.page
        .getByRole('group', { name: `Decision on ${jointRef}` })
        .getByLabel('Unsuccessful', { exact: true })
        .check();
      await c.fill(`Feedback for ${lead.name}`, 'Good reach, but the delivery costs were not explained.');
      await c.press('Record decisions and tell applicants');
      expect(await pageText(c)).toContain('Decisions recorded and 2 applicants told');
      await c.follow(`Make the award for ${smallRef}`);
      expect(await c.heading()).toBe('Make the award');
      await c.fill('Title', awardTitle);
      await c.press('Make the award');
      expect(await pageText(c)).toContain('Award made');
      const awardPath = new URL(c.page.url()).pathname;

      // The partnership reads its feedback.
      await l.visit(`/applications/${jointRef}`);
      expect(await pageText(l)).toContain('the delivery costs were not explained');

      // 10. A visitor, signed out, follows the chain from the need to the award and back.
      const visitorContext = await newContext(browser, { javaScript: false });
      contexts.push(visitorContext);
      const v = new Site(await visitorContext.newPage(), site.baseUrl);
      await v.visit(needPath);
      const chain = chainOf(v);
      for (const title of [specTitle, oppTitle, awardTitle]) {
        expect(await chain.getByRole('link', { name: title, exact: true }).count()).toBe(1);
      }
      await followInChain(v, awardTitle);
      expect(new URL(v.page.url()).pathname).toBe(awardPath);
      expect(await pageText(v)).toContain(small.name);
      expect(await chainOf(v).locator('[aria-current="page"]').textContent()).toBe(awardTitle);
      await followInChain(v, needTitle);
      expect(new URL(v.page.url()).pathname).toBe(needPath);
      await followInChain(v, oppTitle);
      expect(await v.heading()).toBe(oppTitle);

      // The contracting process is open data, and its OCDS release validates.
      const res = await visitorContext.request.get(
        `${site.baseUrl}/open-data/ocds/releases/${encodeURIComponent(ocid!)}.json`,
      );
      expect(res.status()).toBe(200);
      const pkg = await res.json();
      const [release] = pkg.releases;
      expect(release.ocid).toBe(ocid);
      expect(release.tender.lots.map((lot: { title: string }) => lot.title)).toEqual([
        'Lunch clubs run by local groups',
        'Meals delivered across the borough',
      ]);
      expect(release.awards).toHaveLength(1);
      expect(release.awards[0].suppliers).toEqual([{ id: 'GB-CHC-1190001', name: small.name }]);
      expect(release.tender.numberOfTenderers).toBe(2);
      if (!haveOcdsSchemas) {
        console.warn('The journey’s OCDS release was not validated: ../shared/standards/ocds is absent.');
        return;
      }
      const validate = ocdsValidator();
      const valid = validate(pkg);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    } finally {
      for (const context of contexts) await context.close();
    }
  }, 480_000);
});
