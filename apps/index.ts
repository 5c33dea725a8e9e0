import { AppSpec, withTopology } from '../lib';
import { gitops } from './gitops';
import { homelabTraefik } from './homelab-traefik';
import { kortixApi } from './kortix-api';
import { mentraCloud } from './mentra-cloud';
import { nexusRuntime } from './nexus-runtime';

/**
 * Every reference app, in the order they are synthesized. Each workload app also gets
 * `dist/<app>/TOPOLOGY.md` (a mermaid diagram drawn from its construct tree); `gitops` writes the
 * Argo CD Applications that sync them.
 */
export const APPS: AppSpec[] = [...[mentraCloud, nexusRuntime, homelabTraefik, kortixApi].map((app) => withTopology(app)), gitops];
