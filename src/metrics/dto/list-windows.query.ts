import { PageQuery } from '../../common/page.js';
import { OptionalRunId, OptionalScheduler } from '../../common/query-fields.js';

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
