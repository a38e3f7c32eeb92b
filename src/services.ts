import type { Config } from './config.ts';
import type { Database } from './db/index.ts';
import { createJobs } from './imports/jobs.ts';
import { createAccountService } from './modules/accounts/service.ts';
import { createSessionService } from './modules/accounts/sessions.ts';
import { createAuditService } from './modules/audit/service.ts';
import { createApplicationService } from './modules/commissioning/applications/service.ts';
import { createAssessmentService } from './modules/commissioning/assessment/service.ts';
import { createAwardService } from './modules/commissioning/awards/service.ts';
import { createChainService } from './modules/commissioning/chain/service.ts';
import { createOcdsService } from './modules/commissioning/ocds/service.ts';
import { createOpportunityService } from './modules/commissioning/opportunities/service.ts';
import { createSpecificationService } from './modules/commissioning/specifications/service.ts';
import { createNeedsService } from './modules/needs/service.ts';
import { createNameKeyService } from './modules/organisations/name-keys.ts';
import { createRegisterImportService } from './modules/organisations/registers/service.ts';
import { createOrganisationService } from './modules/organisations/service.ts';
import { createOutboxService, type DeliveryAdapter, logAdapter } from './modules/outbox/service.ts';
import { createHealthService } from './modules/pages/health.ts';
import type { PlaceConfig } from './modules/place/config.ts';
import { createPlaceService } from './modules/place/service.ts';
import { createSpendImportJobs } from './modules/spend/import/jobs.ts';
import { createSpendImportService } from './modules/spend/import/service.ts';
import { createSpendMeasureService } from './modules/spend/measure/service.ts';
import { createSpendResolutionService } from './modules/spend/resolution/service.ts';

export type ServiceDeps = { db: Database; config: Config; place: PlaceConfig; mailAdapter?: DeliveryAdapter };

// The composition root: data access and services wired once, passed to routes and commands.
export function createServices({ db, config, place, mailAdapter }: ServiceDeps) {
  const audit = createAuditService(db);
  const outbox = createOutboxService(db, config, mailAdapter ?? logAdapter());
  const sessions = createSessionService(db);
  const placeService = createPlaceService({ db, place, audit });
  const accounts = createAccountService({ db, config, serviceName: place.serviceName, audit, outbox, sessions });
  const organisations = createOrganisationService({ db, audit, outbox, place, config, accounts });
  const jobs = createJobs({ db });
  const registers = createRegisterImportService({ db, config, audit, jobs });
  const nameKeys = createNameKeyService({ db });
  const spendResolution = createSpendResolutionService({ db, audit, nameKeys });
  const spendImport = createSpendImportService({
    db,
    config,
    audit,
    place: placeService,
    resolveCouncil: spendResolution.resolveCouncil,
  });
  const spendImportJobs = createSpendImportJobs({ db, jobs, spendImport, place: placeService });
  const spendMeasure = createSpendMeasureService({ db, place, audit });
  const needs = createNeedsService({ db, audit, outbox, serviceName: place.serviceName, baseUrl: config.baseUrl });
  const specifications = createSpecificationService({ db, config, audit, outbox, needs });
  // Applications reads opportunities, so it is made after them; opportunities reaches applications (whom to tell of a
  // cancellation, how its applications were decided) only through this port, called once both exist.
  const opportunities = createOpportunityService({
    db,
    config,
    place,
    audit,
    outbox,
    specifications,
    organisations,
    applications: {
      waitingOn: (opportunityId, trx) => applications.waitingOn(opportunityId, trx),
      assessedOn: (opportunityId, trx) => applications.assessedOn(opportunityId, trx),
    },
  });
  const applications = createApplicationService({ db, config, audit, outbox, opportunities, organisations });
  const ocds = createOcdsService({ db, config, place });
  const chain = createChainService({ db, needs, specifications });
  const assessment = createAssessmentService({ db, config, audit, outbox, opportunities, applications });
  const awards = createAwardService({ db, config, place, audit, opportunities, applications });
  return {
    db,
    config,
    health: createHealthService(db),
    place: placeService,
    audit,
    outbox,
    sessions,
    accounts,
    organisations,
    nameKeys,
    jobs,
    registers,
    spendResolution,
    spendImport,
    spendImportJobs,
    spendMeasure,
    needs,
    specifications,
    opportunities,
    ocds,
    chain,
    applications,
    assessment,
    awards,
  };
}

export type Services = ReturnType<typeof createServices>;
