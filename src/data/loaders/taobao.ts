import { str } from '../../config/spec';
import { InteractionsBuilder } from '../build-interactions';
import type { DataSource } from './source';
import { nonNumericId } from './fields';
import { FILE_SOURCE_DATA_KEYS, parseLines, sourceFile } from './line-file';

const BEHAVIORS = ['pv', 'buy', 'cart', 'fav'];
const ROLES = ['user id', 'item id', 'category id', 'behavior', 'timestamp'];
/** the fields that are whole numbers, by their index in the line */
const NUMERIC = [0, 1, 2, 4];
const role = (index: number) => ROLES[NUMERIC[index]];

/** Alibaba's Taobao UserBehavior.csv: `user,item,category,behavior,timestamp` per line, no header. */
export const taobao: DataSource = {
  name: 'taobao',
  doc: 'Taobao UserBehavior.csv (Tianchi dataset 649): `user,item,category,behavior,timestamp`, behaviour pv, buy, cart or fav (kept as behaviour types), the category kept per item',
  dataKeys: FILE_SOURCE_DATA_KEYS,
  keys: { path: str('', 'UserBehavior.csv (gzip when the name ends in .gz)') },
  inputFiles: (config) => [sourceFile(config, 'taobao')],
  async load(config, reporter, reads = []) {
    const file = sourceFile(config, 'taobao');
    const builder = new InteractionsBuilder({ ratings: false, behaviors: true });
    await parseLines(
      file,
      (line) => {
        const fields = line.split(',');
        if (fields.length !== 5) return `expected 5 fields (user,item,category,behavior,timestamp), got ${fields.length}`;
        const [user, item, category, behavior, timestamp] = fields;
        const bad = nonNumericId([user, item, category, timestamp], role);
        if (bad) return bad;
        if (!BEHAVIORS.includes(behavior)) return `behavior "${behavior}" is not one of ${BEHAVIORS.join(', ')}`;
        builder.add(user, item, Number(timestamp), undefined, behavior);
        // an item keeps its category on almost every line (one item differs in the 84k-line sample): the last wins
        builder.setItemCategory(item, category);
        return null;
      },
      config,
      reporter,
      reads,
    );
    return builder.build('taobao');
  },
};
