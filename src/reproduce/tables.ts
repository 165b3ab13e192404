import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { paperTablesDir } from '../data/paper-stats';

/** One dataset column of a paper's table: the preset that reproduces its protocol and the raw file it reads. */
export interface ColumnSpec {
  /** the column's key in the paper's table (and in the output) */
  readonly key: string;
  /** the paper's column whose figures are printed beside ours (another key for a stand-in dataset) */
  readonly published: string;
  readonly preset: string;
  /** the raw file, relative to the data folder, under every name users get it by; the first that exists is used */
  readonly files: readonly string[];
  /** side files as `--set` overrides, looked for beside the raw file found, then under the data folder */
  readonly sideFiles?: readonly { readonly key: string; readonly file: string }[];
  /** what the reader must know about this column (a stand-in dataset, a sample) */
  readonly note?: string;
}

/** One row: a model of the paper's table and memrec's model for it (null: not in memrec). */
export interface RowSpec {
  readonly label: string;
  readonly model: string | null;
  /** a baseline (not the paper's own model), for the significance mark */
  readonly baseline: boolean;
  /** model settings for this row, as `--set` overrides */
  readonly sets?: readonly string[];
}

export interface TableSpec {
  readonly paper: string;
  readonly id: string;
  readonly title: string;
  /** the published columns' metrics, in the paper's order, as memrec metric keys */
  readonly metrics: readonly string[];
  /** the metric that decides which model is best (the paper's headline metric) */
  readonly primary: string;
  /** published value = ours × scale (100 where the paper prints percentages) */
  readonly scale: number;
  readonly columns: readonly ColumnSpec[];
  readonly rows: readonly RowSpec[];
  /** the training settings every row gets, and the ones --quick adds */
  readonly sets: readonly string[];
  readonly quickSets: readonly string[];
  /** the published figures of a row in a column, in `metrics` order, or null */
  published(column: string, row: string): number[] | null;
}

function paperYaml(paper: string): Record<string, unknown> {
  return parse(readFileSync(join(paperTablesDir(), `${paper}.yaml`), 'utf8')) as Record<string, unknown>;
}

/** Reads the YAML lazily: a table can be listed (and cells reported) without the paper tables at hand. */
function lazy<T>(read: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= read());
}

const QUICK = ['train.epochs=2'];

/**
 * Every `folder/name` of the given folders and names, in that order; the folder '' is the data folder itself
 * (a file downloaded alone). Users get the same file under different folder names (the name of our shared
 * folder, of the archive, of the site), so each column accepts them all.
 */
const anyOf = (folders: readonly string[], names: readonly string[]) => folders.flatMap((folder) => names.map((name) => (folder ? `${folder}/${name}` : name)));

const rumTable2 = lazy(() => paperYaml('rum').table2 as Record<string, Record<string, number[]>>);
const amazon2014 = (category: string) => anyOf(['amazon-2014', 'amazon', ''], [`ratings_${category}.csv`, `ratings_${category}.csv.gz`]);
/** the 2014 5-core reviews: McAuley's site serves them alone; RUM's and MARS's folders differ */
const amazon2014FiveCore = (category: string) => anyOf(['amazon-2014-5core', 'amazon-2014', 'amazon', ''], [`reviews_${category}_5.json.gz`, `reviews_${category}_5.json`]);

const RUM: TableSpec = {
  paper: 'rum',
  id: 'table2',
  title: 'RUM (Chen et al., WSDM 2018), Table 2: P, R, F1, HR, NDCG @5 in %',
  metrics: ['precision@5', 'recall@5', 'f1@5', 'hr@5', 'ndcg@5'],
  primary: 'f1@5',
  scale: 100,
  columns: [
    { key: 'instant_video', published: 'instant_video', preset: 'rum/instant-video', files: amazon2014('Amazon_Instant_Video') },
    { key: 'musical_instrument', published: 'musical_instrument', preset: 'rum/musical-instruments', files: amazon2014('Musical_Instruments') },
    { key: 'automotive', published: 'automotive', preset: 'rum/automotive', files: amazon2014('Automotive') },
    { key: 'baby_care', published: 'baby_care', preset: 'rum/baby', files: amazon2014('Baby') },
    {
      key: 'musical_instrument_5core',
      published: 'musical_instrument',
      preset: 'rum/musical-instruments-5core',
      files: amazon2014FiveCore('Musical_Instruments'),
      note: "the 2014 5-core reviews of the same category: a different filtering than the paper's (188 users with >= 10 reviews against 2,129), so the paper's column beside it is for orientation only",
    },
  ],
  rows: [
    { label: 'MP', model: 'mostpop', baseline: true },
    { label: 'BPR', model: 'bpr', baseline: true },
    { label: 'FPMC', model: 'fpmc', baseline: true },
    { label: 'DREAM', model: 'dream', baseline: true },
    { label: 'RUM-I', model: 'rum_item', baseline: false },
    { label: 'RUM-F', model: 'rum_feature', baseline: false },
  ],
  // Not tuned (the protocol has no validation part): Adam at lr 0.01 with batches of 32, fixed beforehand so
  // that the smallest column (188 users) still gets several steps an epoch; see docs/rum-table.md.
  sets: ['train.epochs=30', 'train.lr=0.01', 'train.batch_size=32'],
  quickSets: QUICK,
  published: (column, row) => rumTable2()[column]?.[row] ?? null,
};

const dmanTable3 = lazy(() => paperYaml('dman').table3 as { rows: Record<string, Record<string, number[]>> });

const DMAN: TableSpec = {
  paper: 'dman',
  id: 'table3',
  title: 'DMAN (Tan et al., AAAI 2021), Table 3 (MovieLens column): HR@10, HR@50, NDCG@100 in %',
  metrics: ['hr@10', 'hr@50', 'ndcg@100'],
  primary: 'hr@10',
  scale: 100,
  columns: [
    {
      key: 'movielens',
      published: 'movielens',
      preset: 'dman/movielens',
      files: anyOf(['ml-1m', 'movielens-1m', ''], ['ratings.dat', 'ratings.dat.gz']),
      note: "where only movielens-1m/ratings.dat.gz (users 1-2,999, half of ML-1M) is at hand, the figures are for that half",
    },
  ],
  // long MovieLens histories: the sequence models read the last 200 items; Caser keeps its own window (its
  // max_length is the convolution window L, where 200 would need tens of GB)
  rows: [
    { label: 'GRU4Rec', model: 'gru4rec', baseline: true, sets: ['model.max_length=200'] },
    { label: 'Caser', model: 'caser', baseline: true },
    { label: 'SASRec', model: 'sasrec', baseline: true, sets: ['model.max_length=200'] },
    { label: 'SHAN', model: null, baseline: true },
    { label: 'HPMN', model: null, baseline: true },
    { label: 'SDM', model: null, baseline: true },
    { label: 'DMAN', model: null, baseline: false },
  ],
  sets: ['train.epochs=20'],
  quickSets: [...QUICK, 'data.preprocess=["implicit", "keep_users fraction=0.1"]'],
  published: (column, row) => dmanTable3().rows[row]?.[column] ?? null,
};

const mtamTable2 = lazy(() => paperYaml('mtam').table2 as { columns: string[] } & Record<string, Record<string, number[]>>);
const MTAM_COLUMNS: [string, string, string[], { key: string; file: string }[]][] = [
  ['ml25m', 'mtam/ml25m', anyOf(['ml-20m', 'movielens-20m'], ['ratings.csv']), [{ key: 'data.movielens.movies_path', file: 'ml-20m/movies.csv' }]],
  ['electronics', 'mtam/electronics', anyOf(['amazon-2018', ''], ['Electronics.json.gz']), [{ key: 'data.amazon.meta_path', file: 'amazon-2018/meta_Electronics.json.gz' }]],
  ['cds_vinyl', 'mtam/cds-vinyl', anyOf(['amazon-2018', ''], ['CDs_and_Vinyl.json.gz']), [{ key: 'data.amazon.meta_path', file: 'amazon-2018/meta_CDs_and_Vinyl.json.gz' }]],
  ['movies_tv', 'mtam/movies-tv', anyOf(['amazon-2018', ''], ['Movies_and_TV.json.gz']), [{ key: 'data.amazon.meta_path', file: 'amazon-2018/meta_Movies_and_TV.json.gz' }]],
  // yoochoose-data/: the RecSys Challenge 2015 archive's own folder
  ['yoochoose4', 'mtam/yoochoose4', anyOf(['yoochoose', 'yoochoose-data', ''], ['yoochoose-clicks.dat']), []],
  // tianchi-mobile/ and the archive's name tianchi_mobile_recommend_train_user/ hold the same Tianchi file
  ['ali_mobile', 'mtam/ali-mobile', anyOf(['ali-mobile', 'tianchi-mobile', 'tianchi_mobile_recommend_train_user', ''], ['tianchi_mobile_recommend_train_user.csv']), []],
];

const MTAM: TableSpec = {
  paper: 'mtam',
  id: 'table2',
  title: 'MTAM (Ji et al., CIKM 2020), Table 2: HR@10 and NDCG@10',
  metrics: ['hr@10', 'ndcg@10'],
  primary: 'hr@10',
  scale: 1,
  columns: MTAM_COLUMNS.map(([key, preset, files, sideFiles]) => ({ key, published: key, preset, files, sideFiles })),
  rows: [
    ['TopPop', 'mostpop'],
    ['P-Pop', 'ppop'],
    ['BPR-MF', 'bpr'],
    ['GRU--', null],
    ['GRU', 'gru4rec'],
    ['T-SeqRec', null],
    ['T-GRU', null],
    ['SASRec', 'sasrec'],
    ['TiSASRec', null],
    ['NARM', null],
    ['NARM+', null],
    ['NARM++', null],
    ['STAMP', null],
    ['MTAM', null],
  ].map(([label, model]) => ({ label: label as string, model, baseline: label !== 'MTAM' })),
  sets: ['train.epochs=20'],
  quickSets: QUICK,
  published: (column, row) => {
    const table = mtamTable2();
    const k = table.columns.indexOf(row);
    return k < 0 ? null : [table['HR@10'][column][k], table['NDCG@10'][column][k]];
  },
};

const marsTable1 = lazy(() => paperYaml('mars').table1 as Record<string, Record<string, number[]>>);

const MARS: TableSpec = {
  paper: 'mars',
  id: 'table1',
  title: 'MARS (Zheng et al.), Table 1: Recall@50 and MAP (cut-off 500)',
  metrics: ['recall@50', 'map@500'],
  primary: 'recall@50',
  scale: 1,
  columns: [
    { key: 'video_games', published: 'video_games', preset: 'mars/video-games', files: amazon2014FiveCore('Video_Games'), sideFiles: [{ key: 'data.amazon.meta_path', file: 'amazon-2014/meta_Video_Games.json.gz' }] },
    { key: 'movies_and_tv', published: 'movies_and_tv', preset: 'mars/movies-tv', files: amazon2014FiveCore('Movies_and_TV') },
  ],
  rows: ['BPR', 'NCF', 'CMF', 'CTR', 'DeepFM', 'CDL', 'Wide&Deep', 'MARS'].map((label) => ({
    label,
    model: label === 'BPR' ? 'bpr' : null,
    baseline: label !== 'MARS',
  })),
  sets: ['train.epochs=30'],
  quickSets: QUICK,
  published: (column, row) => marsTable1()[column]?.[row] ?? null,
};

/** Every paper table `memrec reproduce` knows, by paper. */
export const TABLES: Readonly<Record<string, TableSpec>> = { rum: RUM, dman: DMAN, mtam: MTAM, mars: MARS };
