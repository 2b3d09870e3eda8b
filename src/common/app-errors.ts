import { HttpException, HttpStatus } from '@nestjs/common';

/** 404 in the one error shape. */
export class NotFound extends HttpException {
  constructor(what: string, id: string | number) {
    super({ message: `${what} ${id} not found`, error: 'Not Found' }, HttpStatus.NOT_FOUND);
  }
}
