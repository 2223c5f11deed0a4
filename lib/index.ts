/**
 * descent: fast gradient-descent optimizers for Node.js. SIMD C++ kernels update Float32Array
 * memory in place; the classes below follow PyTorch's `torch.optim` names, options and defaults.
 * @packageDocumentation
 */
export { SGD, Momentum, Nesterov } from './optimizers/sgd';
export type { SGDHyper, SGDOptions } from './optimizers/sgd';
export { Adagrad } from './optimizers/adagrad';
export type { AdagradHyper, AdagradOptions } from './optimizers/adagrad';
export { Adadelta } from './optimizers/adadelta';
export type { AdadeltaHyper, AdadeltaOptions } from './optimizers/adadelta';
export { RMSprop } from './optimizers/rmsprop';
export type { RMSpropHyper, RMSpropOptions } from './optimizers/rmsprop';
export { Adam, AMSGrad, AdamW } from './optimizers/adam';
export type { AdamHyper, AdamOptions } from './optimizers/adam';
export { AdaMax } from './optimizers/adamax';
export type { AdaMaxHyper, AdaMaxOptions } from './optimizers/adamax';
export { Nadam } from './optimizers/nadam';
export type { NadamHyper, NadamOptions } from './optimizers/nadam';
export { Optimizer } from './optimizers/optimizer';
export type {
  Compat, CommonOptions, NonFiniteMode, OptimizerStateDict, OptimizerStats, ParamGroup, ParamGroupState, Params, SparseGradient,
} from './optimizers/types';
export type { Backend } from './kernels';
export { stateDictToJSON, stateDictFromJSON } from './state-dict-json';
export type { JSONStateDict } from './state-dict-json';
export { nativeInfo, setIsa, setThreads, setParallelMinElements } from './native';
export type { NativeInfo } from './native';
export { ParamArena } from './arena';
export type { ArenaLayout } from './arena';
export {
  LearningRates, BaseSchedule, FixedLR, ConstantLR, StepLR, MultiStepLR, ExponentialLR, InverseTimeLR, PolynomialLR,
  LinearLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR, LambdaLR, MultiplicativeLR,
  SequentialLR, ChainedScheduler, ReduceLROnPlateau,
} from './schedules/index';
export type {
  SchedulableOptimizer, ScheduleTarget, LrScheduler, Schedule, ScheduleStateDict, FixedLROptions, ConstantLROptions,
  StepLROptions, MultiStepLROptions, ExponentialLROptions, InverseTimeLROptions, PolynomialLROptions, LinearLROptions,
  CosineAnnealingLROptions, CosineAnnealingWarmRestartsOptions, CyclicLROptions, CyclicMode, OneCycleLROptions,
  LambdaLROptions, LrLambda, SequentialLROptions, ChainableSchedule, ReduceLROnPlateauOptions,
} from './schedules/index';
export { SeededRandom, uniformInt, identityIndices, shuffleIndices, permutation } from './train/random';
export type { UniformSource, RandomState } from './train/random';
export { GradientNoise } from './train/gradient-noise';
export type { GradientNoiseOptions } from './train/gradient-noise';
export { clipGradValue, clipGradNorm, clipGradNormEach } from './train/clip';
export type { ClipGradNormOptions } from './train/clip';
export { hasNonFinite, findNonFinite, guardStep, createGuardStats, NonFiniteGuard } from './train/nan-guard';
export type { NonFinitePolicy, NonFiniteLocation, GuardStats, Steppable } from './train/nan-guard';
export { WeightEMA } from './train/ema';
export type { WeightEMAOptions, WeightEMAStateDict } from './train/ema';
export { GradientAccumulator } from './train/accumulate';
export type { GradientAccumulatorOptions } from './train/accumulate';
export { gradientCheck } from './train/gradient-check';
export type { GradientCheckOptions, GradientCheckResult } from './train/gradient-check';
export { EarlyStopping } from './train/early-stopping';
export type { EarlyStoppingOptions, EarlyStoppingDecision, MonitorMode } from './train/early-stopping';
export { Curriculum } from './train/curriculum';
export type { CurriculumOptions, CurriculumStrategy } from './train/curriculum';
export type { GradientList, ArrayList } from './train/check';
export { lossAndGrad, predictScores, predictClasses, evaluate } from './objectives/linear';
export type { LinearMetrics } from './objectives/linear';
export { parameterCount, isClassification } from './objectives/objective';
export type { LinearObjective, LinearLoss } from './objectives/objective';
export { beale, rosenbrock, saddle, ravine, himmelblau, testFunctions, valueAndGrad, RAVINE_CONDITION } from './objectives/test-functions';
export type { TestFunction2D, Point2D } from './objectives/test-functions';
export { readSvmlight, readSvmlightSync } from './data/svmlight';
export type { SvmlightOptions, SvmlightAsyncOptions, SvmlightData } from './data/svmlight';
export { Xoshiro128, seedState, shuffle } from './data/shuffle';
export { trainValidationSplit, splitData } from './data/split';
export type { Split, SplitOptions, SplitData } from './data/split';
export { fitStandardScaler, applyStandardScaler, standardize } from './data/standardize';
export type { StandardScaler } from './data/standardize';
export { selectRows, selectLabels, checkMatrix, isCsr, rowCount } from './data/matrix';
export type { DenseMatrix, CsrMatrix, Matrix, Labels } from './data/matrix';
export { fit } from './train/fit';
export type { FitOptions, FitResult, FitHistory, EpochLogs, JsObjective, Variant } from './train/fit';
export { contourPlot, lineChart, contourLines, sampleGrid, logLevels, linearLevels, SERIES_COLORS, seriesColor, escapeXml } from './viz/index';
export type { ContourPlotOptions, PathSeries, LineChartOptions, LineSeries, SampledGrid, XY } from './viz/index';
export { MLP, BatchNorm1d, BATCH_NORM_MOMENTUM, BATCH_NORM_EPS, Dense, ReLU, SoftmaxCrossEntropy, makeSpirals, trainClassifier } from './models/index';
export type { MLPOptions, ActivationArray, ActivationPrecision, SpiralsOptions, ClassificationData, ArenaStepper, TrainClassifierOptions, TrainClassifierResult, EpochRecord } from './models/index';
export { hashedBagOfWords, tokenize, murmurHash3, murmurHash3Bytes, fnv1a, fnv1aBytes, DEFAULT_FEATURES } from './data/text';
export type { HashingOptions, TokenizeOptions, TermWeighting, TokenHash } from './data/text';
export { saveCheckpoint, saveCheckpointSync, loadCheckpoint, loadCheckpointSync, encodeCheckpoint, decodeCheckpoint, CheckpointError } from './checkpoint';
export type { Checkpoint, CheckpointParams, CheckpointErrorCode } from './checkpoint';
export { hogwild } from './parallel/hogwild';
export type { HogwildObjective, HogwildMode, HogwildRule, HogwildEpoch, HogwildChunk, HogwildOptions, HogwildResult, RatingTriples, SparseExamples, HeldOutRatings } from './parallel/hogwild';
export { hogwildWorkers } from './parallel/hogwild-workers';
export { ArraysInUseError, ARRAYS_IN_USE } from './parallel/job-guard';
export type { HogwildWorkerModel, HogwildWorkersOptions, HogwildWorkersEpoch } from './parallel/hogwild-workers';
export { generateSparse, generateRatings, splitRatings } from './data/generate';
export type { SparseSetOptions, SparseSet, RatingsOptions } from './data/generate';
export { easgd, runEasgdWorker } from './async/easgd';
export type { EasgdMode, EasgdOptions, EasgdHistoryEntry, EasgdResult, EasgdBarrier, EasgdExchangeInfo, RunEasgdWorkerOptions, RunEasgdWorkerResult } from './async/easgd';
// Asynchronous SGD (Downpour, delay-tolerant AdaGrad): the transport contract, the server rules, the in-process server, the delay injector.
export type { ParameterTransport, Push, PushKind, ShardLayout, ShardRange, TransportStats, ServerRule, ServerRuleName, TransportEndpoint } from './async/transport';
export type { AsyncModel } from './async/model';
export { applyPush, initShardState, fillInitialState, serverRuleStateNames, resolveServerRule, ruleNeedsGradSum, SERVER_RULE_NAMES } from './async/server-rule';
export type { ShardState, ResolvedServerRule } from './async/server-rule';
export { shardLayout, checkShardLayout } from './async/layout';
export { createInProcessServer, InProcessServer } from './async/in-process/server';
export type { InProcessServerOptions, InProcessServerStats } from './async/in-process/server';
export { InProcessTransport } from './async/in-process/transport';
export type { InProcessMode, InProcessConfig } from './async/in-process/transport';
export type { SharedShard } from './async/in-process/shared-shard';
export type { PushQueue } from './async/in-process/queue';
export { withDelay, delaySampler } from './async/delay';
export type { DelayOptions, DelayedTransport } from './async/delay';
export { downpour } from './async/downpour';
export type { DownpourOptions, DownpourProgress, DownpourResult } from './async/downpour';
export { runDownpourReplica, replicaExamples } from './async/downpour-replica';
export type { DownpourReplicaOptions, DownpourReplicaReport, DownpourReplicaResult } from './async/downpour-replica';
export { openEndpoint } from './async/load-module';
// The parameter server on Redis (needs the optional peer dependency ioredis, loaded on first use).
export { initRedisJob, redisJobStatus, deleteRedisJobKeys, openRedisTransport, redisEndpoint, redisTransportModule, RedisTransport, runShardServer, runRedisWorker, checkRunConfig } from './async/redis/index';
export type { RedisLocation, InitRedisJobOptions, RedisJobMeta, RedisJobStatus, RedisShardStatus, RedisProcessStatus, ProcessRecord, RedisTransportConfig, ShardServerOptions, ShardServerProgress, ShardServerShardProgress, RedisAlgorithm, RunRedisWorkerOptions, RedisRunConfig } from './async/redis/index';
