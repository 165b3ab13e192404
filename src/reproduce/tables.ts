import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { paperTablesDir } from '../data/paper-stats';
import { MODELS } from '../models/registry';

/** One dataset column of a paper's table: the preset that reproduces its protocol and the raw file it reads. */
export interface ColumnSpec {
  /** the column's key in the paper's table (and in the output) */
  readonly key: string;
  /** the paper's column whose figures are printed beside ours (another key for a stand-in dataset; null: none) */
  readonly published: string | null;
  readonly preset: string;
  /** the raw file, relative to the data folder, under every name users get it by; the first that exists is used */
  readonly files: readonly string[];
  /** side files as `--set` overrides, looked for beside the raw file found, then under the data folder */
  readonly sideFiles?: readonly { readonly key: string; readonly file: string }[];
  /** what the reader must know about this column (a stand-in dataset, a sample) */
  readonly note?: string;
  /** settings --quick adds for this column (a smaller sample of a large stand-in file) */
  readonly quickSets?: readonly string[];
}

/** One row: a model of the paper's table and memrec's model for it (null: not in memrec). */
export interface RowSpec {
  readonly label: string;
  readonly model: string | null;
  /** the cell's run folder under its column, where rows (or tables) share a model; default the model */
  readonly key?: string;
  /** a baseline (not the paper's own model), for the significance mark */
  readonly baseline: boolean;
  /** model settings for this row, as `--set` overrides */
  readonly sets?: readonly string[];
  /** model settings --quick adds for this row (a smaller network) */
  readonly quickSets?: readonly string[];
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
  /** the published figures of a row in a column, in `metrics` order (null where the paper prints none), or null */
  published(column: string, row: string): (number | null)[] | null;
  /** the rows every other row is tested against (default: the rows that are not baselines) */
  readonly proposed?: readonly string[];
  /** the grid the paper tuned every row over (config key → values), for `--tune`; rows use only the keys they have */
  readonly tuneSpace?: Readonly<Record<string, readonly unknown[]>>;
  /** where the paper states that grid, in words */
  readonly tuneSpaceNote?: string;
  /** settings every row gets with `--tune` only (the optimizer the paper's grid is for) */
  readonly tuneSets?: readonly string[];
  /** the seeds a cell runs when --seeds is not given (absent: 1, 2, 3) */
  readonly seeds?: readonly number[];
  /** a figure rather than a table: row k is the point at x[k] of each column's line, drawn as SVG too */
  readonly series?: { readonly axis: string; readonly x: readonly number[] };
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
  // --tune: section 5.1.4's grids (SGD's learning rate, the regularisation λ as train.l2, D), stated for RUM and
  // given to every row alike so that each gets the same search; under the paper's SGD (tuneSets)
  tuneSpace: { 'train.lr': [1, 0.1, 0.01, 0.001, 0.0001], 'train.l2': [0.1, 0.01, 0.001, 0.0001], 'model.dim': [10, 20, 30, 40, 50] },
  tuneSpaceNote: 'RUM section 5.1.4: SGD learning rate, λ and D by grid search, given to every row',
  tuneSets: ['train.optimizer=sgd'],
};

const dmanTables = lazy(() => {
  const yaml = paperYaml('dman');
  return {
    table3: yaml.table3 as { columns: Record<string, string[]>; rows: Record<string, Record<string, number[]>> },
    table5: yaml.table5 as Record<string, Record<string, number[]>>,
  };
});

/** DMAN's window T (Table 2: 20 on MovieLens and Taobao): DMAN's window and the '*' rows' latest window. */
const DMAN_T = 20;
/**
 * The rows that stream users through lockstep lanes (DMAN's and HPMN): the longest users take the lanes first, so
 * that no epoch ends in near single-user steps. Shuffled lanes cost DMAN 14 HR@50 on ML-1M's half
 * (docs/dman-table.md, "the lane schedule").
 */
const STREAM_ORDER = 'train.stream_order=longest_first';
/**
 * `dman` once it is registered (issue 17's model, merged on its own branch), else null: until then its four
 * rows say "model not in memrec" instead of stopping the whole reproduction at a model name the config rejects.
 */
const DMAN_MODEL = MODELS.dman ? 'dman' : null;
const dmanRow = (label: string, key: string, sets: string[]): RowSpec => ({
  label,
  model: DMAN_MODEL,
  key,
  baseline: label !== 'DMAN',
  sets: [...sets, `model.window=${DMAN_T}`, 'model.slots=20', STREAM_ORDER],
});
/** The '*' rows' cut: the model learns from each user's latest window only (what it scores from is its max_length). */
const latestWindow = [`train.latest_window=${DMAN_T}`];

/**
 * Table 3's figures of a column, each under the memrec metric it names (null where the paper prints none for
 * that column), and for the variants Table 5's (Taobao only; its Recall@100 is HR@100 with one held-out item).
 */
function dmanPublished(column: string, row: string): (number | null)[] | null {
  const { table3, table5 } = dmanTables();
  const byMetric: Record<string, number> = {};
  const figures = table3.rows[row]?.[column];
  if (figures) table3.columns[column].forEach((name, k) => (byMetric[name.toLowerCase()] = figures[k]));
  const ablation = table5[column]?.[row];
  // Table 5's Recall@100 and NDCG@100 are fractions; where it repeats DMAN's Table 3 figures, rounded, Table 3's stay
  if (ablation) ['hr@100', 'ndcg@100'].forEach((metric, k) => (byMetric[metric] ??= Number((ablation[k] * 100).toFixed(6))));
  return figures || ablation ? DMAN.metrics.map((m) => byMetric[m] ?? null) : null;
}

const DMAN: TableSpec = {
  paper: 'dman',
  id: 'table3',
  title: "DMAN (Tan et al., AAAI 2021), Table 3 (MovieLens and Taobao columns) with Table 5's variants: HR@10, HR@50, HR@100, NDCG@100 in %",
  // the union of the two columns' metrics; HR@50 is the one both (and JD.com's) print, hence the headline
  metrics: ['hr@10', 'hr@50', 'hr@100', 'ndcg@100'],
  primary: 'hr@50',
  scale: 100,
  columns: [
    {
      key: 'movielens',
      published: 'movielens',
      preset: 'dman/movielens',
      files: anyOf(['ml-1m', 'movielens-1m', ''], ['ratings.dat', 'ratings.dat.gz']),
      note: "where only movielens-1m/ratings.dat.gz (users 1-2,999, half of ML-1M) is at hand, the figures are for that half",
    },
    {
      key: 'taobao',
      published: 'taobao',
      preset: 'dman/taobao',
      files: anyOf(['taobao-userbehavior', 'taobao', ''], ['UserBehavior.csv']),
      note: "where only the sample at hand is (the first 815 users of UserBehavior.csv, against the paper's 987,994 users over 4.2M items) the figures are for it: beside the paper's for orientation only",
    },
    {
      key: 'ml_100k',
      published: 'movielens',
      preset: 'dman/ml-100k',
      files: anyOf(['movielens-100k', 'ml-100k', ''], ['u.data']),
      note: "a stand-in at hand for the MovieLens column (MovieLens-100K: 943 users, 1,682 items, 106 ratings a user), smaller than ML-1M's half and run in full on a 2-core machine; the paper's ML-1M figures beside it are for orientation only",
    },
  ],
  // long MovieLens histories: the sequence models read the last 200 items; Caser keeps its own window (its
  // max_length is the convolution window L, where 200 would need tens of GB). The '*' rows learn from the
  // latest window only and read that window when they score (max_length T); Caser* reads its usual L.
  rows: [
    { label: 'GRU4Rec*', model: 'gru4rec', key: 'gru4rec-latest', baseline: true, sets: [...latestWindow, `model.max_length=${DMAN_T}`] },
    { label: 'Caser*', model: 'caser', key: 'caser-latest', baseline: true, sets: latestWindow },
    { label: 'SASRec*', model: 'sasrec', key: 'sasrec-latest', baseline: true, sets: [...latestWindow, `model.max_length=${DMAN_T}`] },
    { label: 'GRU4Rec', model: 'gru4rec', baseline: true, sets: ['model.max_length=200'] },
    { label: 'Caser', model: 'caser', baseline: true },
    { label: 'SASRec', model: 'sasrec', baseline: true, sets: ['model.max_length=200'] },
    // SHAN and SDM read the last 200 items as the sequence models; their sessions and long term are cut from them
    { label: 'SHAN', model: 'shan', baseline: true, sets: ['model.max_length=200'], quickSets: ['model.max_length=50'] },
    // HPMN streams each user's whole history through its periodic memory, in training windows of DMAN's T
    { label: 'HPMN', model: 'hpmn', baseline: true, sets: [`model.window=${DMAN_T}`, STREAM_ORDER] },
    { label: 'SDM', model: 'sdm', baseline: true, sets: ['model.max_length=200'], quickSets: ['model.max_length=50'] },
    // the switches written out, so that each row stays its variant whatever the keys' defaults become
    dmanRow('DMAN', 'dman', ['model.memory=routing', 'model.attention=recurrent']),
    dmanRow('DMAN-XL', 'dman-xl', ['model.memory=none', 'model.attention=recurrent']),
    dmanRow('DMAN-FIFO', 'dman-fifo', ['model.memory=fifo', 'model.attention=recurrent']),
    dmanRow('DMAN-NRAN', 'dman-nran', ['model.memory=routing', 'model.attention=vanilla']),
  ],
  // "all methods are optimized with the number of samples equals 5 and ... D equals 128"; every column
  // measures every metric of the table (the Taobao preset's own cut-offs are 50 and 100)
  // Epochs: the parameter settings' "the maximum epoch is 8". The paper also says DMAN "tends to converge after
  // ... 50 epochs for MovieLens", so on the MovieLens columns 8 may stop short (docs/dman-table.md measures it).
  // The best epoch is chosen on validation NDCG@100, a metric both columns print, smoother than HR's 0/1.
  sets: ['train.epochs=8', 'model.dim=128', 'train.num_negatives=5', 'eval.cutoffs=[10, 50, 100]', 'train.early_stop_metric=ndcg@100'],
  // --quick: a user sample and a narrower network
  quickSets: [...QUICK, 'data.preprocess=["implicit", "keep_users fraction=0.1"]', 'model.dim=32'],
  published: dmanPublished,
};

const mtamTable2 = lazy(() => paperYaml('mtam').table2 as { columns: string[] } & Record<string, Record<string, number[]>>);
const mtamTable3 = lazy(() => paperYaml('mtam').table3_ablation as Record<string, Record<string, number[]>>);
/** Table 3's columns, in its order */
const MTAM_DATASETS = ['ml25m', 'electronics', 'cds_vinyl', 'movies_tv', 'yoochoose4', 'ali_mobile'];
const MTAM_PAPER_COLUMNS: [string, string, string[], { key: string; file: string }[]][] = [
  ['ml25m', 'mtam/ml25m', anyOf(['ml-20m', 'movielens-20m'], ['ratings.csv']), [{ key: 'data.movielens.movies_path', file: 'ml-20m/movies.csv' }]],
  ['electronics', 'mtam/electronics', anyOf(['amazon-2018', ''], ['Electronics.json.gz']), [{ key: 'data.amazon.meta_path', file: 'amazon-2018/meta_Electronics.json.gz' }]],
  ['cds_vinyl', 'mtam/cds-vinyl', anyOf(['amazon-2018', ''], ['CDs_and_Vinyl.json.gz']), [{ key: 'data.amazon.meta_path', file: 'amazon-2018/meta_CDs_and_Vinyl.json.gz' }]],
  ['movies_tv', 'mtam/movies-tv', anyOf(['amazon-2018', ''], ['Movies_and_TV.json.gz']), [{ key: 'data.amazon.meta_path', file: 'amazon-2018/meta_Movies_and_TV.json.gz' }]],
  // yoochoose-data/: the RecSys Challenge 2015 archive's own folder
  ['yoochoose4', 'mtam/yoochoose4', anyOf(['yoochoose', 'yoochoose-data', ''], ['yoochoose-clicks.dat']), []],
  // tianchi-mobile/ and the archive's name tianchi_mobile_recommend_train_user/ hold the same Tianchi file
  ['ali_mobile', 'mtam/ali-mobile', anyOf(['ali-mobile', 'tianchi-mobile', 'tianchi_mobile_recommend_train_user', ''], ['tianchi_mobile_recommend_train_user.csv']), []],
];
/** --quick on a stand-in column: a few thousand training prefixes (a user sample, each user's last 12 behaviours) */
const quickPreprocess = (steps: string[]) => [`data.preprocess=[${[...steps, 'recent n=12'].join(', ')}]`];
/** The data at hand (../shared/datasets), each with its mtam/* preset; docs/mtam-table.md has their figures. */
const MTAM_STAND_INS: ColumnSpec[] = [
  {
    key: 'ml_1m',
    published: 'ml25m',
    preset: 'mtam/ml-1m',
    files: anyOf(['movielens-1m', 'ml-1m', ''], ['ratings.dat', 'ratings.dat.gz']),
    sideFiles: [{ key: 'data.movielens.movies_path', file: 'movielens-1m/movies.dat' }],
    note: "a stand-in for ml25m, whose figures are beside it for orientation only: MovieLens-1M with its genres strings as categories; where only movielens-1m/ratings.dat.gz (users 1-2,999) is at hand, that half",
    quickSets: quickPreprocess(['implicit', 'min_count users=10 items=30', 'keep_users fraction=0.1']),
  },
  {
    key: 'ml_100k',
    published: 'ml25m',
    preset: 'mtam/ml-100k',
    files: anyOf(['movielens-100k', 'ml-100k', ''], ['u.data']),
    sideFiles: [{ key: 'data.movielens.movies_path', file: 'movielens-100k/u.item' }],
    note: 'a stand-in for ml25m, whose figures are beside it for orientation only: MovieLens-100K with its genre flags as categories',
    quickSets: quickPreprocess(['implicit', 'min_count users=10 items=30', 'keep_users fraction=0.3']),
  },
  {
    key: 'taobao',
    published: 'ali_mobile',
    preset: 'mtam/taobao',
    files: anyOf(['taobao-userbehavior', 'taobao', ''], ['UserBehavior.csv']),
    note: "a stand-in for ali_mobile (Alibaba behaviours with categories), whose figures are beside it for orientation only: the first 815 users of Taobao's UserBehavior.csv, filtered for its size (see the preset)",
    quickSets: quickPreprocess(['implicit', 'min_count items=5', 'min_count users=5']),
  },
  {
    key: 'yoochoose_sample',
    published: 'yoochoose4',
    preset: 'mtam/yoochoose-sample',
    files: anyOf(['yoochoose', 'yoochoose-data', ''], ['yoochoose-clicks-100k_train_full.txt']),
    note: "a stand-in for yoochoose4, whose figures are beside it for orientation only: session-rec's prepared 100k-click sample, no categories, filtered for its size (see the preset)",
    quickSets: quickPreprocess(['min_count items=5', 'min_count users=5', 'keep_users fraction=0.15']),
  },
  {
    key: 'diginetica',
    published: null,
    preset: 'mtam/diginetica',
    files: anyOf(['diginetica', ''], ['sample_train-item-views.csv']),
    note: "not in the paper: SR-GNN's DIGINETICA sample, sessions as users, no categories, filtered for its size (see the preset)",
  },
];
const MTAM_COLUMNS: ColumnSpec[] = [
  ...MTAM_PAPER_COLUMNS.map(([key, preset, files, sideFiles]) => ({ key, published: key, preset, files, sideFiles })),
  ...MTAM_STAND_INS,
];
/** --quick: a smaller network for every neural row (d 32, the last 20 behaviours) */
const SMALL = ['model.dim=32', 'model.max_length=20'];
const NARM_SIZES = ['model.dim=128', 'model.embedding_dim=128'];
const NARM_SMALL = [...SMALL, 'model.embedding_dim=32'];
/** memrec's rows of MTAM's tables; rows that several tables share have one key, so one run fills them all */
const MTAM_ROWS: Record<string, Omit<RowSpec, 'label' | 'baseline'>> = {
  toppop: { model: 'mostpop' },
  ppop: { model: 'ppop' },
  bpr: { model: 'bpr', quickSets: ['model.dim=32'] },
  gru4rec: { model: 'gru4rec', quickSets: [...SMALL, 'model.embedding_dim=32'] },
  // the paper's GRU is its GRU−− (GRU4Rec) with the category features: the item's category joined to its
  // embedding as MTAM's behaviour embedding joins it (issue 19)
  gru: { model: 'gru4rec', key: 'gru4rec-category', sets: ['model.category=concat'], quickSets: [...SMALL, 'model.embedding_dim=32'] },
  tseqrec: { model: 'tseqrec', quickSets: SMALL },
  sasrec: { model: 'sasrec', quickSets: SMALL },
  tisasrec: { model: 'tisasrec', quickSets: SMALL },
  tgru: { model: 'tgru', quickSets: SMALL },
  // hops written out: Figure 5's 4-hop point is this run whatever the key's default becomes
  mtam: { model: 'mtam', sets: ['model.hops=4'], quickSets: SMALL },
  // NARM's paper (additive attention); NARM+ and NARM++ as memrec reads MTAM's names (src/models/baselines/narm.ts).
  // "all hidden units and low-rank embedding spaces ... 128" (MTAM §6.2), the models' own dropout
  narm: { model: 'narm', sets: NARM_SIZES, quickSets: NARM_SMALL },
  narm_plus: { model: 'narm', key: 'narm_plus', sets: [...NARM_SIZES, 'model.attention=time_aware'], quickSets: NARM_SMALL },
  narm_plus_plus: { model: 'narm', key: 'narm_plus_plus', sets: [...NARM_SIZES, 'model.attention=time_aware', 'model.unit=tgru'], quickSets: NARM_SMALL },
  stamp: { model: 'stamp', sets: ['model.dim=128'], quickSets: SMALL },
};
const row = (label: string, baseline: boolean, spec: Omit<RowSpec, 'label' | 'baseline'> | null): RowSpec => ({ label, baseline, ...(spec ?? { model: null }) });
const mtamVariant = (key: string, sets: string[]): Omit<RowSpec, 'label' | 'baseline'> => ({ model: 'mtam', key, sets, quickSets: SMALL });
// not tuned (no validation part in the paper): 20 epochs, the best validation epoch kept
const MTAM_SETS = ['train.epochs=20'];

const MTAM: TableSpec = {
  paper: 'mtam',
  id: 'table2',
  title: 'MTAM (Ji et al., CIKM 2020), Table 2: HR@10 and NDCG@10',
  metrics: ['hr@10', 'ndcg@10'],
  primary: 'hr@10',
  scale: 1,
  columns: MTAM_COLUMNS,
  rows: [
    row('TopPop', true, MTAM_ROWS.toppop),
    row('P-Pop', true, MTAM_ROWS.ppop),
    row('BPR-MF', true, MTAM_ROWS.bpr),
    row('GRU--', true, MTAM_ROWS.gru4rec),
    row('GRU', true, MTAM_ROWS.gru),
    row('T-SeqRec', true, MTAM_ROWS.tseqrec),
    row('T-GRU', true, MTAM_ROWS.tgru),
    row('SASRec', true, MTAM_ROWS.sasrec),
    row('TiSASRec', true, MTAM_ROWS.tisasrec),
    row('NARM', true, MTAM_ROWS.narm),
    row('NARM+', true, MTAM_ROWS.narm_plus),
    row('NARM++', true, MTAM_ROWS.narm_plus_plus),
    row('STAMP', true, MTAM_ROWS.stamp),
    row('MTAM', false, MTAM_ROWS.mtam),
  ],
  sets: MTAM_SETS,
  quickSets: QUICK,
  published: (column, row) => {
    const table = mtamTable2();
    const k = table.columns.indexOf(row);
    return k < 0 ? null : [table['HR@10'][column][k], table['NDCG@10'][column][k]];
  },
};

/** A figure of MTAM's columns from its own table's figures (Table 3's, Figure 5's none). */
function mtamColumnFigures(read: () => Record<string, Record<string, number[]>>) {
  return (column: string, row: string): number[] | null => {
    const k = MTAM_DATASETS.indexOf(column);
    const figures = read()[row];
    return k < 0 || !figures ? null : [figures['HR@10'][k], figures['NDCG@10'][k]];
  };
}

const MTAM_ABLATION: TableSpec = {
  ...MTAM,
  id: 'table3',
  title: 'MTAM (Ji et al., CIKM 2020), Table 3 (ablation): HR@10 and NDCG@10',
  rows: [
    row('GRU', true, MTAM_ROWS.gru),
    row('MTAM', false, MTAM_ROWS.mtam),
    row('MTAM-with-T-SeqRec', true, mtamVariant('mtam-unit-tseqrec', ['model.unit=tseqrec'])),
    row('MTAM-without-time-RNN', true, mtamVariant('mtam-unit-gru', ['model.unit=gru'])),
    row('MTAM-without-time-attention', true, mtamVariant('mtam-attention-dot', ['model.attention=dot'])),
    row('MTAM-via-T-GRU', true, mtamVariant('mtam-memory-states', ['model.memory=states'])),
    row('MTAM-via-GRU', true, mtamVariant('mtam-memory-states-unit-gru', ['model.memory=states', 'model.unit=gru'])),
    {
      label: 'time-aware-self-attention',
      baseline: true,
      model: 'sasrec',
      key: 'sasrec-attention-time-aware',
      sets: ['model.attention=time_aware'],
      quickSets: SMALL,
    },
  ],
  published: mtamColumnFigures(mtamTable3),
};

const HOPS = [0, 1, 2, 3, 4, 5, 6, 7, 8];

const MTAM_HOPS: TableSpec = {
  ...MTAM,
  id: 'figure5',
  title: 'MTAM (Ji et al., CIKM 2020), Figure 5: HR@10 and NDCG@10 against the number of hops (0 = T-GRU)',
  // 0 hops is T-GRU (the paper's definition) and 4 hops Table 2's MTAM: the runs of Table 2's rows
  rows: HOPS.map((hops) =>
    row(`${hops} hops`, hops === 0, hops === 0 ? MTAM_ROWS.tgru : hops === 4 ? MTAM_ROWS.mtam : mtamVariant(`mtam-hops${hops}`, [`model.hops=${hops}`])),
  ),
  // the paper draws Figure 5 without printing its values
  published: () => null,
  // Table 2's MTAM: every other number of hops is tested against it
  proposed: ['4 hops'],
  series: { axis: 'hops', x: HOPS },
};

const marsTable1 = lazy(() => paperYaml('mars').table1 as Record<string, Record<string, number[]>>);

/**
 * MARS's rows (Table 1's, then MostPop and Figure 7's variants, which the paper prints no figures for here).
 * DeepFM and Wide & Deep get MARS's input: the user id and the item's words, without the item id.
 */
/** --quick: narrower word vectors and fewer filters (the text CNN over 260-word reviews is most of MARS's cost) */
const MARS_QUICK = ['model.word_dim=32', 'model.filters=16'];
const MARS_ROWS: readonly RowSpec[] = [
  { label: 'BPR', model: 'bpr', baseline: true },
  { label: 'NCF', model: 'ncf', baseline: true },
  { label: 'CMF', model: 'cmf', baseline: true },
  // CTR and CDL are fitted in rounds (model.iterations), which --quick's epochs do not shorten
  { label: 'CTR', model: 'ctr', baseline: true, quickSets: ['model.iterations=2', 'model.lda_sweeps=20'] },
  { label: 'DeepFM', model: 'deepfm', baseline: true, sets: ['model.item_id=false'] },
  { label: 'CDL', model: 'cdl', baseline: true, quickSets: ['model.iterations=2'] },
  { label: 'Wide&Deep', model: 'wide_deep', baseline: true, sets: ['model.item_id=false'] },
  { label: 'MostPop', model: 'mostpop', baseline: true },
  { label: 'MARS w/o Text', model: 'mars', key: 'mars-no-text', baseline: true, sets: ['model.variant=no_text'], quickSets: MARS_QUICK },
  { label: 'MARS +Embed', model: 'mars', key: 'mars-embed', baseline: true, sets: ['model.variant=embed'], quickSets: MARS_QUICK },
  { label: 'MARS w/o Att', model: 'mars', key: 'mars-no-attention', baseline: true, sets: ['model.variant=no_attention'], quickSets: MARS_QUICK },
  // the switch written out, so that the row stays the paper's model whatever the key's default becomes
  { label: 'MARS', model: 'mars', baseline: false, sets: ['model.variant=mars'], quickSets: MARS_QUICK },
];

const MARS: TableSpec = {
  paper: 'mars',
  id: 'table1',
  title: 'MARS (Zheng et al.), Table 1: Recall@50 and MAP (cut-off 500)',
  metrics: ['recall@50', 'map@500'],
  primary: 'recall@50',
  scale: 1,
  columns: [
    { key: 'video_games', published: 'video_games', preset: 'mars/video-games', files: amazon2014FiveCore('Video_Games'), sideFiles: [{ key: 'data.amazon.meta_path', file: 'amazon-2014/meta_Video_Games.json.gz' }] },
    { key: 'movies_and_tv', published: 'movies_and_tv', preset: 'mars/movies-tv', files: amazon2014FiveCore('Movies_and_TV'), sideFiles: [{ key: 'data.amazon.meta_path', file: 'amazon-2014/meta_Movies_and_TV.json.gz' }] },
    {
      key: 'musical_instruments_reviews',
      published: null,
      preset: 'mars/musical-instruments-reviews',
      files: amazon2014FiveCore('Musical_Instruments'),
      note: "a stand-in at hand (Amazon 2014 Musical Instruments 5-core, 1,429 users, 900 items) without metadata: an item's text is its reviews' summaries and texts, held-out reviews included, not a description; no published figures",
    },
    {
      key: 'ml_100k',
      published: null,
      preset: 'mars/ml-100k',
      files: anyOf(['movielens-100k', 'ml-100k', ''], ['u.data']),
      sideFiles: [{ key: 'data.movielens.movies_path', file: 'movielens-100k/u.item' }],
      note: 'a stand-in at hand (MovieLens-100K, rating 5 as positive, users with >= 10: 593 users, 1,155 items), text = title and genres from u.item, far shorter than a synopsis; no published figures',
    },
  ],
  // the Gift Cards preset (148 items) is not a column: the table's MAP cut-off of 500 exceeds its catalogue
  rows: MARS_ROWS,
  // the paper's repetitions are its five random splits (split.repeats), mean (std) over them: one seed draws them
  seeds: [1],
  // the best epoch is chosen on validation Recall@50, the paper's headline, every third epoch: a full-ranking
  // validation costs MARS more than an epoch of training (ML-100K: 6.6 s against 4.8 s), 30 of them per split
  sets: ['train.epochs=30', 'train.early_stop_metric=recall@50', 'train.eval_every=3'],
  // --quick: one of the five random splits
  quickSets: [...QUICK, 'split.repeats=1'],
  published: (column, row) => marsTable1()[column]?.[row] ?? null,
};

/** Every paper table (and figure) `memrec reproduce` knows, by paper, in the order they are run. */
export const TABLES: Readonly<Record<string, readonly TableSpec[]>> = { rum: [RUM], dman: [DMAN], mtam: [MTAM, MTAM_ABLATION, MTAM_HOPS], mars: [MARS] };
