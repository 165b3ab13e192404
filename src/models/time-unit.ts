import { oneOf } from '../config/spec';

/** Seconds in each `model.time_unit`: every loader stores Unix seconds, whatever the raw file's resolution. */
export const SECONDS_PER = { seconds: 1, minutes: 60, hours: 3600, days: 86400 } as const;

export type TimeUnit = keyof typeof SECONDS_PER;

/** The `model.time_unit` key of the time-aware models: one rule on every data source (the MTAM authors': hours). */
export const timeUnitKey = (what: string) =>
  oneOf(Object.keys(SECONDS_PER) as TimeUnit[], 'hours', `${what}the unit of every gap before log(gap + 1), on every data source (the MTAM authors' code: hours)`);
