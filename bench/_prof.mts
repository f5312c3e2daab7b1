import { benchBigPrompt } from './big-prompt.js';
const f = await benchBigPrompt('plain');
console.log(JSON.stringify(f));
process.exit(0);
