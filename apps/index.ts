import { AppSpec, withTopology } from '../lib';
import { gitopsFor } from './gitops';
import { homelabTraefik } from './homelab-traefik';
import { kortixApi } from './kortix-api';
import { mentraCloud } from './mentra-cloud';
import { nexusRuntime, nexusRuntimeGateway } from './nexus-runtime';
import { voiceAgents } from './voice-agents';

/** The five seed systems, plus nexus-runtime on a second cluster that runs Envoy Gateway. */
export const WORKLOAD_APPS: AppSpec[] = [mentraCloud, nexusRuntime, nexusRuntimeGateway, homelabTraefik, voiceAgents, kortixApi];

/**
 * Every reference app, in the order they are synthesized. Each workload app also gets
 * `dist/<app>/TOPOLOGY.md` (a mermaid diagram drawn from its construct tree); `argocd` writes the
 * Argo CD Applications that sync every one of them.
 */
export const APPS: AppSpec[] = [...WORKLOAD_APPS.map((app) => withTopology(app)), gitopsFor(WORKLOAD_APPS)];

/** The command that regenerates dist/ in this repository, named in every generated file's header. */
export const REGENERATE = 'npm run synth';
