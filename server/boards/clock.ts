// The boards' clock. Local dates (file names, posted-confirmation defaults) are read from it, so that a
// test can set the time near midnight instead of waiting for it.
import { localToday } from '../localTime.ts';

export interface BoardClock { now(): Date }

export const systemClock = (): BoardClock => ({ now: () => new Date() });

/** The district's date (its time zone) on the clock. */
export const clockToday = (clock: BoardClock): string => localToday(clock.now());
