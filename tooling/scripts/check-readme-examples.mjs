#!/usr/bin/env node
// Type-checks every ```ts example in the root README and the package READMEs against the workspace's
// sources, so that an API change that breaks a documented example fails `pnpm typecheck`.
// Each block becomes one module under apps/bench/.readme-examples/ (git-ignored; apps/bench depends on
// every package, so `@recsuite/*` resolves there) and one `tsc --noEmit` checks them all. A failure names
// the README and the line in it of each error.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, 'apps/bench/.readme-examples');

/** The README files that carry examples: the root one and each package's. */
function readmes() {
  const pkgs = fs.readdirSync(path.join(root, 'packages')).map((p) => path.join('packages', p, 'README.md'));
  return ['README.md', ...pkgs].filter((f) => fs.existsSync(path.join(root, f)));
}

/** `{ file, line, code }` for every ```ts block of `file` (line: 1-based line of the opening fence). */
function tsBlocks(file, text) {
  const blocks = [];
  const lines = text.split('\n');
  let open = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (open < 0 && /^```(ts|typescript)\s*$/.test(l)) open = i;
    else if (open >= 0 && l.startsWith('```')) {
      blocks.push({ file, line: open + 1, code: lines.slice(open + 1, i).join('\n') });
      open = -1;
    }
  }
  if (open >= 0) throw new Error(`${file}:${open + 1}: a \`\`\`ts block is never closed`);
  return blocks;
}

const blocks = readmes().flatMap((f) => tsBlocks(f, fs.readFileSync(path.join(root, f), 'utf8')));
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const names = new Map();
blocks.forEach((b, k) => {
  const name = `${String(k).padStart(2, '0')}-${b.file.replace(/[/.]/g, '_')}-L${b.line}.ts`;
  names.set(name, b);
  // `export {}` makes a block without imports a module too (top-level await)
  fs.writeFileSync(path.join(outDir, name), `${b.code}\nexport {};\n`);
});
fs.writeFileSync(
  path.join(outDir, 'tsconfig.json'),
  JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { rootDir: '.', noEmit: true, noUnusedLocals: false }, include: ['*.ts'] }, null, 2),
);
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', path.join(outDir, 'tsconfig.json'), '--pretty', 'false'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
} catch (e) {
  const out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  // map "apps/bench/.readme-examples/NAME(l,c): error …" back to the README line
  const mapped = out.replace(/(?:[^\s(]*\.readme-examples[/\\])?(\d\d-[^\s(]+\.ts)\((\d+),(\d+)\)/g, (m, name, l, c) => {
    const b = names.get(name);
    return b ? `${b.file}:${b.line + Number(l)}:${c}` : m;
  });
  process.stderr.write(`README examples: type errors\n${mapped}`);
  process.exit(1);
}
console.log(`README examples: ${blocks.length} TypeScript blocks in ${new Set(blocks.map((b) => b.file)).size} READMEs type-check`);
