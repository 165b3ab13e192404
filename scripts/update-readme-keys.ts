/** Regenerates the README's table of config keys from the schema (`make docs`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withKeyReference } from '../src/schema/key-reference';

const readme = join(__dirname, '..', '..', 'README.md');
writeFileSync(readme, withKeyReference(readFileSync(readme, 'utf8')));
process.stdout.write(`updated ${readme}\n`);
