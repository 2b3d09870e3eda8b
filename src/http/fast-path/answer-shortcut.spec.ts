import { jest } from '@jest/globals';
import { Controller, Get, Injectable, Logger, Module, UseGuards, type CanActivate } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { share } from '../../cache/shared-answer.js';
import { installAnswerShortcut, type AnswerOrigin } from './answer-shortcut.js';
import { FastPathAnswer } from './fast-path-answer.decorator.js';

@Injectable()
class LetThrough implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

const calls = { open: 0, guarded: 0 };
const answers = new Map<string, object>([
  ['open', share({ read: 'open' })],
  ['guarded', share({ read: 'guarded' })],
]);

@Controller()
class ReadsController {
  @Get('open')
  @FastPathAnswer()
  open() {
    calls.open++;
    return answers.get('open');
  }

  @Get('guarded')
  @FastPathAnswer()
  @UseGuards(LetThrough)
  guarded() {
    calls.guarded++;
    return answers.get('guarded');
  }
}

@Module({ controllers: [ReadsController], providers: [LetThrough] })
class ReadsModule {}

interface Origin extends AnswerOrigin {
  read: string;
}

describe(installAnswerShortcut.name, () => {
  let app: NestFastifyApplication;
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ReadsModule, new FastifyAdapter(), { logger: false });
    installAnswerShortcut<Origin>(app.getHttpAdapter().getInstance(), {
      answers: {
        originOf: (answer) => [...answers].map(([read, value]) => (value === answer ? { runId: 1, read } : undefined)).find(Boolean),
        current: (origin) => answers.get(origin.read),
      },
      continuousRunId: () => 1,
      known: [],
      modules: app.get(ModulesContainer),
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
    warn.mockRestore();
  });

  const get = async (url: string) => {
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json<unknown>() };
  };

  it('answers a repeat of a marked route before Nest', async () => {
    expect(await get('/open')).toEqual({ status: 200, body: { read: 'open' } });
    expect(await get('/open')).toEqual({ status: 200, body: { read: 'open' } });
    expect(calls.open).toBe(1);
  });

  it('leaves a marked route with a guard it does not know to Nest, and says so at start-up', async () => {
    expect(await get('/guarded')).toEqual({ status: 200, body: { read: 'guarded' } });
    expect(await get('/guarded')).toEqual({ status: 200, body: { read: 'guarded' } });
    expect(calls.guarded).toBe(2);
    expect(warn).toHaveBeenCalledWith('/guarded is not answered by the fast path: it does not know LetThrough');
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
