import { str } from '../../config/spec';
import { InteractionsBuilder } from '../build-interactions';
import type { DataSource } from './source';
import { nonNumericId, whitespaceFields } from './fields';
import { datasetName, FILE_SOURCE_DATA_KEYS, parseLines, sourceFile } from './line-file';

const ROLES = ['user id', 'item id'];
const role = (index: number) => ROLES[index];

/** SASRec's and BERT4Rec's preprocessed files: `user item` per line, each user's lines in time order. */
export const sasrec: DataSource = {
  name: 'sasrec',
  doc: 'one `user item` pair per line, each user\'s lines in time order (SASRec\'s Video.txt, BERT4Rec\'s beauty.txt); the line number stands in for the missing timestamp',
  hasTimes: () => false,
  dataKeys: FILE_SOURCE_DATA_KEYS,
  keys: { path: str('', "SASRec's or BERT4Rec's file, e.g. Video.txt or beauty.txt (gzip when the name ends in .gz)") },
  inputFiles: (config) => [sourceFile(config, 'sasrec')],
  async load(config, reporter, reads = []) {
    const file = sourceFile(config, 'sasrec');
    const builder = new InteractionsBuilder();
    await parseLines(
      file,
      (line, lineNumber) => {
        const fields = whitespaceFields(line);
        if (fields.length !== 2) return `expected 2 fields "user item", got ${fields.length}`;
        const bad = nonNumericId(fields, role);
        if (bad) return bad;
        builder.add(fields[0], fields[1], lineNumber);
        return null;
      },
      config,
      reporter,
      reads,
    );
    return builder.build(datasetName(file));
  },
};
