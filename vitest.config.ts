import { defineConfig } from 'vitest/config';
// @ts-expect-error plain ESM preset without types
import { projectConfig } from './tooling/vitest/preset.mjs';
import fs from 'node:fs';
import path from 'node:path';

const dirs = ['packages', 'apps'].flatMap((group) =>
  fs.existsSync(group)
    ? fs.readdirSync(group).map((d) => path.join(group, d)).filter((d) => fs.existsSync(path.join(d, 'package.json')))
    : [],
);

export default defineConfig({
  test: {
    projects: dirs.map((d) => projectConfig(path.basename(d), path.resolve(d))),
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
