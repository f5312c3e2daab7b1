/** The project's perceptual vocabulary and term matching. */
export { DEFAULT_PERCEPTUAL_TERMS, PERCEPTUAL_TERM_GROUPS } from './perceptual-terms.js';
export {
  countPerceptualTerms,
  createVocabulary,
  defaultVocabulary,
  findPerceptualTerms,
  loadVocabulary,
  parseVocabularyText,
  tokenizeWords,
  type TermCount,
  type TermMatch,
  type Vocabulary,
  type WordToken,
} from './vocabulary.js';
