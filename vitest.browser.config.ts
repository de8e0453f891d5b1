import { suite } from './vitest.suites.js';

export default suite('browser', 60_000);
