import { HttpException, HttpStatus } from '@nestjs/common';

/** 410 in the one error shape: the thing existed, and is gone for good. */
export class Gone extends HttpException {
  constructor(message: string) {
    super({ message, error: 'Gone' }, HttpStatus.GONE);
  }
}

/** 404 in the one error shape. */
export class NotFound extends HttpException {
  constructor(what: string, id: string | number) {
    super({ message: `${what} ${id} not found`, error: 'Not Found' }, HttpStatus.NOT_FOUND);
  }
}
