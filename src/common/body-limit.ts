/** The largest request body accepted, every route and content type alike (413 beyond it). */
export const BODY_LIMIT_BYTES = 20 * 1024 * 1024;

/**
 * The largest CSV trace the limit is documented to admit: 200,000 rows with every column at full
 * double precision (about 84 bytes a row, so 16 MiB). Larger traces are refused rather than parsed:
 * parsing is synchronous, and 1,000,000 rows (80 MiB) held one core for over 30 s and took 1.3 GB.
 */
export const CSV_TRACE_ROWS_WITHIN_LIMIT = 200_000;
