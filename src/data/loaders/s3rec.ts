import { str } from '../../config/spec';
import { InteractionsBuilder } from '../build-interactions';
import type { DataSource } from './source';
import { nonNumericId, whitespaceFields } from './fields';
import { datasetName, FILE_SOURCE_DATA_KEYS, parseLines, sourceFile } from './line-file';

const role = (index: number) => (index === 0 ? 'user id' : `item id ${index}`);

/** S3-Rec's preprocessed files (also used by CL4SRec, ICLRec, DuoRec): `user item item ...`, one user per line. */
export const s3rec: DataSource = {
  name: 's3rec',
  doc: 'one user per line, `user item item ...` with the items in time order (S3-Rec\'s Beauty.txt etc.); the position in the file stands in for the missing timestamp',
  hasTimes: () => false,
  dataKeys: FILE_SOURCE_DATA_KEYS,
  keys: { path: str('', "S3-Rec's file, e.g. Beauty.txt (gzip when the name ends in .gz)") },
  inputFiles: (config) => [sourceFile(config, 's3rec')],
  async load(config, reporter, reads = []) {
    const file = sourceFile(config, 's3rec');
    const builder = new InteractionsBuilder();
    await parseLines(
      file,
      (line) => {
        const fields = whitespaceFields(line);
        if (fields.length < 2) return `expected "user item item ...", got ${fields.length} field${fields.length === 1 ? '' : 's'}`;
        const bad = nonNumericId(fields, role);
        if (bad) return bad;
        for (let k = 1; k < fields.length; k++) builder.add(fields[0], fields[k], builder.size + 1);
        return null;
      },
      config,
      reporter,
      reads,
    );
    return builder.build(datasetName(file));
  },
};
