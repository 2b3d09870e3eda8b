import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { BIGINT_ID } from '../common/parse-id.pipe.js';
import { ListTasksQuery } from './dto/list-tasks.query.js';
import { TasksService } from './tasks.service.js';

@ApiTags('tasks')
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  list(@Query() query: ListTasksQuery) {
    const { limit, cursor, ...filter } = query;
    return this.tasks.list(filter, limit, cursor);
  }

  @Get(':id')
  get(@Param('id', BIGINT_ID) id: number) {
    return this.tasks.get(id);
  }
}
