// pg ships no types for its utils: the encoder its queries apply to every parameter.
declare module 'pg/lib/utils.js' {
  const utils: {
    /** A parameter as pg sends it: an array becomes a PostgreSQL array literal, null stays null. */
    prepareValue(value: unknown): string | Buffer | null;
  };
  export default utils;
}
