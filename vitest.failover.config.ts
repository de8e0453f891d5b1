import { suite } from './vitest.suites.js';

export default suite('failover', 180_000);
