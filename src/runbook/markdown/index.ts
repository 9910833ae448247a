export { parseMarkdown } from './parse.js';
