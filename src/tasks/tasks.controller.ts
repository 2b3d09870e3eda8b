import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBadRequest, ApiIdParam, ApiNotFound, ApiPageResponse } from '../common/api-responses.js';
import { BIGINT_ID } from '../common/parse-id.pipe.js';
import { ListTasksQuery } from './dto/list-tasks.query.js';
import { TaskResponse, TaskWithResultsResponse } from './dto/task.response.js';
import { TasksService } from './tasks.service.js';

@ApiTags('tasks')
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({ summary: 'Tasks, by run and task index; filters on size and compute intensity' })
  @ApiPageResponse(TaskResponse, undefined, { retained: true })
  @ApiNotFound('The run')
  list(@Query() { limit, cursor, ...filter }: ListTasksQuery) {
    return this.tasks.list(filter, limit, cursor);
  }

  @Get(':id')
  @ApiIdParam('Task (database)')
  @ApiOperation({ summary: "One task with every strategy's result" })
  @ApiOkResponse({ type: TaskWithResultsResponse })
  @ApiBadRequest()
  @ApiNotFound('The task')
  get(@Param('id', BIGINT_ID) id: number) {
    return this.tasks.get(id);
  }
}
