/** The largest request body accepted, every route and content type alike (413 beyond it). */
export const BODY_LIMIT_BYTES = 20 * 1024 * 1024;

