/** IQA evaluation metrics: SRCC, KRCC, PLCC (plain and after the 4-parameter logistic fit). */
export { averageRanks, kendallTauB, pearson, spearman, type NumericArray } from './correlation.js';
export { correlationReport, type CorrelationReport } from './correlation-report.js';
export {
  fitLogistic4,
  logistic4,
  type Logistic4Fit,
  type Logistic4FitOptions,
  type Logistic4Params,
} from './logistic-fit.js';
