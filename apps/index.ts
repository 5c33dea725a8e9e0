import { AppSpec } from '../lib';
import { mentraCloud } from './mentra-cloud';
import { nexusRuntime } from './nexus-runtime';

/** Every reference app, in the order they are synthesized. */
export const APPS: AppSpec[] = [mentraCloud, nexusRuntime];
