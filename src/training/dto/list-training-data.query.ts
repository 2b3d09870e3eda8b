import { LimitQuery, PageQuery } from '../../common/page.js';
import { OptionalRunId } from '../../common/query-fields.js';

export class ListTrainingDataQuery extends PageQuery {
  @OptionalRunId('every run')
  runId?: number;
}

/** `?runId=&limit=`: limit is how many versions of history to return. */
export class ModelQuery extends LimitQuery {
  @OptionalRunId('the continuous run')
  runId?: number;
}

/** `?runId=` for one model version. */
export class ModelVersionQuery {
  @OptionalRunId('the continuous run')
  runId?: number;
}
