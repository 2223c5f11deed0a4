/**
 * Every fuzz suite, in the order the quick run reports them. The full run gives each a share of its
 * calls by `weight`.
 */
import { addonAsyncReads, addonData } from './addon-data';
import { addonKernels } from './addon-kernels';
import { addonObjectives } from './addon-objectives';
import { apiAsyncCalls, apiCalls } from './api-suite';
import { asyncServerCalls, asyncTrainerCalls } from './async-suite';
import { checkpointFiles } from './checkpoint-suite';
import { checkpointFileCalls, jobCalls } from './jobs-suite';
import { optimizerScenarios } from './optimizer-suite';
import type { Suite } from './suite';

export const SUITES: readonly Suite[] = [
  addonKernels, addonObjectives, addonData, addonAsyncReads, optimizerScenarios, apiCalls, apiAsyncCalls, checkpointFiles,
  jobCalls, checkpointFileCalls, asyncServerCalls, asyncTrainerCalls,
];
