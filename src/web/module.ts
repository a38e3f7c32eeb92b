import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.ts';

/** What routes may use: every service, but not the database handle, so no page reaches the database. */
export type RouteServices = Omit<Services, 'db'>;

/** What a module's routes file exports: a Fastify plugin given the composition root's services. */
export type ModuleRoutes = (app: FastifyInstance, options: { services: RouteServices }) => Promise<void>;
