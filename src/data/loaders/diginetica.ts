import { str } from '../../config/spec';
import { InteractionsBuilder } from '../build-interactions';
import type { DataSource } from './source';
import { isWholeNumber, nonNumericId } from './fields';
import { datasetName, FILE_SOURCE_DATA_KEYS, parseLines, sourceFile } from './line-file';
import { dateSeconds } from './times';

const HEADER = 'session_id;user_id;item_id;timeframe;eventdate';
const ROLES = ['session_id', 'item_id', 'timeframe'];
const role = (index: number) => ROLES[index];

/**
 * DIGINETICA (CIKM Cup 2016, track 2) `train-item-views.csv` and SR-GNN's `sample_train-item-views.csv`:
 * `session_id;user_id;item_id;timeframe;eventdate`, a header, one item view per line. Each session is a user
 * (most user_ids are `NA`), as in SR-GNN and its followers. A view's time is its session's date (`eventdate`,
 * midnight UTC) plus `timeframe`, the milliseconds since the session began: the date alone ties every view of
 * a session, and the timeframe alone loses the days between sessions, which a time-aware model reads.
 */
export const diginetica: DataSource = {
  name: 'diginetica',
  doc: 'DIGINETICA (CIKM Cup 2016) train-item-views.csv or SR-GNN\'s sample of it: `session_id;user_id;item_id;timeframe;eventdate`; each session is a user; time = eventdate (midnight UTC) + timeframe ms',
  dataKeys: FILE_SOURCE_DATA_KEYS,
  keys: { path: str('', 'train-item-views.csv or sample_train-item-views.csv (gzip when the name ends in .gz)') },
  inputFiles: (config) => [sourceFile(config, 'diginetica')],
  async load(config, reporter, reads = []) {
    const file = sourceFile(config, 'diginetica');
    const builder = new InteractionsBuilder({ ratings: false, behaviors: false });
    await parseLines(
      file,
      (line, lineNumber) => {
        if (lineNumber === 1 && line === HEADER) return null;
        const fields = line.split(';');
        if (fields.length !== 5) return `expected 5 fields (${HEADER}), got ${fields.length}`;
        const [session, user, item, timeframe, eventdate] = fields;
        const bad = nonNumericId([session, item, timeframe], role);
        if (bad) return bad;
        if (user !== 'NA' && !isWholeNumber(user)) return `user_id "${user}" is neither a whole number nor NA`;
        const day = dateSeconds(eventdate);
        if (day === null) return `eventdate "${eventdate}" is not YYYY-MM-DD`;
        builder.add(session, item, day + Number(timeframe) / 1000);
        return null;
      },
      config,
      reporter,
      reads,
    );
    return builder.build(datasetName(file));
  },
};
