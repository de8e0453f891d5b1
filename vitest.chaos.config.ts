import { suite } from './vitest.suites.js';

export default suite('chaos', 240_000);
