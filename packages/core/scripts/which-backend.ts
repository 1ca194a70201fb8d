// Prints the backend recsuite would use here (and why, when it falls back): `pnpm --filter @recsuite/core backend`.
import { initBackend } from '../src/tensor/backend.js';

console.log(await initBackend());
