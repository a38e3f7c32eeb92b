import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.ts';

/** What a module's routes file exports: a Fastify plugin given the composition root's services. */
export type ModuleRoutes = (app: FastifyInstance, options: { services: Services }) => Promise<void>;
