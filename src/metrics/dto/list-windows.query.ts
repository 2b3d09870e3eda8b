import { PageQuery } from '../../common/page.js';
import { OptionalFlag, OptionalRunId, OptionalScheduler } from '../../common/query-fields.js';

export class ListWindowsQuery extends PageQuery {
  @OptionalRunId('the continuous run')
  runId?: number;

  @OptionalScheduler()
  scheduler?: string;
}

export class RunQuery {
  @OptionalRunId('the continuous run')
  runId?: number;
}

export class LeaderboardQuery extends RunQuery {
  @OptionalFlag('true: exact percentiles (percentile_cont over every stored result, O(rows), cached per run version); default: from the running aggregates, O(strategies)')
  exact?: 'true' | 'false';
}
