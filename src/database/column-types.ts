import pg from 'pg';

// pg returns int8 (bigint ids, count(*)) as strings to stay exact; every int8 we store or count
// stays far below 2^53, so numbers are exact and the API speaks plain JSON numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export const DOUBLE = 'double precision' as const;
