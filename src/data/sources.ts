import { int, num, prefixed, type Schema } from '../config/spec';
import { stream } from '../random/streams';
import { Progress } from '../util/progress';
import { amazon } from './loaders/amazon';
import { delimited } from './loaders/delimited';
import { diginetica } from './loaders/diginetica';
import type { DataSource } from './loaders/source';
import { movielens } from './loaders/movielens';
import { s3rec } from './loaders/s3rec';
import { sasrec } from './loaders/sasrec';
import { taobao } from './loaders/taobao';
import { aliMobile } from './loaders/tianchi';
import { yoochoose } from './loaders/yoochoose';
import { DEFAULT_SYNTHETIC_PARAMS, generateSynthetic, validateSyntheticParams, type SyntheticParams } from './synthetic';

export type { DataSource } from './loaders/source';

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const d = DEFAULT_SYNTHETIC_PARAMS;
const SYNTHETIC_KEYS: Record<keyof SyntheticParams, Schema[string]> = {
  numUsers: int(d.numUsers, 'users to generate', { min: 1 }),
  numItems: int(d.numItems, 'items (at least num_clusters)', { min: 1 }),
  numClusters: int(d.numClusters, 'latent item clusters', { min: 1 }),
  numCategories: int(d.numCategories, 'item categories; cluster c has category c mod num_categories', { min: 1 }),
  tokensPerItem: int(d.tokensPerItem, 'text tokens per item, mostly from its cluster\'s vocabulary', { min: 0, max: 8 }),
  minLength: int(d.minLength, 'shortest user sequence', { min: 2 }),
  maxLength: int(d.maxLength, 'longest user sequence', { min: 2 }),
  interestsPerUser: int(d.interestsPerUser, 'clusters each user is interested in', { min: 1 }),
  popularitySkew: num(d.popularitySkew, 'Zipf exponent of item popularity within a cluster (0 = uniform)', { min: 0 }),
  transitionStrength: num(d.transitionStrength, 'probability that the next item is the previous item\'s fixed successor', { min: 0, max: 1 }),
  repeatStrength: num(d.repeatStrength, 'probability of re-consuming an item from at least repeat_lag steps back', { min: 0, max: 1 }),
  repeatLag: int(d.repeatLag, 'how far back a re-consumed item lies, at least', { min: 1 }),
  driftRate: num(d.driftRate, 'per-step probability that the active interest switches (and that an interest is replaced)', { min: 0, max: 1 }),
  sessionLength: num(d.sessionLength, 'mean interactions per session (0 = no sessions: every gap a minute plus an exponential with a mean of a day)', { min: 0 }),
  burstGap: num(d.burstGap, 'sessions: mean seconds between interactions of one session, beyond a minute', { min: 0 }),
  sessionGap: num(d.sessionGap, 'sessions: mean seconds between sessions, beyond a minute', { min: 0 }),
  gapSwitch: num(d.gapSwitch, 'sessions: probability that a session\'s start moves the active interest to another of the user\'s (0 = time tells nothing)', { min: 0, max: 1 }),
  switchDelay: int(d.switchDelay, 'gap_switch: the move shows at the session\'s first interaction (0) or its second (1: only the gap before the last seen interaction tells)', { min: 0, max: 1 }),
  homeGap: int(d.homeGap, 'home returns (0 = none): every home_gap-th interaction counted back from the last is a cue item and then an item of the user\'s home cluster, which only the opening and earlier returns show (data for long-range memory)', { min: 0 }),
  homeLength: int(d.homeLength, 'home returns: items of the home cluster that open each sequence', { min: 1 }),
};

const synthetic: DataSource = {
  name: 'synthetic',
  doc: 'built-in generator with known structure (clusters, first-order transitions, long-range repeats, drift, optional sessions whose gaps move interests)',
  keys: Object.fromEntries(Object.entries(SYNTHETIC_KEYS).map(([param, spec]) => [snake(param), spec])),
  hasText: (config) => config.int('data.synthetic.tokens_per_item') > 0,
  async load(config, reporter) {
    const params = Object.fromEntries(
      Object.entries(SYNTHETIC_KEYS).map(([param, spec]) => {
        const path = `data.synthetic.${snake(param)}`;
        return [param, spec.type === 'int' ? config.int(path) : config.num(path)];
      }),
    ) as unknown as SyntheticParams;
    validateSyntheticParams(params, (param) => `data.synthetic.${snake(param)}`);
    const progress = new Progress(reporter, 'generating synthetic data', params.numUsers, 'users');
    let reported = 0;
    const data = generateSynthetic(params, stream(config.int('seed'), 'synthetic'), (done) => {
      progress.tick(done - reported);
      reported = done;
    });
    progress.finish();
    return data;
  },
};

/** Every data source by config name. */
export const DATA_SOURCES: Readonly<Record<string, DataSource>> = {
  synthetic,
  sasrec,
  s3rec,
  movielens,
  amazon,
  taobao,
  yoochoose,
  ali_mobile: aliMobile,
  diginetica,
  delimited,
};

/** The keys of a source with their full paths: its shared data.* keys, then its own data.<name>.* keys. */
export function sourceKeys(name: string): Schema {
  const source = DATA_SOURCES[name];
  return source ? { ...prefixed('data', source.dataKeys ?? {}), ...prefixed(`data.${name}`, source.keys) } : {};
}
