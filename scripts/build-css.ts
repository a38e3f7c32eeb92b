// Compiles our stylesheet from GOV.UK Frontend's Sass with a system font stack:
// a council is not GOV.UK, so no GDS Transport font and no crown.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = sass.compile(join(root, 'src/web/styles/app.scss'), {
  importers: [new sass.NodePackageImporter()],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import'],
});
mkdirSync(join(root, 'public'), { recursive: true });
writeFileSync(join(root, 'public/app.css'), result.css);
console.log(`Built public/app.css (${result.css.length} bytes)`);
