/** I&2T data: reading, filtering, prompt splitting, synthetic generation, and the two `i2t` commands. */
export { formatCsv, formatCsvField, parseCsv, type CsvParseResult, type CsvProblem, type CsvRecord } from '../csv.js';
export {
  detectI2tFormat,
  readI2tDataset,
  type I2tFormat,
  type I2tProblem,
  type I2tProblemCode,
  type I2tReadResult,
  type I2tRow,
  type ImageCheck,
  type ReadI2tOptions,
} from './dataset.js';
export { writeI2tDataset, type I2tWritableRow } from './write-dataset.js';
export {
  countStats,
  filterDescriptions,
  type CountStats,
  type FilterField,
  type FilterOptions,
  type FilterReport,
  type FilterResult,
} from './filter.js';
export { I2T_FILTER_USAGE, runI2tFilterCli, type CliIo } from './filter-cli.js';
export { splitPerceptualSemantic, type PromptSplit } from './split-prompt.js';
export {
  generateSyntheticI2t,
  makeDegradedIqaSet,
  SYNTH_FACTORS,
  type DegradedIqaOptions,
  type DegradedIqaSet,
  type SynthFactor,
  type SynthItem,
  type SynthOptions,
  type SynthResult,
} from './synth.js';
export { I2T_SYNTH_USAGE, runI2tSynthCli } from './synth-cli.js';
