import { str } from '../../config/spec';
import { InteractionsBuilder } from '../build-interactions';
import type { DataSource } from './source';
import { nonNumericId } from './fields';
import { FILE_SOURCE_DATA_KEYS, parseLines, sourceFile } from './line-file';
import { dateHourSeconds } from './times';

const HEADER = 'user_id,item_id,behavior_type,user_geohash,item_category,time';
/** behavior_type 1..4 by its code minus one */
const BEHAVIORS = ['click', 'fav', 'cart', 'buy'];
const ROLES = ['user_id', 'item_id', 'item_category'];
const role = (index: number) => ROLES[index];

/**
 * Alibaba's mobile recommendation competition data (Tianchi 2015), `tianchi_mobile_recommend_train_user.csv`:
 * `user_id,item_id,behavior_type,user_geohash,item_category,time` with a header. The geohash, often empty,
 * is not kept.
 */
export const aliMobile: DataSource = {
  name: 'ali_mobile',
  doc: 'Ali Mobile (Tianchi) tianchi_mobile_recommend_train_user.csv: behaviour 1..4 kept as click, fav, cart, buy; item_category kept per item; time `YYYY-MM-DD HH` read as UTC',
  dataKeys: FILE_SOURCE_DATA_KEYS,
  keys: { path: str('', 'tianchi_mobile_recommend_train_user.csv (gzip when the name ends in .gz)') },
  inputFiles: (config) => [sourceFile(config, 'ali_mobile')],
  async load(config, reporter, reads = []) {
    const file = sourceFile(config, 'ali_mobile');
    const builder = new InteractionsBuilder({ ratings: false, behaviors: true });
    await parseLines(
      file,
      (line, lineNumber) => {
        if (lineNumber === 1 && line === HEADER) return null;
        const fields = line.split(',');
        if (fields.length !== 6) return `expected 6 fields (${HEADER}), got ${fields.length}`;
        const [user, item, behaviorType, , category, time] = fields;
        const bad = nonNumericId([user, item, category], role);
        if (bad) return bad;
        if (!/^[1-4]$/.test(behaviorType)) return `behavior_type "${behaviorType}" is not 1..4 (${BEHAVIORS.join(', ')})`;
        const timestamp = dateHourSeconds(time);
        if (timestamp === null) return `time "${time}" is not YYYY-MM-DD HH`;
        builder.add(user, item, timestamp, undefined, BEHAVIORS[Number(behaviorType) - 1]);
        builder.setItemCategory(item, category);
        return null;
      },
      config,
      reporter,
      reads,
    );
    return builder.build('ali_mobile');
  },
};
