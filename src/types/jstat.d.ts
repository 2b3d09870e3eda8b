// jStat ships no types: the one function the experiments' statistics use.
declare module 'jstat' {
  const jStat: {
    studentt: {
      /** The quantile (inverse CDF) at probability p of Student's t with dof degrees of freedom. */
      inv(p: number, dof: number): number;
    };
  };
  export default jStat;
}
