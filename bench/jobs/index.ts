// The jobs a load worker can run, by name.
import { casJob } from './cas.js';
import { failoverJob } from './failover.js';
import { getJob } from './get.js';
import { pacedWatchJob } from './paced-watch.js';
import { putJob } from './put.js';
import { watchJob } from './watch.js';

export const jobs = { put: putJob, get: getJob, cas: casJob, watch: watchJob, pacedWatch: pacedWatchJob, failover: failoverJob };

export type JobKind = keyof typeof jobs;
export type JobParams<K extends JobKind> = Parameters<(typeof jobs)[K]>[0];
