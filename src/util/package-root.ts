import { join } from 'node:path';

/** The memrec package root: three levels above this file's compiled form, dist/src/util/. */
export const PACKAGE_ROOT = join(__dirname, '..', '..', '..');
